// Bounded memory against a server that answers without end: one response body is at most
// 64 MiB, one event-stream message at most 8 MiB; both end with an error that says so.
import { afterEach, describe, expect, it } from 'vitest';
import { StackClient, StackError, type EventStreamItem } from '../../../src-main/stack/index.js';
import { startScriptedServer, type ScriptedServer } from '../../support/http-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const KEY = `NNSXS.LIMITS${'A'.repeat(6)}.${'B'.repeat(20)}`;
const MiB = 1024 * 1024;

describe('response bodies', () => {
  it('a body over 64 MiB is refused with a clear error (and the download stops)', async () => {
    let sent = 0;
    let closed = false;
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"ids":{"application_id":"app1"},"description":"');
      const piece = 'x'.repeat(MiB);
      res.on('close', () => (closed = true));
      const pump = () => {
        while (sent < 200 * MiB && !closed) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        if (!closed) res.end('"}');
      };
      pump();
    });
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY }, { backoff: { maxRetries: 0 } });
    const err = await client.getApplication('app1').catch((e: unknown) => e);
    client.close();
    expect(err).toBeInstanceOf(StackError);
    expect((err as StackError).message).toMatch(/answer is larger than 64 MiB/);
    expect((err as StackError).isTransient).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(150 * MiB);
    expect(server.requests).toHaveLength(1); // not retried
  });

  it('a declared Content-Length over the limit is refused before reading the body', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(65 * MiB) });
      res.write('{"ids":');
    });
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY }, { timeoutMs: 5000 });
    const err = await client.getApplication('app1').catch((e: unknown) => e);
    client.close();
    expect((err as StackError).message).toMatch(/answer is larger than 64 MiB/);
  });

  it('an ordinary answer is read as before', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ids: { application_id: 'app1' }, description: 'x'.repeat(2 * MiB) }));
    });
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY });
    expect((await client.getApplication('app1')).description).toHaveLength(2 * MiB);
    client.close();
  });
});

describe('event stream messages', () => {
  it('a message over 8 MiB ends that connection with an error that says so, without buffering more', async () => {
    let connection = 0;
    server = await startScriptedServer((_req, res) => {
      connection++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (connection > 1) return; // the reconnect: stays open and quiet
      res.write('{"result":{"name":"as.up.data.forward","data":"');
      const piece = 'y'.repeat(MiB);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * MiB && !res.destroyed) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    const client = new StackClient({ isUrl: server.url, clusterUrl: server.url, apiKey: KEY });
    const ac = new AbortController();
    const items: EventStreamItem[] = [];
    for await (const item of client.events({ applicationId: 'app1' }, { signal: ac.signal })) {
      items.push(item);
      if (item.type === 'status' && !item.connected) ac.abort();
    }
    client.close();
    const lost = items.find((i) => i.type === 'status' && !i.connected);
    expect(lost).toMatchObject({ type: 'status', connected: false, error: expect.any(StackError) });
    expect((lost as { error: StackError }).error.message).toMatch(/event stream: 127\.0\.0\.1:\d+ sent a message larger than 8 MiB/);
    expect(items.filter((i) => i.type === 'event')).toEqual([]);
  });
});
