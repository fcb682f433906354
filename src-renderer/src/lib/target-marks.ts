// What the target pane shows: the target's devices, and the selected source devices as they
// would land there — new, in conflict with a device already there, or already migrated.
// A quick local estimate from ids and EUIs; the plan (main's dry run) has the final word.
import type { DeviceRow, IdMapping } from '../ipc/types';

export type TargetMark = 'new' | 'conflict' | 'migrated' | 'existing';

export interface TargetEntry {
  row: DeviceRow;
  mark: TargetMark;
  /** Part of the current selection (a device that would be migrated). */
  planned: boolean;
  /** The source device it comes from (planned or migrated). */
  sourceId?: string;
  /** Why it conflicts, in words. */
  reason?: string;
}

export const MARK_LABELS: Record<TargetMark, string> = {
  new: 'New',
  conflict: 'Conflict',
  migrated: 'Migrated',
  existing: 'Existing',
};

const eui = (r: DeviceRow | undefined) => (r?.devEui ?? '').toUpperCase();

export function targetIdFor(sourceId: string, mapping: IdMapping | undefined): string {
  return mapping?.kind === 'prefix' ? `${mapping.prefix}${sourceId}` : sourceId;
}

/** What does not depend on the selection: indexes of both lists (rebuilt when a list changes). */
export interface SidesIndex {
  targetById: Map<string, DeviceRow>;
  targetByEui: Map<string, DeviceRow>;
  /** Position of each source device in its list. */
  sourceIndex: Map<string, number>;
  sourceRows: readonly (DeviceRow | undefined)[];
  /** The target's own devices, marked migrated when the source has the same DevEUI. */
  existing: TargetEntry[];
}

export function indexSides(targetRows: readonly (DeviceRow | undefined)[], sourceRows: readonly (DeviceRow | undefined)[]): SidesIndex {
  const targetById = new Map<string, DeviceRow>();
  const targetByEui = new Map<string, DeviceRow>();
  for (const r of targetRows) {
    if (!r) continue;
    targetById.set(r.id, r);
    if (r.devEui) targetByEui.set(eui(r), r);
  }
  // 50,000 source rows: one plain loop, no allocation per row.
  const sourceIndex = new Map<string, number>();
  const sourceByEui = new Map<string, DeviceRow>();
  const matchEuis = targetByEui.size > 0;
  for (let i = 0; i < sourceRows.length; i++) {
    const r = sourceRows[i];
    if (!r) continue;
    sourceIndex.set(r.id, i);
    if (matchEuis && r.devEui && targetByEui.has(eui(r))) sourceByEui.set(eui(r), r);
  }
  const existing: TargetEntry[] = [];
  for (const r of targetRows) {
    if (!r) continue;
    const from = r.devEui ? sourceByEui.get(eui(r)) : undefined;
    existing.push({ row: r, mark: from ? 'migrated' : 'existing', planned: false, sourceId: from?.id });
  }
  return { targetById, targetByEui, sourceIndex, sourceRows, existing };
}

/**
 * What a selected source device becomes on the target, by source id: computed once per index
 * (both lists) and id mapping, so that a selection change (a rubber band: every frame) only
 * looks its devices up. `null`: it lands on its own migrated copy (shown as that target row).
 */
const planned = new WeakMap<SidesIndex, { mapping: IdMapping | undefined; byId: Map<string, { entry: TargetEntry | null; targetId: string }> }>();

function plannedEntry(index: SidesIndex, r: DeviceRow, mapping: IdMapping | undefined): { entry: TargetEntry | null; targetId: string } {
  let cache = planned.get(index);
  if (!cache || cache.mapping !== mapping) {
    cache = { mapping, byId: new Map() };
    planned.set(index, cache);
  }
  const known = cache.byId.get(r.id);
  if (known) return known;
  const { targetById, targetByEui } = index;
  const targetId = targetIdFor(r.id, mapping);
  const sameId = targetById.get(targetId);
  const sameEui = r.devEui ? targetByEui.get(eui(r)) : undefined;
  let entry: TargetEntry | null;
  if (sameId && eui(sameId) === eui(r)) entry = null; // shown below, as the existing row marked "migrated"
  else if (sameId) entry = { row: { ...r, id: targetId }, mark: 'conflict', planned: true, sourceId: r.id, reason: `The target already has a device “${targetId}” with another DevEUI.` };
  else if (sameEui) entry = { row: { ...r, id: targetId }, mark: 'conflict', planned: true, sourceId: r.id, reason: `The target already has DevEUI ${eui(r)} as “${sameEui.id}”.` };
  else entry = { row: { ...r, id: targetId, createdAt: undefined, lastSeenAt: undefined }, mark: 'new', planned: true, sourceId: r.id };
  const result = { entry, targetId: sameId ? sameId.id : targetId };
  cache.byId.set(r.id, result);
  return result;
}

/** The selection as it would land on the target, then the target's own devices. */
export function buildTargetEntries(index: SidesIndex, selected: ReadonlySet<string>, mapping: IdMapping | undefined): TargetEntry[] {
  const { sourceIndex, sourceRows } = index;
  const positions: number[] = [];
  for (const id of selected) {
    const at = sourceIndex.get(id);
    if (at !== undefined) positions.push(at);
  }
  positions.sort((a, b) => a - b); // source list order
  const entries: TargetEntry[] = [];
  let plannedTargets: Set<string> | undefined;
  for (const i of positions) {
    const { entry, targetId } = plannedEntry(index, sourceRows[i] as DeviceRow, mapping);
    if (entry) entries.push(entry);
    else (plannedTargets ??= new Set()).add(targetId);
  }
  if (!plannedTargets) {
    if (entries.length === 0) return index.existing;
    for (const e of index.existing) entries.push(e);
    return entries;
  }
  const marked = plannedMigrated(index, plannedTargets);
  for (const e of index.existing) entries.push(plannedTargets.has(e.row.id) ? (marked.get(e) as TargetEntry) : e);
  return entries;
}

/** The target's migrated rows that are part of the selection: one object per row and index. */
const migratedPlanned = new WeakMap<SidesIndex, Map<TargetEntry, TargetEntry>>();

function plannedMigrated(index: SidesIndex, ids: ReadonlySet<string>): Map<TargetEntry, TargetEntry> {
  let byEntry = migratedPlanned.get(index);
  if (!byEntry) {
    byEntry = new Map();
    migratedPlanned.set(index, byEntry);
  }
  for (const e of index.existing) if (ids.has(e.row.id) && !byEntry.has(e)) byEntry.set(e, { ...e, planned: true });
  return byEntry;
}

export function countMarks(entries: readonly TargetEntry[]): Record<TargetMark, number> {
  const counts: Record<TargetMark, number> = { new: 0, conflict: 0, migrated: 0, existing: 0 };
  for (const e of entries) counts[e.mark] += 1;
  return counts;
}
