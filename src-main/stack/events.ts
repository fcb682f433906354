// The Things Stack's event stream (POST /events): parsed as the bytes arrive, reconnected
// after a dropped connection from the last event seen, without repeating events.
import type { StackClient } from './client.js';
import { StackError } from './errors.js';
import { JsonStreamError, JsonStreamSplitter } from './json-stream.js';
import { backoffDelay, sleep } from './retry.js';
import { eventSchema, type StackEvent } from './schemas.js';

export interface EventFilter {
  applicationId: string;
  /** Follow only these devices; the whole application when absent. */
  deviceIds?: string[];
  /** Event names (server-side filter), e.g. 'js.join.accept'. */
  names?: string[];
  /** Only events after this time (RFC 3339). */
  after?: string;
}

export type EventStreamItem =
  | { type: 'event'; event: StackEvent }
  | { type: 'status'; connected: boolean; error?: StackError; /** The base URL whose stream this is. */ host?: string };

function requestBody(f: EventFilter, after: string | undefined) {
  const application_ids = { application_id: f.applicationId };
  const identifiers = f.deviceIds?.length
    ? f.deviceIds.map((device_id) => ({ device_ids: { device_id, application_ids } }))
    : [{ application_ids }];
  return { identifiers, ...(f.names?.length ? { names: f.names } : {}), ...(after ? { after } : {}) };
}

/**
 * Yields events and connection status changes until the signal aborts. Events are published
 * inside the cluster that handles them, so one stream is followed per distinct base URL of
 * the deployment (the Identity Server and the cluster differ on nam1 and au1, as the
 * official SDK does), each reconnecting on its own; an event seen on two streams is
 * yielded once (by `unique_id`). Errors that more attempts cannot fix (a wrong key,
 * missing rights) end the whole stream by throwing.
 */
export async function* streamEvents(client: StackClient, filter: EventFilter, signal: AbortSignal): AsyncGenerator<EventStreamItem> {
  const bases = [...new Set([client.target.isUrl, client.target.clusterUrl])];
  const recent = new RecentIds(5000);
  const inner = new AbortController();
  const stop = () => inner.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const item of merge(bases.map((base) => streamFrom(client, base, filter, inner.signal)))) {
      if (item.type === 'event' && item.event.unique_id && !recent.add(item.event.unique_id)) continue;
      yield item;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    inner.abort(); // the other hosts' streams end with the first one that failed for good
  }
}

/** The ids of the most recent events, to drop repeats (after a reconnect or from a second host). */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}
  /** False when the id was seen already. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

/** Items of several generators as they come; the first error ends the merge. */
async function* merge<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = (i: number) => sources[i]!.next().then((r) => ({ i, r }));
  const pending = new Map(sources.map((_, i) => [i, next(i)]));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, next(i));
      yield r.value;
    }
  } finally {
    // Not awaited: a source waiting on its socket ends when the caller aborts the shared signal.
    for (const s of sources) void s.return(undefined).catch(() => undefined);
  }
}

/** One host's stream, reconnected from the last event it delivered. */
async function* streamFrom(client: StackClient, base: string, filter: EventFilter, signal: AbortSignal): AsyncGenerator<EventStreamItem> {
  let after = filter.after;
  for (let attempt = 0; !signal.aborted; ) {
    let res;
    try {
      res = await client.transport.openStream({
        url: `${base}/api/v3/events`, operation: 'Follow the event stream', body: requestBody(filter, after), signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof StackError && (err.is('Unauthenticated') || err.is('PermissionDenied') || err.is('InvalidArgument'))) throw err;
      yield { type: 'status', connected: false, host: base, error: err instanceof StackError ? err : undefined };
      await sleep(backoffDelay(attempt++, { baseMs: 500, maxMs: 15_000 }), signal).catch(() => undefined);
      continue;
    }
    attempt = 0;
    yield { type: 'status', connected: true, host: base };
    // One message is at most MAX_EVENT_MESSAGE characters: a server that sends more (or a
    // message that never ends) cannot make this buffer grow without bound.
    const splitter = new JsonStreamSplitter({ maxValueLength: MAX_EVENT_MESSAGE });
    let error: StackError | undefined;
    try {
      res.setEncoding('utf8');
      for await (const chunk of res as AsyncIterable<string>) {
        for (const text of splitter.push(chunk)) {
          const event = eventOf(text);
          if (!event) continue;
          if (event.time) after = event.time;
          yield { type: 'event', event };
        }
      }
    } catch (err) {
      // A dropped connection, or a message over the limits: reconnect below.
      if (err instanceof JsonStreamError) {
        for (const event of err.values.map(eventOf)) {
          if (!event) continue;
          if (event.time) after = event.time;
          yield { type: 'event', event };
        }
        error = badMessage(base, err);
      }
    } finally {
      res.destroy();
    }
    if (signal.aborted) return;
    yield { type: 'status', connected: false, host: base, ...(error ? { error } : {}) };
    await sleep(backoffDelay(attempt++, { baseMs: 500, maxMs: 15_000 }), signal).catch(() => undefined);
  }
}

/** The longest one event-stream message may be, in characters. */
export const MAX_EVENT_MESSAGE = 8 * 1024 * 1024;

function eventOf(text: string): StackEvent | undefined {
  const message = safeJson(text) as { result?: unknown } | undefined;
  const parsed = eventSchema.safeParse(message?.result);
  return parsed.success ? parsed.data : undefined;
}

/** A message the stream refused (over 8 MiB, or nested too deep): the connection is opened again. */
function badMessage(base: string, err: JsonStreamError): StackError {
  const what = err.reason === 'length' ? 'a message larger than 8 MiB' : err.reason === 'depth' ? 'a message nested deeper than 64 levels' : 'something that is not a message';
  return new StackError({
    kind: 'not-tts', operation: 'Follow the event stream', url: `${base}/api/v3/events`,
    message: `Follow the event stream: ${new URL(base).host} sent ${what}; it was dropped and the stream is opened again.`,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
