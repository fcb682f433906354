// The arrivals view of one run: the check's report, re-checks, the CSV and a second trigger
// for the stragglers the person picks.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { ArrivalsReport, ResponseOf, RunInfo } from '../ipc/types';

interface ArrivalsState {
  run?: RunInfo;
  report?: ArrivalsReport;
  checking: boolean;
  error?: string;
  /** Devices of the last second trigger that could not get it, in main's words. */
  triggerFailures: ResponseOf<'arrivals:trigger-again'>['failed'];
  /** Opens the view on a run and checks it. */
  open(run: RunInfo): void;
  check(): Promise<void>;
  triggerAgain(deviceIds: string[]): Promise<ResponseOf<'arrivals:trigger-again'>>;
}

let sequence = 0;

export const useArrivals = create<ArrivalsState>((set, get) => ({
  checking: false,
  triggerFailures: [],

  open(run) {
    if (get().run?.runId !== run.runId) set({ run, report: undefined, error: undefined, triggerFailures: [] });
    else set({ run });
    void get().check();
  },

  async check() {
    const run = get().run;
    if (!run) return;
    const mine = ++sequence;
    set({ checking: true, error: undefined });
    try {
      const { report } = await call('arrivals:check', { runId: run.runId });
      if (mine === sequence) set({ report, checking: false });
    } catch (err) {
      if (mine === sequence) set({ error: messageOf(err), checking: false });
    }
  },

  async triggerAgain(deviceIds) {
    const run = get().run;
    if (!run) return { queued: [], failed: [] };
    const result = await call('arrivals:trigger-again', { runId: run.runId, deviceIds });
    set({ triggerFailures: result.failed });
    void get().check();
    return result;
  },
}));
