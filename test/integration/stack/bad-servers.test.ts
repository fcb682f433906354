// Each way a server can fail to be The Things Stack gets its own clear, typed error.
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceCreateError, StackClient, StackError } from '../../../src-main/stack/index.js';
import { json, selfSignedCert, startScriptedServer, ttsError, type ScriptedServer } from '../../support/http-server.js';

const KEY = `NNSXS.TEST${'A'.repeat(10)}.${'B'.repeat(20)}`;
let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const clientFor = (url: string, extra: Partial<ConstructorParameters<typeof StackClient>[1]> = {}, ca?: string[]) =>
  new StackClient({ isUrl: url, clusterUrl: url, apiKey: KEY, ca }, { backoff: { baseMs: 5, maxMs: 20 }, ...extra });

async function failure(p: Promise<unknown>): Promise<StackError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StackError);
  return err as StackError;
}

describe('talking to something that is not The Things Stack', () => {
  it('an HTML page', async () => {
    server = await startScriptedServer((_q, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<!doctype html><title>Login</title>'); });
    const e = await failure(clientFor(server.url).authInfo());
    expect(e.kind).toBe('not-tts');
    expect(e.message).toMatch(/did not answer like The Things Stack \(HTTP 200, got an HTML page\)/);
  });

  it('JSON of the wrong shape', async () => {
    server = await startScriptedServer((_q, res) => json(res, { end_devices: 'nope' }));
    const e = await failure(clientFor(server.url).listDevices('app1'));
    expect(e.kind).toBe('not-tts');
    expect(e.message).toMatch(/unexpected JSON at "end_devices"/);
  });

  it('an error status without a TTS error body', async () => {
    server = await startScriptedServer((_q, res) => { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"error":"no route"}'); });
    const e = await failure(clientFor(server.url).authInfo());
    expect(e.kind).toBe('not-tts');
    expect(e.httpStatus).toBe(404);
  });

  it('an untrusted certificate, then the same server trusted through its CA', async () => {
    const cert = selfSignedCert();
    server = await startScriptedServer((_q, res) => json(res, { api_key: { api_key: { id: 'k1', rights: ['RIGHT_APPLICATION_ALL'] } } }), cert);
    const e = await failure(clientFor(server.url).authInfo());
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(/secure connection .* failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const info = await clientFor(server.url, {}, [cert.cert]).authInfo();
    expect(info.rights).toEqual(['RIGHT_APPLICATION_ALL']);
  });

  it('a server that never answers', async () => {
    server = await startScriptedServer(() => undefined);
    const e = await failure(clientFor(server.url, { timeoutMs: 200, backoff: { maxRetries: 1, baseMs: 5, maxMs: 5 } }).authInfo());
    expect(e.kind).toBe('timeout');
    expect(server.requests).toHaveLength(2); // auth_info is idempotent: one retry
  });

  it('nothing listening', async () => {
    const s = await startScriptedServer(() => undefined);
    const url = s.url;
    await s.close();
    const e = await failure(clientFor(url, { backoff: { maxRetries: 0 } }).authInfo());
    expect(e.kind).toBe('refused');
    expect(e.message).toMatch(/connection refused/);
  });

  it('an abort signal stops a call at once', async () => {
    server = await startScriptedServer(() => undefined);
    const ac = new AbortController();
    const p = failure(clientFor(server.url).authInfo({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect((await p).kind).toBe('aborted');
  });
});

describe('retries', () => {
  it('waits X-Rate-Limit-Retry on a 429 and then succeeds', async () => {
    let calls = 0;
    server = await startScriptedServer((_q, res) => {
      if (calls++ === 0) return ttsError(res, 429, 8, 'rate_limit_exceeded', { 'X-Rate-Limit-Retry': '1', 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Available': '0', 'X-Rate-Limit-Reset': '1' });
      json(res, { api_key: { api_key: { id: 'k1', rights: [] } } });
    });
    const retries: number[] = [];
    const started = Date.now();
    await clientFor(server.url, { observer: { onRetry: (r) => retries.push(r.waitMs) } }).authInfo();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
  });

  it('a ResourceExhausted that is no rate limit (a full downlink queue) fails at once, in words', async () => {
    server = await startScriptedServer((_q, res) => ttsError(res, 429, 8, 'pkg/networkserver:downlink_queue_capacity'));
    const started = Date.now();
    const e = await failure(clientFor(server.url).authInfo());
    expect(Date.now() - started).toBeLessThan(900);
    expect(server.requests).toHaveLength(1);
    expect(e.isRateLimited).toBe(false);
    expect(e.message).toMatch(/not a rate limit/);
  });

  it('a rate limit is known by pkg/ratelimit\'s error even without headers', async () => {
    let calls = 0;
    server = await startScriptedServer((_q, res) => {
      if (calls++ === 0) return ttsError(res, 429, 8, 'pkg/ratelimit:rate_limit_exceeded');
      json(res, { api_key: { api_key: { id: 'k1', rights: [] } } });
    });
    await clientFor(server.url).authInfo();
    expect(server.requests).toHaveLength(2);
  });

  it('sends an idempotent call again after pkg/redis:transaction_failed (Aborted, 409)', async () => {
    let calls = 0;
    server = await startScriptedServer((_q, res) => {
      if (calls++ < 2) return ttsError(res, 409, 10, 'pkg/redis:transaction_failed');
      json(res, { ids: { device_id: 'd1', application_ids: { application_id: 'app1' } } });
    });
    const client = clientFor(server.url, { backoff: { baseMs: 1, maxMs: 2 } });
    await client.setDevice('app1', { ids: { device_id: 'd1', application_ids: { application_id: 'app1' } }, mac_settings: { schedule_downlinks: false } }, ['mac_settings.schedule_downlinks']);
    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
  });

  it('retries 502/503/504 for reads, never for a create', async () => {
    server = await startScriptedServer((req, res) => {
      if (req.method === 'POST') return ttsError(res, 503, 14, 'unavailable');
      if (req.url?.startsWith('/api/v3/applications/app1/devices/d1')) return ttsError(res, 404, 5, 'not_found');
      ttsError(res, 503, 14, 'unavailable');
    });
    const client = clientFor(server.url, { backoff: { maxRetries: 2, baseMs: 1, maxMs: 2 } });
    expect((await failure(client.authInfo())).httpStatus).toBe(503);
    expect(server.requests.filter((r) => r.url === '/api/v3/auth_info')).toHaveLength(3);
    server.requests.length = 0;
    const e = await client.createDevice('app1', { ids: { device_id: 'd1', application_ids: { application_id: 'app1' }, dev_eui: '0000000000000001', join_eui: '0000000000000000' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeviceCreateError);
    expect((e as DeviceCreateError).failedAt).toBe('is');
    expect((e as DeviceCreateError).stackError.httpStatus).toBe(503);
    // Each failed create is followed by a read that checks whether it happened; never two POSTs in a row.
    const seq = server.requests.map((r) => r.method);
    for (let i = 1; i < seq.length; i++) expect(seq[i - 1] === 'POST' && seq[i] === 'POST').toBe(false);
    expect(seq.filter((m) => m === 'GET').length).toBeGreaterThanOrEqual(1);
  });

  it('a create that timed out but happened is not sent again', async () => {
    let created = false;
    server = await startScriptedServer((req, res, body) => {
      if (req.method === 'POST') { created = JSON.parse(body).end_device.ids.device_id === 'd1'; return; } // applied, never answered
      const ids = { device_id: 'd1', application_ids: { application_id: 'app1' }, dev_eui: '0000000000000001', join_eui: '0000000000000000' };
      if (req.method === 'GET') return created ? json(res, { ids }) : ttsError(res, 404, 5, 'not_found');
      json(res, { ids }); // the component sets answer the device
    });
    const client = clientFor(server.url, { timeoutMs: 300 });
    await client.createDevice('app1', { ids: { device_id: 'd1', application_ids: { application_id: 'app1' }, dev_eui: '0000000000000001', join_eui: '0000000000000000' }, name: 'x' });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
