// Fetches devices:details for the rows a person looks at: debounced while scrolling,
// batched by 500 ids, two requests at a time, cached in the workspace store.
import { call } from '../ipc/bridge';
import type { Side } from '../ipc/types';
import { useWorkspace } from '../stores/workspace';

const BATCH = 500;
const PARALLEL = 2;
const DEBOUNCE_MS = 120;

interface Queue {
  listId?: string;
  waiting: Set<string>;
  inFlight: Set<string>;
  running: number;
  timer?: ReturnType<typeof setTimeout>;
}

const queues: Record<Side, Queue> = {
  source: { waiting: new Set(), inFlight: new Set(), running: 0 },
  target: { waiting: new Set(), inFlight: new Set(), running: 0 },
};

function queueFor(side: Side): Queue {
  const q = queues[side];
  const listId = useWorkspace.getState()[side].listId;
  if (q.listId !== listId) {
    // Another list: what was queued for the old one is moot.
    q.listId = listId;
    q.waiting.clear();
    q.inFlight.clear();
  }
  return q;
}

/** Asks for details of `ids` that are not known yet. `now` skips the scroll debounce. */
export function requestDetails(side: Side, ids: readonly string[], now = false): void {
  const q = queueFor(side);
  if (!q.listId) return;
  const known = useWorkspace.getState()[side].details;
  for (const id of ids) if (!known.has(id) && !q.inFlight.has(id)) q.waiting.add(id);
  if (q.waiting.size === 0) return;
  if (q.timer) clearTimeout(q.timer);
  q.timer = setTimeout(() => pump(side), now ? 0 : DEBOUNCE_MS);
}

function pump(side: Side): void {
  const q = queueFor(side);
  q.timer = undefined;
  while (q.running < PARALLEL && q.waiting.size > 0) {
    const ids = [...q.waiting].slice(0, BATCH);
    for (const id of ids) {
      q.waiting.delete(id);
      q.inFlight.add(id);
    }
    q.running += 1;
    void fetchBatch(side, q, ids);
  }
}

async function fetchBatch(side: Side, q: Queue, ids: string[]): Promise<void> {
  const { ref, listId } = useWorkspace.getState()[side];
  try {
    if (!ref || listId !== q.listId) return;
    const { devices } = await call('devices:details', { ...ref, deviceIds: ids });
    useWorkspace.getState().applyDetails(side, listId, ids, devices);
  } catch (_err) {
    // Details are a convenience: the columns stay empty and the list still works.
    useWorkspace.getState().applyDetails(side, listId, ids, []);
  } finally {
    for (const id of ids) q.inFlight.delete(id);
    q.running -= 1;
    if (q.waiting.size > 0) pump(side);
  }
}

/** How many rows of the side still wait for details (for "Loading details…"). */
export function pendingDetails(side: Side): number {
  const q = queues[side];
  return q.waiting.size + q.inFlight.size;
}
