// Retiring ABP devices that waited for re-programming: the user confirmed, so the source
// registration goes (journaled like every other step).
import { Journal, readJournal, type DeviceJournalState } from './journal.js';
import { retireSource, type SourceSide } from './pipeline.js';
import type { ProgressEvent } from './progress.js';

/** Waiting for re-programming: its source registration was kept and not yet retired (it may have sent an uplink already). */
const isAwaiting = (s: DeviceJournalState) => s.history.some((h) => h.s === 'awaiting-reprogram') && !s.history.some((h) => h.s === 'retired');

export async function listAwaitingReprogram(journalPath: string): Promise<string[]> {
  const { devices } = await readJournal(journalPath);
  return [...devices.entries()].filter(([, s]) => isAwaiting(s)).map(([id]) => id);
}

export async function retireReprogrammed(journalPath: string, source: Extract<SourceSide, { kind: 'stack' }>, ids: string[], onEvent: (e: ProgressEvent) => void): Promise<{ retired: string[]; failed: string[] }> {
  const { devices } = await readJournal(journalPath);
  const journal = await Journal.open(journalPath);
  const retired: string[] = [];
  const failed: string[] = [];
  try {
    for (const id of ids) {
      const state = devices.get(id);
      if (!state || !isAwaiting(state)) {
        failed.push(id);
        onEvent({ type: 'device', deviceId: id, state: 'failed', error: 'not waiting for re-programming in this run', at: Date.now() });
        continue;
      }
      try {
        await journal.step(id, 'retiring', { facts: { retireAction: 'delete' } });
        await retireSource(source, id, state.facts, 'delete');
        await journal.step(id, 'retired');
        retired.push(id);
        onEvent({ type: 'device', deviceId: id, state: 'waiting-join', at: Date.now() });
      } catch (err) {
        failed.push(id);
        const error = err instanceof Error ? err.message : String(err);
        // Back to waiting: the device is still on both sides, with the source quiet.
        await journal.step(id, 'awaiting-reprogram', { error });
        onEvent({ type: 'device', deviceId: id, state: 'failed', error, at: Date.now() });
      }
    }
  } finally {
    await journal.close();
  }
  return { retired, failed };
}
