// The trigger waits read the source's events as the real server sends them: our correlation id
// on the event, or only on the downlink it carries (grpc_gsns.go ReportTxAcknowledgment);
// other downlinks are ignored; failed, cancelled and timed-out waits end as such.
import { describe, expect, it } from 'vitest';
import { TRIGGER_CORRELATION_ID, TriggerWaits } from '../../../src-main/migration/trigger.js';
import type { StackSource } from '../../../src-main/migration/source-side.js';
import type { StackEvent } from '../../../src-main/stack/schemas.js';

const ids = (device_id: string) => [{ device_ids: { device_id, application_ids: { application_id: 'app' } } }];

/** A source whose event stream yields `events` once a wait has opened it, then stays open. */
function sourceWith(events: StackEvent[]): { source: StackSource; opened: () => number } {
  let opened = 0;
  const client = {
    async *events(_filter: unknown, opts: { signal: AbortSignal }) {
      opened++;
      await new Promise((r) => setTimeout(r, 5));
      for (const event of events) yield { type: 'event' as const, event };
      await new Promise((r) => opts.signal.addEventListener('abort', r, { once: true }));
    },
  };
  return { source: { kind: 'stack', client: client as never, appId: 'app', canReadKeys: true }, opened: () => opened };
}

describe('trigger waits', () => {
  it('ends on our trigger sent or failed, whichever list of correlation ids names it, and ignores other downlinks', async () => {
    const { source, opened } = sourceWith([
      { name: 'as.down.data.sent.forward', identifiers: ids('a'), correlation_ids: ['as:downlink:1'] }, // someone else's downlink
      { name: 'as.down.data.sent.forward', identifiers: ids('b'), data: { downlink_sent: { correlation_ids: [TRIGGER_CORRELATION_ID] } } },
      { name: 'as.down.data.failed.forward', identifiers: ids('c'), data: { downlink_failed: { downlink: { correlation_ids: [TRIGGER_CORRELATION_ID] } } } },
      { name: 'as.down.data.sent.forward', identifiers: ids('a'), correlation_ids: ['as:up:9', TRIGGER_CORRELATION_ID] },
    ]);
    const waits = new TriggerWaits(source, () => undefined);
    const far = Date.now() + 60_000;
    const [a, b, c] = await Promise.all([waits.wait('a', far), waits.wait('b', far), waits.wait('c', far)]);
    expect({ a, b, c }).toEqual({ a: 'sent', b: 'sent', c: 'failed' });
    expect(opened()).toBe(1); // one stream for every wait of the run
  });

  it('ends at the deadline, on arrival, and at once after a cancel', async () => {
    const { source } = sourceWith([]);
    const waits = new TriggerWaits(source, () => undefined);
    const t0 = Date.now();
    expect(await waits.wait('x', Date.now() + 50)).toBe('timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    const arriving = waits.wait('y', Date.now() + 60_000);
    waits.arrived('y');
    expect(await arriving).toBe('arrived');
    const waiting = waits.wait('z', Date.now() + 60_000);
    waits.cancelAll();
    expect(await waiting).toBe('cancelled');
    expect(await waits.wait('late', Date.now() + 60_000)).toBe('cancelled');
    expect(waits.isWaiting('late')).toBe(false);
  });

  it('runs pushes one at a time, and a failed push does not stop the next', async () => {
    const { source } = sourceWith([]);
    const waits = new TriggerWaits(source, () => undefined);
    let running = 0;
    let most = 0;
    const push = (fail: boolean) => waits.serialize(async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (fail) throw new Error('refused');
      return 'queued';
    });
    const results = await Promise.allSettled([push(false), push(true), push(false)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(most).toBe(1);
  });
});
