// The re-join trigger on the source: pushed once (a push whose answer was lost is looked up in
// the queue, never sent blind a second time), then waited for — the source reports it sent,
// the device shows up on the target, or the time runs out — without holding a worker.
import { StackError } from '../stack/errors.js';
import type { StackEvent } from '../stack/schemas.js';
import type { TriggerCommand } from '../triggers/commands.js';
import type { StackSource } from './source-side.js';

/** Marks our trigger in the source's queue and in the events about it (the AS keeps client correlation ids). */
export const TRIGGER_CORRELATION_ID = 'stack-migrator:rejoin-trigger';

/**
 * What the source publishes about a queued downlink (events.Define in the real server's
 * pkg/applicationserver/observability.go, pkg/networkserver/observability.go): sent, or
 * failed (an unconfirmed downlink that failed is dropped from the queue).
 */
export const TRIGGER_SENT_EVENTS = ['as.down.data.sent.forward', 'ns.down.data.schedule.success'];
export const TRIGGER_FAILED_EVENTS = ['as.down.data.failed.forward'];

/** The trigger's payload as the AS wants it (base64 frm_payload). */
export const payloadBase64 = (c: Pick<TriggerCommand, 'payloadHex'>) => Buffer.from(c.payloadHex, 'hex').toString('base64');

export type TriggerEnd = 'sent' | 'failed' | 'arrived' | 'timeout' | 'cancelled';

/** Whether our trigger is in the device's queue on the source. */
export async function triggerInQueue(source: StackSource, sourceId: string, signal?: AbortSignal): Promise<boolean> {
  const queue = await source.client.listDownlinks(source.appId, sourceId, { signal });
  return queue.some((d) => d.correlation_ids?.includes(TRIGGER_CORRELATION_ID));
}

/**
 * Pushes the trigger, unconfirmed (a device that restarts never confirms). Called only while
 * the source's downlinks are off, so a trigger that reached the queue is still there: after
 * an answer that may have been lost, the queue says whether it went in.
 */
export async function pushTrigger(source: StackSource, sourceId: string, command: TriggerCommand, signal?: AbortSignal): Promise<void> {
  try {
    await source.client.pushDownlinks(source.appId, sourceId, [{
      f_port: command.fPort, frm_payload: payloadBase64(command), confirmed: false, priority: 'NORMAL', correlation_ids: [TRIGGER_CORRELATION_ID],
    }], { signal });
  } catch (err) {
    const ambiguous = err instanceof StackError && (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'aborted' || (err.kind === 'api' && err.isTransient));
    if (ambiguous && (await triggerInQueue(source, sourceId))) return;
    throw err;
  }
}

/** Why a push was refused, in words (the server's own message follows). */
export function pushRefusal(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof StackError)) return `The re-join trigger was not queued: ${message}`;
  if (err.isRateLimited) return `The source refused more downlinks for now (rate limit): the trigger was not queued. ${message}`;
  if (err.is('PermissionDenied')) return `The source API key may not send downlinks (RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE): the trigger was not queued. ${message}`;
  if (err.grpcCode === 9) return `The source cannot queue a downlink for this device (it has no session there: it has not joined the source). ${message}`;
  return `The re-join trigger was not queued: ${message}`;
}

/**
 * Whether an event is about our trigger: its correlation ids, or those of the downlink it
 * carries (the NS's ApplicationUp downlink_sent / downlink_failed.downlink, grpc_gsns.go
 * ReportTxAcknowledgment, holds the downlink's own).
 */
function carriesTrigger(event: StackEvent): boolean {
  const data = (event.data ?? {}) as { downlink_sent?: { correlation_ids?: unknown }; downlink_failed?: { downlink?: { correlation_ids?: unknown } } };
  const lists = [event.correlation_ids, data.downlink_sent?.correlation_ids, data.downlink_failed?.downlink?.correlation_ids];
  return lists.some((ids) => Array.isArray(ids) && ids.includes(TRIGGER_CORRELATION_ID));
}

interface Waiting {
  resolve(end: TriggerEnd): void;
  timer: NodeJS.Timeout;
}

/**
 * Waits for triggers of one run: one event stream on the source for all of them, opened with
 * the first wait and closed with the last.
 */
export class TriggerWaits {
  private readonly waiting = new Map<string, Waiting>();
  private stream: AbortController | undefined;
  /** Pushes go one at a time: servers limit downlink queue operations per application. */
  private pushes: Promise<unknown> = Promise.resolve();
  /** After cancelAll, every wait ends at once (devices still on their way to one too). */
  private cancelled = false;

  constructor(private readonly source: StackSource, private readonly onProblem: (message: string) => void) {}

  /** Runs `push` after the pushes before it (one at a time). */
  serialize<T>(push: () => Promise<T>): Promise<T> {
    const next = this.pushes.then(push, push);
    this.pushes = next.catch(() => undefined);
    return next;
  }

  /** Resolves when the trigger was sent or failed, the device arrived, at `deadline`, or on cancel. */
  wait(sourceId: string, deadline: number): Promise<TriggerEnd> {
    if (this.cancelled) return Promise.resolve('cancelled');
    this.settle(sourceId, 'cancelled'); // one wait per device
    return new Promise<TriggerEnd>((resolve) => {
      const timer = setTimeout(() => this.settle(sourceId, 'timeout'), Math.max(0, deadline - Date.now()));
      timer.unref();
      this.waiting.set(sourceId, { resolve, timer });
      this.openStream();
    });
  }

  /** The device was seen on the target: its trigger evidently reached it. */
  arrived(sourceId: string): void {
    this.settle(sourceId, 'arrived');
  }

  isWaiting(sourceId: string): boolean {
    return this.waiting.has(sourceId);
  }

  /** Ends every wait (the run is cancelled or stops): the source is quieted at once. */
  cancelAll(): void {
    this.cancelled = true;
    for (const id of [...this.waiting.keys()]) this.settle(id, 'cancelled');
  }

  private settle(sourceId: string, end: TriggerEnd): void {
    const w = this.waiting.get(sourceId);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(sourceId);
    if (this.waiting.size === 0) this.closeStream();
    w.resolve(end);
  }

  private openStream(): void {
    if (this.stream) return;
    const abort = (this.stream = new AbortController());
    const names = [...TRIGGER_SENT_EVENTS, ...TRIGGER_FAILED_EVENTS];
    void (async () => {
      try {
        for await (const item of this.source.client.events({ applicationId: this.source.appId, names }, { signal: abort.signal })) {
          if (item.type === 'event') this.onEvent(item.event);
        }
      } catch (err) {
        if (!abort.signal.aborted) {
          this.onProblem(`Cannot follow the source's events to see triggers sent (each device waits its full time instead): ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
  }

  private closeStream(): void {
    this.stream?.abort();
    this.stream = undefined;
  }

  private onEvent(event: StackEvent): void {
    if (!carriesTrigger(event)) return; // another downlink
    const end: TriggerEnd = TRIGGER_FAILED_EVENTS.includes(event.name ?? '') ? 'failed' : 'sent';
    for (const ids of event.identifiers ?? []) {
      const deviceId = (ids as { device_ids?: { device_id?: string } }).device_ids?.device_id;
      if (deviceId) this.settle(deviceId, end);
    }
  }
}
