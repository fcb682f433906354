// The plan under review: the person's options, the selection it covers, and main's dry run.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { AppRef, MigrationOptionsInput, PlanView } from '../ipc/types';

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
  request?: PlanRequest;
  plan?: PlanView;
  planning: boolean;
  error?: string;
  setOptions(patch: Partial<MigrationOptionsInput>): void;
  create(request: PlanRequest): Promise<void>;
  refresh(): Promise<void>;
  clear(): void;
}

let sequence = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** A prefix is usable once it is a valid one; until then the old plan stays. */
const PREFIX = /^[a-z0-9](?:-?[a-z0-9])*-?$/;
export const isPrefixValid = (prefix: string) => PREFIX.test(prefix);

export const usePlan = create<PlanState>((set, get) => ({
  options: DEFAULT_OPTIONS,
  planning: false,

  setOptions(patch) {
    set({ options: { ...get().options, ...patch } });
    const mapping = get().options.idMapping;
    if (mapping?.kind === 'prefix' && !isPrefixValid(mapping.prefix)) return;
    if (refreshTimer) clearTimeout(refreshTimer);
    // Typing a prefix re-plans once the typing pauses.
    refreshTimer = setTimeout(() => void get().refresh(), patch.idMapping ? 350 : 0);
  },

  async create(request) {
    set({ request, plan: undefined, error: undefined });
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
}));
