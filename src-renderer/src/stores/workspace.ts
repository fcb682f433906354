// The workspace: for each side its application, its streamed device list, the details
// fetched for rows in view, and its filters; and the selection in the source list.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { AppRef, DeviceRow, EventOf, Side } from '../ipc/types';
import { NO_FILTERS, type DeviceDetails, type DeviceFilters } from '../lib/filters';
import type { SelectionState } from '../lib/selection';
import { NO_DRAG, type DragState } from '../lib/use-list-gestures';

export type TargetMarkFilter = 'all' | 'new' | 'conflict' | 'migrated' | 'existing';

export interface SideState {
  ref?: AppRef;
  applications: { id: string; name?: string }[];
  appsState: 'idle' | 'loading' | 'ready' | 'error';
  appsError?: string;
  listId?: string;
  /** Rows by position; holes until their page arrives. */
  rows: (DeviceRow | undefined)[];
  total: number;
  received: number;
  listState: 'idle' | 'loading' | 'done' | 'error';
  listError?: string;
  details: Map<string, DeviceDetails>;
  /** Bumped whenever `details` changes (the map is mutated in place: 50,000 entries). */
  detailsVersion: number;
  filters: DeviceFilters;
}

export type { DragState };

interface WorkspaceState {
  source: SideState;
  target: SideState;
  selection: SelectionState;
  targetMarkFilter: TargetMarkFilter;
  drag: DragState;
  setRef(side: Side, ref: AppRef | undefined): void;
  loadApplications(side: Side): Promise<void>;
  reload(side: Side): Promise<void>;
  receivePage(page: EventOf<'devices:page'>): void;
  applyDetails(side: Side, listId: string | undefined, requested: readonly string[], rows: readonly DeviceRow[]): void;
  setFilters(side: Side, patch: Partial<DeviceFilters>): void;
  setTargetMarkFilter(filter: TargetMarkFilter): void;
  setSelection(selection: SelectionState): void;
  clearSelection(): void;
  setDrag(patch: Partial<DragState>): void;
}

const emptySide = (ref?: AppRef, filters: DeviceFilters = NO_FILTERS): SideState => ({
  ref,
  applications: [],
  appsState: 'idle',
  rows: [],
  total: 0,
  received: 0,
  listState: 'idle',
  details: new Map(),
  detailsVersion: 0,
  filters,
});

/** Pages that arrived before their devices:list answer did. */
const early = new Map<string, EventOf<'devices:page'>[]>();

const sameRef = (a?: AppRef, b?: AppRef) => a?.connectionId === b?.connectionId && a?.applicationId === b?.applicationId;

export const useWorkspace = create<WorkspaceState>((set, get) => {
  const patchSide = (side: Side, patch: Partial<SideState>) => set({ [side]: { ...get()[side], ...patch } } as Pick<WorkspaceState, Side>);

  function applyPage(side: Side, page: EventOf<'devices:page'>) {
    const s = get()[side];
    const rows = s.rows.length === page.total ? s.rows.slice() : Array.from({ length: Math.max(page.total, s.rows.length) }, (_, i) => s.rows[i]);
    let withDetails = false;
    page.devices.forEach((row, i) => {
      rows[page.offset + i] = row;
      if (row.activation || row.lorawanVersion || row.frequencyPlanId) {
        s.details.set(row.id, { activation: row.activation, lorawanVersion: row.lorawanVersion, frequencyPlanId: row.frequencyPlanId });
        withDetails = true;
      }
    });
    const received = Math.min(page.total, s.received + page.devices.length);
    patchSide(side, {
      rows,
      total: page.total,
      received: page.done ? page.total : received,
      listState: page.error ? 'error' : page.done ? 'done' : 'loading',
      listError: page.error,
      ...(withDetails ? { detailsVersion: s.detailsVersion + 1 } : {}),
    });
  }

  return {
    source: emptySide(),
    target: emptySide(),
    selection: { selected: new Set() },
    targetMarkFilter: 'all',
    drag: NO_DRAG,

    setRef(side, ref) {
      const current = get()[side];
      if (sameRef(current.ref, ref) && current.listState !== 'idle') return;
      const connectionChanged = current.ref?.connectionId !== ref?.connectionId;
      set({
        [side]: {
          ...emptySide(ref, current.filters),
          applications: connectionChanged ? [] : current.applications,
          appsState: connectionChanged ? 'idle' : current.appsState,
        },
        ...(side === 'source' ? { selection: { selected: new Set<string>() } } : {}),
      } as Partial<WorkspaceState>);
      if (ref) void get().reload(side);
    },

    async loadApplications(side) {
      const ref = get()[side].ref;
      if (!ref) return;
      patchSide(side, { appsState: 'loading', appsError: undefined });
      try {
        const { applications } = await call('applications:list', { connectionId: ref.connectionId });
        if (get()[side].ref?.connectionId !== ref.connectionId) return;
        patchSide(side, { applications, appsState: 'ready' });
      } catch (err) {
        if (get()[side].ref?.connectionId !== ref.connectionId) return;
        patchSide(side, { appsState: 'error', appsError: messageOf(err) });
      }
    },

    async reload(side) {
      const ref = get()[side].ref;
      if (!ref || !ref.applicationId) return;
      patchSide(side, { listId: undefined, listState: 'loading', listError: undefined, rows: [], total: 0, received: 0 });
      try {
        const { listId } = await call('devices:list', ref);
        if (!sameRef(get()[side].ref, ref)) return;
        patchSide(side, { listId });
        const waiting = early.get(listId) ?? [];
        early.delete(listId);
        for (const page of waiting) applyPage(side, page);
      } catch (err) {
        if (!sameRef(get()[side].ref, ref)) return;
        patchSide(side, { listState: 'error', listError: messageOf(err) });
      }
    },

    receivePage(page) {
      const side = (['source', 'target'] as const).find((s) => get()[s].listId === page.listId);
      if (side) {
        applyPage(side, page);
        return;
      }
      const list = early.get(page.listId) ?? [];
      list.push(page);
      early.set(page.listId, list);
      // Only the last few unknown lists are kept: older ones belong to lists no longer shown.
      while (early.size > 8) early.delete(early.keys().next().value as string);
    },

    applyDetails(side, listId, requested, rows) {
      const s = get()[side];
      if (listId !== undefined && s.listId !== listId) return;
      const found = new Set<string>();
      for (const row of rows) {
        found.add(row.id);
        s.details.set(row.id, { activation: row.activation, lorawanVersion: row.lorawanVersion, frequencyPlanId: row.frequencyPlanId });
      }
      for (const id of requested) if (!found.has(id)) s.details.set(id, { missing: true });
      patchSide(side, { detailsVersion: s.detailsVersion + 1 });
    },

    setFilters: (side, patch) => patchSide(side, { filters: { ...get()[side].filters, ...patch } }),
    setTargetMarkFilter: (targetMarkFilter) => set({ targetMarkFilter }),
    setSelection: (selection) => set({ selection }),
    clearSelection: () => set({ selection: { selected: new Set(), anchorId: get().selection.focusId, focusId: get().selection.focusId } }),
    setDrag: (patch) => set({ drag: { ...get().drag, ...patch } }),
  };
});
