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

/** The selection as it would land on the target, then the target's own devices. */
export function buildTargetEntries(index: SidesIndex, selected: ReadonlySet<string>, mapping: IdMapping | undefined): TargetEntry[] {
  const { targetById, targetByEui, sourceIndex, sourceRows } = index;
  const positions: number[] = [];
  for (const id of selected) {
    const at = sourceIndex.get(id);
    if (at !== undefined) positions.push(at);
  }
  positions.sort((a, b) => a - b); // source list order
  const rows = positions.map((i) => ({ row: sourceRows[i] as DeviceRow }));
  const planned: TargetEntry[] = [];
  const plannedTargets = new Set<string>();
  for (const { row: r } of rows) {
    const targetId = targetIdFor(r.id, mapping);
    const sameId = targetById.get(targetId);
    const sameEui = r.devEui ? targetByEui.get(eui(r)) : undefined;
    if (sameId && eui(sameId) === eui(r)) {
      plannedTargets.add(sameId.id);
      continue; // shown below, as the existing row marked "migrated"
    }
    if (sameId) {
      planned.push({ row: { ...r, id: targetId }, mark: 'conflict', planned: true, sourceId: r.id, reason: `The target already has a device “${targetId}” with another DevEUI.` });
    } else if (sameEui) {
      planned.push({ row: { ...r, id: targetId }, mark: 'conflict', planned: true, sourceId: r.id, reason: `The target already has DevEUI ${eui(r)} as “${sameEui.id}”.` });
    } else {
      planned.push({ row: { ...r, id: targetId, createdAt: undefined, lastSeenAt: undefined }, mark: 'new', planned: true, sourceId: r.id });
    }
  }
  const existing = plannedTargets.size === 0 ? index.existing : index.existing.map((e) => (plannedTargets.has(e.row.id) ? { ...e, planned: true } : e));
  return planned.length === 0 ? existing : [...planned, ...existing];
}

export function countMarks(entries: readonly TargetEntry[]): Record<TargetMark, number> {
  const counts: Record<TargetMark, number> = { new: 0, conflict: 0, migrated: 0, existing: 0 };
  for (const e of entries) counts[e.mark] += 1;
  return counts;
}
