import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ALL, call, errorName, simulatorPerTest } from './helpers.js';

const setup = simulatorPerTest();

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
    const { s, key } = await setup({ clusterHost: 'eu1.cloud.example.test' });
    const res = await call(s, key, 'GET', '/applications/app?field_mask=join_server_address');
    expect(res.body.join_server_address).toBe('eu1.cloud.example.test');
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    const { s, key } = await setup();
    expect((await call(s, key, 'GET', '/clients')).status).toBe(404);
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

describe('rate limiting (pkg/ratelimit)', () => {
  const profile = (maxPerMin: number, maxBurst: number | undefined, ...associations: string[]) => ({
    profiles: [{ maxPerMin, ...(maxBurst !== undefined ? { maxBurst } : {}), associations }],
  });
  const GET = '/ttn.lorawan.v3.EndDeviceRegistry/Get';

  it('answers 429 with the rate-limit headers, keyed by method and key, and recovers', async () => {
    // 300/min: one call every 200 ms, bursts of 5.
    const { s, key } = await setup({ rateLimit: profile(300, 5, 'grpc:method') });
    const first = await call(s, key, 'GET', '/auth_info');
    expect(first.headers.get('x-rate-limit-limit')).toBe('5');
    expect(first.headers.get('x-rate-limit-available')).toBe('4');
    expect(first.headers.get('x-rate-limit-retry')).toBe('0');
    for (let i = 0; i < 4; i++) expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
    const limited = await call(s, key, 'GET', '/auth_info');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(8);
    expect(errorName(limited)).toBe('rate_limit_exceeded');
    expect(limited.body.details[0].namespace).toBe('pkg/ratelimit');
    // AuthInfo takes google.protobuf.Empty: no entity, hence the empty segment.
    expect(limited.body.details[0].attributes).toEqual({
      key: `grpc:method:/ttn.lorawan.v3.EntityAccess/AuthInfo::token:${key.split('.')[1]}`,
      rate: 5,
    });
    expect(limited.headers.get('x-rate-limit-available')).toBe('0');
    for (const h of ['x-rate-limit-limit', 'x-rate-limit-reset', 'x-rate-limit-retry']) {
      expect(Number.isInteger(Number(limited.headers.get(h))), h).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 250));
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });

  it('can be switched on and off at run time', async () => {
    const { s, key } = await setup();
    expect((await call(s, key, 'GET', '/auth_info')).headers.get('x-rate-limit-limit')).toBeNull();
    s.setRateLimit(profile(1, undefined, 'grpc:method'));
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
    const limited = await call(s, key, 'GET', '/auth_info');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-rate-limit-retry'))).toBeGreaterThanOrEqual(1);
    s.setRateLimit(undefined);
    const after = await call(s, key, 'GET', '/auth_info');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-rate-limit-limit')).toBeNull();
  });

  it('gives two devices independent buckets', async () => {
    const { s, key } = await setup({ rateLimit: profile(60, 1, `grpc:method:${GET}`) });
    s.seedDevices('app', 2, { seed: 1 });
    expect((await call(s, key, 'GET', '/applications/app/devices/dev-00001')).status).toBe(200);
    const limited = await call(s, key, 'GET', '/applications/app/devices/dev-00001');
    expect(limited.status).toBe(429);
    expect(limited.body.details[0].attributes.key).toBe(`grpc:method:${GET}:end device:app.dev-00001:token:${key.split('.')[1]}`);
    expect((await call(s, key, 'GET', '/applications/app/devices/dev-00002')).status).toBe(200);
  });

  it('gives two keys independent buckets', async () => {
    const { s, key } = await setup({ rateLimit: profile(60, 1, 'grpc:method') });
    s.seedDevices('app', 1, { seed: 1 });
    const path = '/applications/app/devices/dev-00001';
    expect((await call(s, key, 'GET', path)).status).toBe(200);
    expect((await call(s, key, 'GET', path)).status).toBe(429);
    expect((await call(s, s.createApiKey('app', ALL), 'GET', path)).status).toBe(200);
  });

  it('gives two methods independent buckets, and the set of a device its own', async () => {
    const { s, key } = await setup({ rateLimit: profile(60, 1, 'grpc:method') });
    s.seedDevices('app', 1, { seed: 1, mix: 'otaa' });
    expect((await call(s, key, 'GET', '/applications/app/devices/dev-00001?field_mask=name')).status).toBe(200);
    expect((await call(s, key, 'GET', '/applications/app/devices/dev-00001?field_mask=name')).status).toBe(429);
    const ns = await call(s, key, 'GET', '/ns/applications/app/devices/dev-00001?field_mask=frequency_plan_id');
    expect(ns.status).toBe(200);
    expect((await call(s, key, 'GET', '/ns/applications/app/devices/dev-00001?field_mask=frequency_plan_id')).status).toBe(429);
    const set = await call(s, key, 'PUT', '/ns/applications/app/devices/dev-00001', {
      end_device: { ids: { device_id: 'dev-00001' }, frequency_plan_id: 'EU_863_870_TTN' },
      field_mask: { paths: ['frequency_plan_id'] },
    });
    expect(set.status).toBe(200);
    expect(set.headers.get('x-rate-limit-limit')).toBe('1');
  });

  it('sends no headers where no profile matched, and takes the first class that has one', async () => {
    const { s, key } = await setup({
      rateLimit: {
        profiles: [
          { maxPerMin: 60, maxBurst: 3, associations: [`grpc:method:${GET}`] },
          { maxPerMin: 60, maxBurst: 7, associations: ['grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/List'] },
        ],
      },
    });
    s.seedDevices('app', 1, { seed: 1 });
    const get = await call(s, key, 'GET', '/applications/app/devices/dev-00001');
    expect(get.headers.get('x-rate-limit-limit')).toBe('3');
    const list = await call(s, key, 'GET', '/applications/app/devices');
    expect(list.headers.get('x-rate-limit-limit')).toBe('7');
    for (const path of ['/auth_info', '/applications/app', '/ns/applications/app/devices/dev-00001']) {
      const res = await call(s, key, 'GET', path);
      expect(res.headers.get('x-rate-limit-limit'), path).toBeNull();
      expect(res.headers.get('x-rate-limit-retry'), path).toBeNull();
    }
  });

  it('refuses a call before its handler runs (nothing written) and keys unauthenticated calls without IP', async () => {
    const { s, key } = await setup({ rateLimit: profile(60, 1, 'grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/Create', 'grpc:method') });
    const body = (id: string) => ({ end_device: { ids: { device_id: id } } });
    expect((await call(s, key, 'POST', '/applications/app/devices', body('dev-a'))).status).toBe(200);
    // Create is keyed by the device in the body: another device has its own bucket.
    expect((await call(s, key, 'POST', '/applications/app/devices', body('dev-b'))).status).toBe(200);
    const again = await call(s, key, 'DELETE', '/applications/app/devices/dev-a');
    expect(again.status).toBe(200);
    expect((await call(s, key, 'DELETE', '/applications/app/devices/dev-a')).status).toBe(429);
    expect(s.writeCount()).toBe(3);
    // No token: `grpc:method:<method>:` for every caller.
    expect((await call(s, undefined, 'GET', '/auth_info')).status).toBe(200);
    const anon = await call(s, undefined, 'GET', '/auth_info');
    expect(anon.status).toBe(429);
    expect(anon.body.details[0].attributes.key).toBe('grpc:method:/ttn.lorawan.v3.EntityAccess/AuthInfo:');
  });

  it('limits event streams at accept (grpc:stream:accept), answering the stream error shape', async () => {
    const { s, key } = await setup({ rateLimit: profile(60, 1, 'grpc:stream:accept') });
    const open = (accept: string) =>
      fetch(`${s.url}/api/v3/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, Accept: accept },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: 'app' } }] }),
      });
    const controller = new AbortController();
    const first = await fetch(`${s.url}/api/v3/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
      body: JSON.stringify({ identifiers: [{ application_ids: { application_id: 'app' } }] }),
      signal: controller.signal,
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-rate-limit-limit')).toBe('1');
    controller.abort();
    const second = await open('text/event-stream');
    expect(second.status).toBe(429);
    expect(second.headers.get('x-rate-limit-available')).toBe('0');
    const text = await second.text();
    expect(text.endsWith('\n\n')).toBe(true);
    const body = JSON.parse(text);
    expect(body.error.code).toBe(8);
    expect(body.error.details[0].name).toBe('rate_limit_exceeded');
    expect(body.error.details[0].attributes.key).toBe(`grpc:stream:accept:/ttn.lorawan.v3.Events/Stream:token:${key.split('.')[1]}`);
    // Unary calls are not in the stream's class.
    expect((await call(s, key, 'GET', '/auth_info')).headers.get('x-rate-limit-limit')).toBeNull();
  });

  it('answers a 429 burst, then recovers', async () => {
    const { s, key } = await setup({ faults: { burst429: { requests: 2 } } });
    for (let i = 0; i < 2; i++) {
      const res = await call(s, key, 'GET', '/auth_info');
      expect(res.status).toBe(429);
      expect(res.headers.get('x-rate-limit-retry')).not.toBeNull();
      expect(errorName(res)).toBe('rate_limit_exceeded');
    }
    expect((await call(s, key, 'GET', '/auth_info')).status).toBe(200);
  });

  it('gives a burst 429 the headers of the profile the call would use', async () => {
    const { s, key } = await setup({ faults: { burst429: { requests: 1 } }, rateLimit: profile(120, 4, 'grpc:method') });
    const res = await call(s, key, 'GET', '/auth_info');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-rate-limit-limit')).toBe('4');
    expect(res.headers.get('x-rate-limit-available')).toBe('0');
    expect(res.headers.get('x-rate-limit-reset')).toBe('2');
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
