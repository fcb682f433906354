// The plan under review: the person's options, the selection it covers, and main's dry run.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { AppRef, ApplicationOptionsInput, MigrationOptionsInput, PlanView } from '../ipc/types';
import { DEFAULT_TRIGGER_DRAFT, triggerDraftProblem, triggerOptionsOf, type TriggerDraft } from '../lib/trigger-commands';
import { useTriggers } from './triggers';

export interface PlanRequest {
  source: AppRef;
  target: AppRef;
  deviceIds: string[];
}

export const DEFAULT_OPTIONS: MigrationOptionsInput = {
  otaaSourceAction: 'rotate-keys',
  abpMode: undefined,
  idMapping: { kind: 'same' },
  generateKeysForExternalJoinServer: false,
};

interface PlanState {
  options: MigrationOptionsInput;
  /** The re-join trigger as chosen on screen; options.trigger follows it once it is complete. */
  triggerDraft: TriggerDraft;
  request?: PlanRequest;
  plan?: PlanView;
  planning: boolean;
  error?: string;
  /** Changes options and re-plans: choices at once, typed values after `delayMs`. */
  setOptions(patch: Partial<MigrationOptionsInput>, delayMs?: number): void;
  /** Carrying the application: its options (absent: devices only); `overwrite` toggles one item key. */
  setApplication(application: ApplicationOptionsInput | undefined, delayMs?: number): void;
  toggleOverwrite(key: string, on: boolean): void;
  setTriggerDraft(patch: Partial<TriggerDraft>): void;
  create(request: PlanRequest): Promise<void>;
  refresh(): Promise<void>;
  clear(): void;
}

let sequence = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** A prefix is usable once it is a valid one; until then the old plan stays. */
const PREFIX = /^[a-z0-9](?:-?[a-z0-9])*-?$/;
export const isPrefixValid = (prefix: string) => PREFIX.test(prefix);

/** Why the plan on screen is not the one the options ask for (an incomplete choice), or undefined. */
export function pendingChoiceProblem(s: Pick<PlanState, 'triggerDraft'>): string | undefined {
  const problem = triggerDraftProblem(s.triggerDraft);
  if (problem) return problem;
  const library = useTriggers.getState();
  if (s.triggerDraft.enabled && s.triggerDraft.mode === 'library' && !library.loaded) {
    return library.loadError ? 'The trigger library could not be read (see the options).' : 'Reading the trigger library…';
  }
  return undefined;
}

export const usePlan = create<PlanState>((set, get) => {
  const schedule = (delayMs: number) => {
    if (refreshTimer) clearTimeout(refreshTimer);
    // The plan on screen no longer answers the options: nothing starts until the new one is in
    // (a plan still on its way for older options is dropped).
    sequence++;
    if (get().request) set({ planning: true });
    refreshTimer = setTimeout(() => void get().refresh(), delayMs);
  };

  /** options.trigger from the draft and the library; re-plans when it changed. */
  const syncTrigger = (delayMs: number) => {
    const { triggerDraft, options } = get();
    const library = useTriggers.getState();
    if (triggerDraft.enabled && triggerDraft.mode === 'library' && !library.loaded) {
      void library.load();
      return; // planned once the library is in (see the subscription below)
    }
    const trigger = triggerOptionsOf(triggerDraft, library.commands);
    if (triggerDraft.enabled && !trigger) return; // incomplete: the old plan stays, start waits
    if (JSON.stringify(trigger) === JSON.stringify(options.trigger)) return;
    set({ options: { ...options, trigger } });
    schedule(delayMs);
  };

  // A library edited while the plan uses it: the plan follows.
  useTriggers.subscribe((now, before) => {
    if (now.commands !== before.commands) syncTrigger(0);
  });

  return {
    options: DEFAULT_OPTIONS,
    triggerDraft: DEFAULT_TRIGGER_DRAFT,
    planning: false,

    setOptions(patch, delayMs) {
      set({ options: { ...get().options, ...patch } });
      const mapping = get().options.idMapping;
      if (mapping?.kind === 'prefix' && !isPrefixValid(mapping.prefix)) return;
      // Typing a prefix re-plans once the typing pauses.
      schedule(delayMs ?? (patch.idMapping ? 350 : 0));
    },

    setApplication(application, delayMs) {
      get().setOptions({ application }, delayMs);
    },

    toggleOverwrite(key, on) {
      const application = get().options.application;
      if (!application) return;
      const rest = (application.overwrite ?? []).filter((k) => k !== key);
      get().setApplication({ ...application, overwrite: on ? [...rest, key] : rest });
    },

    setTriggerDraft(patch) {
      set({ triggerDraft: { ...get().triggerDraft, ...patch } });
      // Typed values re-plan once the typing pauses; choices at once.
      const typed = 'fPort' in patch || 'payloadHex' in patch || 'wait' in patch;
      syncTrigger(typed ? 450 : 0);
    },

    async create(request) {
      // Gateways chosen for another selection do not carry over to a new one.
      const { gateways: _gateways, ...options } = get().options;
      set({ request, options, plan: undefined, error: undefined });
      await get().refresh();
    },

    async refresh() {
      const { request, options } = get();
      if (!request) return;
      const mine = ++sequence;
      set({ planning: true, error: undefined });
      try {
        const { plan } = await call('plan:create', { ...request, options });
        if (mine === sequence) set({ plan, planning: false });
      } catch (err) {
        if (mine === sequence) set({ planning: false, error: messageOf(err), plan: undefined });
      }
    },

    clear: () => {
      sequence++;
      set({ request: undefined, plan: undefined, planning: false, error: undefined });
    },
  };
});
