// The trigger command library as main keeps it: the built-in commands (read-only) and the
// person's own, saved, exported and imported through main.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { TriggerCommand } from '../ipc/types';
import { asUserCommand } from '../lib/trigger-commands';

interface TriggersState {
  /** Built-ins first, then the person's (as triggers:list answers). */
  commands: TriggerCommand[];
  loaded: boolean;
  loadError?: string;
  load(): Promise<void>;
  /** Replaces the person's commands; throws with main's words when refused. */
  saveUserCommands(commands: readonly TriggerCommand[]): Promise<void>;
  /** Asks main to open a library file; answers how many commands are the person's afterwards (undefined: cancelled). */
  importFile(): Promise<number | undefined>;
  /** Asks main to save the person's commands; answers where (undefined: cancelled). */
  exportFile(): Promise<string | undefined>;
}

export const userCommandsOf = (commands: readonly TriggerCommand[]) => commands.filter((c) => !c.builtIn);
export const builtInCommandsOf = (commands: readonly TriggerCommand[]) => commands.filter((c) => c.builtIn);

let loading: Promise<void> | undefined;

export const useTriggers = create<TriggersState>((set, get) => ({
  commands: [],
  loaded: false,

  load() {
    loading ??= call('triggers:list', {})
      .then(({ commands }) => set({ commands, loaded: true, loadError: undefined }))
      .catch((err: unknown) => set({ loadError: messageOf(err) }))
      .finally(() => {
        loading = undefined;
      });
    return loading;
  },

  async saveUserCommands(commands) {
    const answer = await call('triggers:save', { commands: commands.map(asUserCommand) });
    set({ commands: answer.commands, loaded: true, loadError: undefined });
  },

  async importFile() {
    const answer = await call('triggers:import', {});
    if ('cancelled' in answer) return undefined;
    // The library as main now keeps it (the import merged into the saved commands).
    await get().load();
    return userCommandsOf(get().commands).length;
  },

  async exportFile() {
    const answer = await call('triggers:export', {});
    return 'savedTo' in answer ? answer.savedTo : undefined;
  },
}));
