// The run in progress: per-device states, totals, throughput over time and notices, fed
// by run:progress events (buffered and applied at most ten times a second).
import { create } from 'zustand';
import { call, subscribe } from '../ipc/bridge';
import type { ApplicationEvent, ApplicationItemState, DeviceEvent, DeviceState, NoticeEvent, ProgressEvent, RunInfo, RunState, TotalsEvent } from '../ipc/types';

export interface DeviceProgress {
  state: DeviceState;
  targetId?: string;
  error?: string;
  at: number;
  /** When the re-join trigger went into the source's queue, when the source sent it, when the device joined the target. */
  triggerQueuedAt?: number;
  triggerSentAt?: number;
  joinedAt?: number;
}

type Stamp = 'triggerQueuedAt' | 'triggerSentAt' | 'joinedAt';
const STAMP_OF: Partial<Record<DeviceState, Stamp>> = { 'trigger-queued': 'triggerQueuedAt', 'trigger-sent': 'triggerSentAt', joined: 'joinedAt' };

/** One setting of the application in the run, as its latest event says. */
export interface AppItemProgress {
  key: string;
  label: string;
  state: ApplicationItemState;
  error?: string;
  at: number;
}

export interface ThroughputSample {
  at: number;
  perSecond: number;
  done: number;
}

interface RunStoreState {
  run?: RunInfo;
  runState?: RunState;
  /** Device ids in the order they are shown. */
  order: string[];
  devices: Map<string, DeviceProgress>;
  /** Bumped when `devices` changes (mutated in place). */
  version: number;
  totals?: TotalsEvent;
  samples: ThroughputSample[];
  notices: NoticeEvent[];
  /** The application's settings in the order they first came (replaced when one changes). */
  appItems: ReadonlyMap<string, AppItemProgress>;
  /** The run carries the application (its plan said so, or its events do). */
  carriesApplication: boolean;
  /** When the current attempt started and ended (ms since the epoch). */
  startedAt?: number;
  finishedAt?: number;
  /** Set by the plan so rows exist before the first event. */
  begin(run: RunInfo, deviceIds: readonly string[], opts?: { application?: boolean }): void;
  /** Applies buffered events; called by the subscription. */
  apply(runId: string, events: readonly ProgressEvent[]): void;
  updateInfo(run: RunInfo): void;
  reset(): void;
}

const MAX_SAMPLES = 240;
const SAMPLE_EVERY_MS = 500;
/** Events for runs the store does not know yet (they can beat run:start's answer). */
const early = new Map<string, ProgressEvent[]>();

export const useRun = create<RunStoreState>((set, get) => ({
  order: [],
  devices: new Map(),
  version: 0,
  samples: [],
  notices: [],
  appItems: new Map(),
  carriesApplication: false,

  begin(run, deviceIds, opts = {}) {
    const devices = new Map<string, DeviceProgress>();
    const now = Date.now();
    // at 0: any event of the run, even one sent before this answer arrived, is newer.
    for (const id of deviceIds) devices.set(id, { state: 'queued', at: 0 });
    set({
      run, runState: 'running', order: [...deviceIds], devices, version: 1, totals: undefined, samples: [], notices: [],
      appItems: new Map(), carriesApplication: Boolean(opts.application), startedAt: now, finishedAt: undefined,
    });
    const waiting = early.get(run.runId);
    early.delete(run.runId);
    if (waiting) get().apply(run.runId, waiting);
  },

  apply(runId, events) {
    const s = get();
    if (s.run?.runId !== runId) {
      const list = early.get(runId) ?? [];
      list.push(...events);
      early.set(runId, list.slice(-200_000));
      while (early.size > 4) early.delete(early.keys().next().value as string);
      return;
    }
    let order = s.order;
    let runState = s.runState;
    let totals = s.totals;
    let samples = s.samples;
    let notices = s.notices;
    let startedAt = s.startedAt;
    let finishedAt = s.finishedAt;
    let appItems = s.appItems;
    let changed = false;
    for (const e of events) {
      if (e.type === 'device') {
        applyDevice(s.devices, e, () => {
          if (order === s.order) order = [...order];
          order.push(e.deviceId);
        });
        changed = true;
      } else if (e.type === 'totals') {
        totals = e;
        const last = samples[samples.length - 1];
        if (!last || e.at - last.at >= SAMPLE_EVERY_MS) {
          samples = [...samples.slice(-(MAX_SAMPLES - 1)), { at: e.at, perSecond: e.devicesPerSecond, done: e.done }];
        }
      } else if (e.type === 'run') {
        if (e.state === 'running' && (runState === 'finished' || runState === 'cancelled')) {
          startedAt = e.at; // retried: a new attempt
          finishedAt = undefined;
          samples = [];
        }
        if (e.state === 'finished' || e.state === 'cancelled') finishedAt = e.at;
        runState = e.state;
      } else if (e.type === 'application') {
        if (appItems === s.appItems) appItems = new Map(appItems);
        applyAppItem(appItems as Map<string, AppItemProgress>, e);
      } else {
        notices = [...notices.slice(-19), e];
      }
    }
    const carriesApplication = s.carriesApplication || appItems.size > 0;
    set({ order, runState, totals, samples, notices, appItems, carriesApplication, startedAt, finishedAt, version: changed ? s.version + 1 : s.version });
  },

  updateInfo: (run) => set({ run }),
  reset: () =>
    set({
      run: undefined, runState: undefined, order: [], devices: new Map(), version: 0, totals: undefined, samples: [], notices: [],
      appItems: new Map(), carriesApplication: false, startedAt: undefined, finishedAt: undefined,
    }),
}));

/** The newest event of an item decides its state (events may arrive out of order across batches). */
function applyAppItem(items: Map<string, AppItemProgress>, e: ApplicationEvent) {
  const prev = items.get(e.key);
  if (prev && prev.at > e.at) return;
  items.set(e.key, { key: e.key, label: e.label, state: e.state, at: e.at, ...(e.error ? { error: e.error } : {}) });
}

function applyDevice(devices: Map<string, DeviceProgress>, e: DeviceEvent, added: () => void) {
  const prev = devices.get(e.deviceId);
  if (!prev) added();
  // The time of a step is when it first happened, whatever order the events come in.
  const stamp = STAMP_OF[e.state];
  const stamps = stamp && !((prev?.[stamp] ?? Infinity) <= e.at) ? { [stamp]: e.at } : {};
  const times = { triggerQueuedAt: prev?.triggerQueuedAt, triggerSentAt: prev?.triggerSentAt, joinedAt: prev?.joinedAt, ...stamps };
  // Events may arrive out of order across batches: the state is the newest one's.
  if (prev && prev.at > e.at) {
    if (stamp) devices.set(e.deviceId, { ...prev, ...times });
    return;
  }
  devices.set(e.deviceId, { state: e.state, targetId: e.targetId ?? prev?.targetId, error: e.error, at: e.at, ...times });
}

/** One subscription for the whole app; events are applied in batches. */
export function listenToRunProgress(): () => void {
  const buffer = new Map<string, ProgressEvent[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    for (const [runId, events] of buffer) useRun.getState().apply(runId, events);
    buffer.clear();
  };
  const unsubscribe = subscribe('run:progress', ({ runId, event }) => {
    const list = buffer.get(runId) ?? [];
    list.push(event);
    buffer.set(runId, list);
    timer ??= setTimeout(flush, 100);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** Counts per state from the device rows (always consistent with what is shown). */
export function countStates(devices: ReadonlyMap<string, DeviceProgress>): Partial<Record<DeviceState, number>> {
  const counts: Partial<Record<DeviceState, number>> = {};
  for (const d of devices.values()) counts[d.state] = (counts[d.state] ?? 0) + 1;
  return counts;
}

export async function controlRun(action: 'run:pause' | 'run:resume' | 'run:cancel', runId: string): Promise<void> {
  await call(action, { runId });
}
