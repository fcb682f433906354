import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, call, errorName } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(opts: Parameters<typeof startSimulator>[0] = {}): Promise<{ s: Simulator; key: string }> {
  const s = await startSimulator(opts);
  sim = s;
  s.addApplication('app');
  return { s, key: s.createApiKey('app', ALL) };
}

describe('server basics', () => {
  it('binds 127.0.0.1 on a random port and serves the cluster host', async () => {
    const { s } = await setup();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
    expect(s.clusterHost).toBe(`127.0.0.1:${s.port}`);
  });

  it('is not reachable on any other interface', async () => {
    const { s } = await setup();
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (!external) return; // no other interface on this machine
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: s.port }, () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('uses a given cluster host in the application addresses', async () => {
    const s = await startSimulator({ clusterHost: 'eu1.cloud.example.test' });
    sim = s;
    s.addApplication('app');
    const res = await call(s, s.createApiKey('app', ALL), 'GET', '/applications/app?field_mask=join_server_address');
    expect(res.body.join_server_address).toBe('eu1.cloud.example.test');
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    const { s, key } = await setup();
    expect((await call(s, key, 'GET', '/gateways')).status).toBe(404);
    expect((await call(s, key, 'PATCH', '/applications/app/devices/x')).status).toBe(405);
    expect((await fetch(`${s.url}/`)).status).toBe(404);
  });

  it('answers GET /ns/dev_addr with an address in the prefix', async () => {
    const { s, key } = await setup({ devAddrPrefix: '27000000/7' });
    const res = await call(s, key, 'GET', '/ns/dev_addr');
    expect(res.status).toBe(200);
    expect(res.body.dev_addr).toMatch(/^[0-9A-F]{8}$/);
    expect(parseInt(res.body.dev_addr, 16) >>> 25).toBe(0x27000000 >>> 25);
  });

  it('closes promptly with open keep-alive connections and streams', async () => {
    const { s, key } = await setup();
    await call(s, key, 'GET', '/auth_info');
    const controller = new AbortController();
    const stream = await fetch(`${s.url}/api/v3/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
      body: JSON.stringify({ identifiers: [{ application_ids: { application_id: 'app' } }] }),
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    // close() ends open streams instead of waiting for them (a hang would time the test out).
    await s.close();
    controller.abort();
    sim = undefined;
  });

  it('serves many concurrent requests', async () => {
    const { s, key } = await setup();
    s.seedDevices('app', 200, { seed: 1 });
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, worker) => {
        let okCount = 0;
        for (let i = 0; i < 20; i++) {
          const id = `dev-${String(((worker * 20 + i) % 200) + 1).padStart(5, '0')}`;
          const res = await call(s, key, 'GET', `/ns/applications/app/devices/${id}?field_mask=frequency_plan_id`);
          if (res.status === 200) okCount++;
        }
        return okCount;
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(64 * 20);
    expect(s.counters()['ns.get']).toBe(1280);
  });
});

describe('rate limiting', () => {
  it('answers 429 with the rate-limit headers and recovers after the period', async () => {
    const { s, key } = await setup({ rateLimit: { limit: 5, periodSeconds: 1 } });
    const first = await call(s, key, 'GET', '/auth_info');
    expect(first.headers.get('x-rate-limit-limit')).toBe('5');
    expect(first.headers.get('x-rate-limit-available')).toBe('4');
    expect(first.headers.get('x-rate-limit-retry')).toBe('0');
    for (let i = 0; i < 4; i++) expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
    const limited = await call(s, key, 'GET', '/applications/app/devices');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(8);
    expect(errorName(limited)).toBe('rate_limit_exceeded');
    expect(limited.headers.get('x-rate-limit-available')).toBe('0');
    for (const h of ['x-rate-limit-limit', 'x-rate-limit-reset', 'x-rate-limit-retry']) {
      expect(Number.isInteger(Number(limited.headers.get(h))), h).toBe(true);
    }
    // Another key has its own bucket.
    expect((await call(s, s.createApiKey('app', ALL), 'GET', '/auth_info')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });

  it('can be switched on and off at run time', async () => {
    const { s, key } = await setup();
    expect((await call(s, key, 'GET', '/auth_info')).headers.get('x-rate-limit-limit')).toBeNull();
    s.setRateLimit({ limit: 1, periodSeconds: 60 });
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
    const limited = await call(s, key, 'GET', '/auth_info');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-rate-limit-retry'))).toBeGreaterThanOrEqual(1);
    s.setRateLimit(undefined);
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });

  it('answers a 429 burst, then recovers', async () => {
    const { s, key } = await setup({ faults: { burst429: { requests: 2 } } });
    for (let i = 0; i < 2; i++) {
      const res = await call(s, key, 'GET', '/auth_info');
      expect(res.status).toBe(429);
      expect(res.headers.get('x-rate-limit-retry')).not.toBeNull();
    }
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });
});

describe('faults', () => {
  it('failNext fails the next calls of one route without applying them', async () => {
    const { s, key } = await setup();
    s.failNext('is.create', { status: 503, times: 2 });
    const body = { end_device: { ids: { device_id: 'dev-f' } } };
    for (let i = 0; i < 2; i++) {
      const res = await call(s, key, 'POST', '/applications/app/devices', body);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(14);
    }
    expect(s.listDeviceIds('app')).toEqual([]);
    expect(s.writeCount()).toBe(0);
    expect(s.counters()['is.create']).toBe(2);
    expect((await call(s, key, 'POST', '/applications/app/devices', body)).status).toBe(200);
    expect(s.writeCount()).toBe(1);
    s.failNext('ns.get', { status: 409, code: 10 });
    const aborted = await call(s, key, 'GET', '/ns/applications/app/devices/dev-f');
    expect(aborted.status).toBe(409);
    expect(aborted.body.code).toBe(10);
    s.resetCounters();
    expect(s.counters()['is.create']).toBe(0);
    expect(s.writeCount()).toBe(0);
  });

  it('dropRate 1 destroys the socket without an answer', async () => {
    const { s, key } = await setup({ faults: { dropRate: 1 } });
    await expect(call(s, key, 'GET', '/auth_info')).rejects.toThrow();
    const err = await new Promise<Error>((resolve) => {
      const req = request(`${s.url}/api/v3/auth_info`, { agent: false }, () => resolve(new Error('answered')));
      req.on('error', resolve);
      req.end();
    });
    expect(err.message).toMatch(/socket hang up/);
    s.setFaults({});
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });

  it('adds latency before answering', async () => {
    const { s, key } = await setup({ faults: { latencyMs: 150 } });
    const started = Date.now();
    await call(s, key, 'GET', '/auth_info');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('errorRate 1 answers 502/503/504 with proxy or TTS bodies', async () => {
    let i = 0;
    const seq = [0.1, 0.1, 0.1, 0.5, 0.1, 0.9];
    const { s, key } = await setup({ faults: { errorRate: 1 }, random: () => seq[i++ % seq.length] as number });
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) {
      const res = await call(s, key, 'POST', '/applications/app/devices', { end_device: { ids: { device_id: `dev-${n}x` } } });
      statuses.push(res.status);
      if (res.status === 503) expect(res.body.code).toBe(14);
      else expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    }
    expect(statuses).toEqual([502, 503, 504]);
    expect(s.listDeviceIds('app')).toEqual([]);
  });
});

describe('admin routes', () => {
  it('are absent unless enabled', async () => {
    const { s } = await setup();
    const res = await fetch(`${s.url}/sim/applications/app/devices/x/join`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('refuse requests with an Origin header', async () => {
    const { s } = await setup({ adminRoutes: true });
    s.seedDevices('app', 1, { mix: 'otaa' });
    const refused = await fetch(`${s.url}/sim/applications/app/devices/dev-00001/join`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
    });
    expect(refused.status).toBe(403);
    const res = await fetch(`${s.url}/sim/applications/app/devices/dev-00001/join`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: true });
    const up = await fetch(`${s.url}/sim/applications/app/devices/dev-00001/uplink`, { method: 'POST' });
    expect(await up.json()).toEqual({ delivered: true });
    expect(s.counters().admin).toBe(3);
  });
});
