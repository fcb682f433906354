// The Things Stack's event stream (POST /events): parsed as the bytes arrive, reconnected
// after a dropped connection from the last event seen, without repeating events.
import type { StackClient } from './client.js';
import { StackError } from './errors.js';
import { JsonStreamSplitter } from './json-stream.js';
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
  | { type: 'status'; connected: boolean; error?: StackError };

function requestBody(f: EventFilter, after: string | undefined) {
  const application_ids = { application_id: f.applicationId };
  const identifiers = f.deviceIds?.length
    ? f.deviceIds.map((device_id) => ({ device_ids: { device_id, application_ids } }))
    : [{ application_ids }];
  return { identifiers, ...(f.names?.length ? { names: f.names } : {}), ...(after ? { after } : {}) };
}

/**
 * Yields events and connection status changes until the signal aborts. Errors that more
 * attempts cannot fix (a wrong key, missing rights) end the stream by throwing.
 */
export async function* streamEvents(client: StackClient, filter: EventFilter, signal: AbortSignal): AsyncGenerator<EventStreamItem> {
  let after = filter.after;
  const recent = new Set<string>(); // unique ids of recent events: a reconnect may repeat some
  for (let attempt = 0; !signal.aborted; ) {
    let res;
    try {
      res = await client.transport.openStream({
        url: client.url('is', '/events'), operation: 'Follow the event stream', body: requestBody(filter, after), signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof StackError && (err.is('Unauthenticated') || err.is('PermissionDenied') || err.is('InvalidArgument'))) throw err;
      yield { type: 'status', connected: false, error: err instanceof StackError ? err : undefined };
      await sleep(backoffDelay(attempt++, { baseMs: 500, maxMs: 15_000 }), signal).catch(() => undefined);
      continue;
    }
    attempt = 0;
    yield { type: 'status', connected: true };
    const splitter = new JsonStreamSplitter();
    try {
      res.setEncoding('utf8');
      for await (const chunk of res as AsyncIterable<string>) {
        for (const text of splitter.push(chunk)) {
          const message = safeJson(text) as { result?: unknown; error?: unknown } | undefined;
          const parsed = eventSchema.safeParse(message?.result);
          if (!parsed.success) continue;
          const event = parsed.data;
          if (event.unique_id) {
            if (recent.has(event.unique_id)) continue;
            recent.add(event.unique_id);
            if (recent.size > 5000) recent.delete(recent.values().next().value as string);
          }
          if (event.time) after = event.time;
          yield { type: 'event', event };
        }
      }
    } catch {
      // A dropped connection: reconnect below.
    }
    if (signal.aborted) return;
    yield { type: 'status', connected: false };
    await sleep(backoffDelay(attempt++, { baseMs: 500, maxMs: 15_000 }), signal).catch(() => undefined);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
