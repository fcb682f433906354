// Moving gateways: the gateways each side's key can see, the selection among the source's,
// the plan under review (with its options) and the run (its statuses, from gateways:progress
// events and from gateways:status, polled while a gateway waits to reconnect).
// Owner tokens of claimable gateways are kept only until the run starts; they go to main in
// gateways:start and are then forgotten.
import { create } from 'zustand';
import { call, messageOf, subscribe } from '../ipc/bridge';
import type { GatewayKind, GatewayOptionsInput, GatewayPlan, GatewayRow, GatewayStatus, Side } from '../ipc/types';
import type { SelectionState } from '../lib/selection';
import { NO_DRAG, type DragState } from '../lib/use-list-gestures';

export interface GatewaySide {
  connectionId?: string;
  rows: GatewayRow[];
  state: 'idle' | 'loading' | 'done' | 'error';
  error?: string;
  /** Why the key sees no gateways (an application key), in main's words. */
  problem?: string;
}

export interface GatewayPlanRequest {
  source: string;
  target: string;
  gatewayIds: string[];
}

export interface GatewayRun {
  runId: string;
  runDir: string;
  source: string;
  target: string;
}

/** Every few seconds while a gateway waits: gateways:status reads the target's connection stats. */
export const POLL_MS = 3000;

interface GatewaysState {
  source: GatewaySide;
  target: GatewaySide;
  search: string;
  selection: SelectionState;
  drag: DragState;

  request?: GatewayPlanRequest;
  options: GatewayOptionsInput;
  planId?: string;
  plan?: GatewayPlan;
  planning: boolean;
  planError?: string;
  /** Typed owner tokens, by gateway id: only until the run starts. */
  ownerTokens: Record<string, string>;

  run?: GatewayRun;
  /** The run's gateways in plan order, and where each stands. */
  order: string[];
  statuses: ReadonlyMap<string, GatewayStatus>;
  finished: boolean;
  checking: boolean;
  checkError?: string;

  show(side: Side, connectionId: string | undefined): void;
  reload(side: Side): Promise<void>;
  setSearch(search: string): void;
  setSelection(selection: SelectionState): void;
  clearSelection(): void;
  setDrag(patch: Partial<DragState>): void;

  createPlan(request: GatewayPlanRequest): void;
  setOptions(patch: Partial<GatewayOptionsInput>, delayMs?: number): void;
  /** The kind the person says a gateway is (undefined: as the registry says). */
  setKind(gatewayId: string, kind: GatewayKind | undefined): void;
  setOwnerToken(gatewayId: string, token: string): void;
  refresh(): Promise<void>;
  clearPlan(): void;

  start(): Promise<void>;
  /** The latest gateway run started from the app (earlier session): resumed when unfinished, shown either way. */
  openLastRun(): Promise<boolean>;
  apply(runId: string, status: GatewayStatus): void;
  check(): Promise<void>;
  saveSheet(): Promise<string | undefined>;
  rollback(gatewayIds: string[]): Promise<{ restored: string[]; failed: { id: string; error: string }[] }>;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptionsInput = { kinds: {}, waitSeconds: 900, claimWithToken: [] };

const emptySide = (connectionId?: string): GatewaySide => ({ connectionId, rows: [], state: 'idle' });

let planSequence = 0;
let planTimer: ReturnType<typeof setTimeout> | undefined;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
const listSequence: Record<Side, number> = { source: 0, target: 0 };
/** Events of a run that arrived before its gateways:start answer. */
const early = new Map<string, GatewayStatus[]>();

export const useGateways = create<GatewaysState>((set, get) => {
  const schedulePlan = (delayMs: number) => {
    if (planTimer) clearTimeout(planTimer);
    planSequence++;
    if (get().request) set({ planning: true });
    planTimer = setTimeout(() => void get().refresh(), delayMs);
  };

  /** Polls gateways:status while some gateway of the run is waiting for its reconnection. */
  const schedulePoll = () => {
    const { run, statuses } = get();
    const waiting = [...statuses.values()].some((s) => s.state === 'waiting');
    if (!run || !waiting) {
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = undefined;
      return;
    }
    pollTimer ??= setTimeout(() => {
      pollTimer = undefined;
      void get().check();
    }, POLL_MS);
  };

  const setStatuses = (list: readonly GatewayStatus[]) => {
    const statuses = new Map(get().statuses);
    let order = get().order;
    for (const s of list) {
      if (!statuses.has(s.id) && !order.includes(s.id)) order = [...order, s.id];
      statuses.set(s.id, s);
    }
    set({ statuses, order });
    schedulePoll();
  };

  return {
    source: emptySide(),
    target: emptySide(),
    search: '',
    selection: { selected: new Set() },
    drag: NO_DRAG,
    options: DEFAULT_GATEWAY_OPTIONS,
    planning: false,
    ownerTokens: {},
    order: [],
    statuses: new Map(),
    finished: false,
    checking: false,

    show(side, connectionId) {
      const current = get()[side];
      if (current.connectionId === connectionId && current.state !== 'idle') return;
      set({ [side]: emptySide(connectionId), ...(side === 'source' ? { selection: { selected: new Set<string>() } } : {}) } as Partial<GatewaysState>);
      if (connectionId) void get().reload(side);
    },

    async reload(side) {
      const connectionId = get()[side].connectionId;
      if (!connectionId) return;
      const mine = ++listSequence[side];
      set({ [side]: { ...get()[side], state: 'loading', error: undefined } } as Partial<GatewaysState>);
      try {
        const { gateways, problem } = await call('gateways:list', { connectionId });
        if (mine !== listSequence[side]) return;
        const rows = [...gateways].sort((a, b) => a.id.localeCompare(b.id));
        const patch: Partial<GatewaysState> = { [side]: { connectionId, rows, state: 'done', problem } };
        if (side === 'source') {
          // The selection keeps only gateways still listed.
          const ids = new Set(rows.map((r) => r.id));
          const s = get().selection;
          patch.selection = { ...s, selected: new Set([...s.selected].filter((id) => ids.has(id))) };
        }
        set(patch);
      } catch (err) {
        if (mine !== listSequence[side]) return;
        set({ [side]: { connectionId, rows: [], state: 'error', error: messageOf(err) } } as Partial<GatewaysState>);
      }
    },

    setSearch: (search) => set({ search }),
    setSelection: (selection) => set({ selection }),
    clearSelection: () => set({ selection: { selected: new Set(), anchorId: get().selection.focusId, focusId: get().selection.focusId } }),
    setDrag: (patch) => set({ drag: { ...get().drag, ...patch } }),

    createPlan(request) {
      // A new selection: the options of the last plan stay, its per-gateway choices go.
      const options = { ...get().options, kinds: {}, claimWithToken: [] };
      set({ request, options, plan: undefined, planId: undefined, planError: undefined, ownerTokens: {} });
      schedulePlan(0);
    },

    setOptions(patch, delayMs = 0) {
      set({ options: { ...get().options, ...patch } });
      schedulePlan(delayMs);
    },

    setKind(gatewayId, kind) {
      const kinds = { ...(get().options.kinds ?? {}) };
      if (kind) kinds[gatewayId] = kind;
      else delete kinds[gatewayId];
      get().setOptions({ kinds });
    },

    setOwnerToken(gatewayId, token) {
      const ownerTokens = { ...get().ownerTokens };
      if (token) ownerTokens[gatewayId] = token;
      else delete ownerTokens[gatewayId];
      set({ ownerTokens });
      // The plan only needs to know which gateways get a token, never the token.
      const claim = get().options.claimWithToken ?? [];
      const has = claim.includes(gatewayId);
      if (has !== Boolean(token)) get().setOptions({ claimWithToken: token ? [...claim, gatewayId] : claim.filter((id) => id !== gatewayId) }, 300);
    },

    async refresh() {
      const { request, options } = get();
      if (!request) return;
      const mine = ++planSequence;
      set({ planning: true, planError: undefined });
      try {
        const { planId, plan } = await call('gateways:plan', {
          source: request.source,
          target: request.target,
          gatewayIds: request.gatewayIds,
          options,
        });
        if (mine === planSequence) set({ planId, plan, planning: false });
      } catch (err) {
        if (mine === planSequence) set({ planning: false, planError: messageOf(err), plan: undefined, planId: undefined });
      }
    },

    clearPlan() {
      planSequence++;
      set({ request: undefined, plan: undefined, planId: undefined, planning: false, planError: undefined, ownerTokens: {} });
    },

    async start() {
      const { planId, plan, request, ownerTokens } = get();
      if (!planId || !plan || !request) return;
      const claimIds = new Set(plan.gateways.filter((g) => g.action === 'claim').map((g) => g.id));
      const tokens = Object.fromEntries(Object.entries(ownerTokens).filter(([id, t]) => claimIds.has(id) && t !== ''));
      try {
        const { runId, runDir } = await call('gateways:start', { planId, ...(Object.keys(tokens).length > 0 ? { ownerTokens: tokens } : {}) });
        const order = plan.gateways.filter((g) => g.status !== 'blocked').map((g) => g.id);
        if (pollTimer) clearTimeout(pollTimer);
        pollTimer = undefined;
        set({
          run: { runId, runDir, source: request.source, target: request.target },
          order,
          statuses: new Map(),
          finished: false,
          checkError: undefined,
          selection: { selected: new Set() },
        });
        const waiting = early.get(runId) ?? [];
        early.delete(runId);
        setStatuses(waiting);
        void get().check();
      } finally {
        // Sent (or refused): the tokens are not kept.
        set({ ownerTokens: {} });
      }
    },

    async openLastRun() {
      const { runs } = await call('gateways:runs', {});
      const last = runs[0];
      if (!last) return false;
      if (!last.finished) await call('gateways:resume', { runId: last.runId });
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = undefined;
      set({ run: { runId: last.runId, runDir: last.runDir, source: last.source, target: last.target }, order: [], statuses: new Map(), finished: last.finished, checkError: undefined });
      await get().check();
      return true;
    },

    apply(runId, status) {
      if (get().run?.runId !== runId) {
        const list = early.get(runId) ?? [];
        list.push(status);
        early.set(runId, list.slice(-2000));
        while (early.size > 4) early.delete(early.keys().next().value as string);
        return;
      }
      setStatuses([status]);
    },

    async check() {
      const run = get().run;
      if (!run) return;
      set({ checking: true, checkError: undefined });
      try {
        const { status } = await call('gateways:status', { runId: run.runId });
        if (get().run?.runId !== run.runId) return;
        set({ finished: status.finished, checking: false });
        setStatuses(status.gateways);
      } catch (err) {
        if (get().run?.runId !== run.runId) return;
        set({ checking: false, checkError: messageOf(err) });
        schedulePoll();
      }
    },

    async saveSheet() {
      const run = get().run;
      if (!run) return undefined;
      const answer = await call('gateways:sheet-save', { runId: run.runId });
      return 'savedTo' in answer ? answer.savedTo : undefined;
    },

    async rollback(gatewayIds) {
      const run = get().run;
      if (!run) return { restored: [], failed: [] };
      const result = await call('gateways:rollback', { runId: run.runId, gatewayIds });
      await get().check();
      return result;
    },
  };
});

/** One subscription for the whole app. */
export function listenToGatewayProgress(): () => void {
  return subscribe('gateways:progress', ({ runId, gateway }) => useGateways.getState().apply(runId, gateway));
}
