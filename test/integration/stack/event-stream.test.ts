// The event stream: parsed as bytes arrive, reconnected from the last event after a drop,
// without repeating events; a refused key ends it.
import { afterEach, describe, expect, it } from 'vitest';
import { StackClient, StackError, type EventStreamItem } from '../../../src-main/stack/index.js';
import { startScriptedServer, ttsError, type ScriptedServer } from '../../support/http-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());
const KEY = `NNSXS.EVENTS${'A'.repeat(6)}.${'B'.repeat(20)}`;

const event = (name: string, time: string, unique: string) =>
  JSON.stringify({ result: { name, time, unique_id: unique, identifiers: [{ device_ids: { device_id: 'd1', application_ids: { application_id: 'app1' } } }] } });

describe('event stream', () => {
  it('reconnects after a dropped stream, asks for events after the last one, and skips repeats', async () => {
    let connection = 0;
    server = await startScriptedServer((_req, res) => {
      connection++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (connection === 1) {
        // First event split across writes, then the connection drops.
        const first = event('js.join.accept', '2026-01-01T00:00:01Z', 'u1');
        res.write(first.slice(0, 20));
        setTimeout(() => { res.write(`${first.slice(20)}\n\n`); setTimeout(() => res.destroy(), 20); }, 20);
      } else {
        res.write(`${event('js.join.accept', '2026-01-01T00:00:01Z', 'u1')}\n\n${event('as.up.data.forward', '2026-01-01T00:00:02Z', 'u2')}\n\n`);
      }
    });
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY });
    const ac = new AbortController();
    const items: EventStreamItem[] = [];
    for await (const item of client.events({ applicationId: 'app1', names: ['js.join.accept', 'as.up.data.forward'] }, { signal: ac.signal })) {
      items.push(item);
      if (item.type === 'event' && item.event.name === 'as.up.data.forward') ac.abort();
    }
    expect(items.filter((i) => i.type === 'event').map((i) => (i.type === 'event' ? i.event.unique_id : ''))).toEqual(['u1', 'u2']);
    expect(items.filter((i) => i.type === 'status').map((i) => (i.type === 'status' ? i.connected : null))).toEqual([true, false, true]);
    const bodies = server.requests.map((r) => JSON.parse(r.body));
    expect(bodies[0]).toEqual({ identifiers: [{ application_ids: { application_id: 'app1' } }], names: ['js.join.accept', 'as.up.data.forward'] });
    expect(bodies[1].after).toBe('2026-01-01T00:00:01Z');
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
    client.close();
  });

  it('ends with the typed error when the key is refused', async () => {
    server = await startScriptedServer((_req, res) => ttsError(res, 401, 16, 'api_key_not_found'));
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY });
    const run = async () => {
      for await (const _ of client.events({ applicationId: 'app1' }, { signal: new AbortController().signal })) void _;
    };
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackError);
    expect((err as StackError).httpStatus).toBe(401);
    expect(server.requests).toHaveLength(1);
    client.close();
  });
});
