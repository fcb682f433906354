// Injected TTS errors: failNext with a namespace/name, the real errors it knows
// by name, and abortRate (pkg/redis transaction_failed without the write).
import { describe, expect, it } from 'vitest';
import { APP_KEY, call, createOtaa, simulatorPerTest } from './helpers.js';

const setup = simulatorPerTest();

const rateLimitHeaders = (res: { headers: Headers }) => [...res.headers.keys()].filter((h) => h.startsWith('x-rate-limit'));

describe('failNext with a TTS error', () => {
  it('answers the given namespace and name in the details, without rate-limit headers', async () => {
    const { s, key } = await setup();
    s.failNext('ns.get', { status: 409, code: 10, namespace: 'pkg/redis', name: 'transaction_failed' });
    const res = await call(s, key, 'GET', '/ns/applications/app/devices/x');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe(10);
    expect(res.body.message).toBe('error:pkg/redis:transaction_failed (transaction failed)');
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'transaction_failed', code: 10, message_format: 'transaction failed' });
    expect(rateLimitHeaders(res)).toEqual([]);
    // A name the simulator does not know keeps the given namespace, and the code of the status.
    s.failNext('is.get', { status: 503, namespace: 'pkg/example', name: 'some_outage' });
    const other = await call(s, key, 'GET', '/applications/app/devices/x');
    expect(other.status).toBe(503);
    expect(other.body.details[0]).toMatchObject({ namespace: 'pkg/example', name: 'some_outage', code: 14 });
  });

  it('knows the real errors by name: the NS downlink queue is full (ResourceExhausted, not a rate limit)', async () => {
    const { s, key } = await setup();
    s.failNext('as.set', { status: 429, name: 'downlink_queue_capacity', times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await call(s, key, 'PUT', '/as/applications/app/devices/x', { end_device: { ids: { device_id: 'x' } }, field_mask: { paths: [] } });
      expect(res.status).toBe(429);
      expect(res.body.code).toBe(8);
      expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/networkserver', name: 'downlink_queue_capacity', message_format: 'downlink queue capacity exceeded' });
      expect(rateLimitHeaders(res)).toEqual([]);
    }
    expect(s.writeCount()).toBe(0);
    expect(s.inspect('app', 'x')).toBeUndefined();
  });

  it('a 429 without a name is the rate limiter\'s, with its headers', async () => {
    const { s, key } = await setup();
    s.failNext('is.list', { status: 429 });
    const res = await call(s, key, 'GET', '/applications/app/devices');
    expect(res.status).toBe(429);
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/ratelimit', name: 'rate_limit_exceeded' });
    expect(res.headers.get('x-rate-limit-retry')).not.toBeNull();
  });

  it('checks its arguments', async () => {
    const { s } = await setup();
    expect(() => s.failNext('is.get', { status: 200 })).toThrow();
    expect(() => s.failNext('is.get', { status: 500, code: 99 })).toThrow();
  });
});

describe('abortRate', () => {
  it('answers JS/NS/AS sets and IS updates pkg/redis:transaction_failed without writing', async () => {
    const { s, key } = await setup();
    await createOtaa(s, key, 'app', 'ab-1', '70B3D57ED0000A01');
    const before = s.inspect('app', 'ab-1');
    s.resetCounters();
    s.setFaults({ abortRate: 1 });
    const ids = before!.js.ids;
    const writes = [
      call(s, key, 'PUT', '/js/applications/app/devices/ab-1', { end_device: { ids, root_keys: { app_key: { key: 'FF'.repeat(16) } } }, field_mask: { paths: ['root_keys.app_key.key'] } }),
      call(s, key, 'PUT', '/ns/applications/app/devices/ab-1', { end_device: { mac_settings: { schedule_downlinks: false } }, field_mask: { paths: ['mac_settings.schedule_downlinks'] } }),
      call(s, key, 'PUT', '/as/applications/app/devices/ab-1', { end_device: { ids }, field_mask: { paths: [] } }),
      call(s, key, 'PUT', '/applications/app/devices/ab-1', { end_device: { name: 'renamed' }, field_mask: { paths: ['name'] } }),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe(10);
      expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'transaction_failed' });
    }
    expect(s.inspect('app', 'ab-1')).toEqual(before);
    expect(s.writeCount()).toBe(0);
    // Reads, creates and deletes are not transactions the fault applies to.
    expect((await call(s, key, 'GET', '/js/applications/app/devices/ab-1?field_mask=root_keys.app_key.key')).body.root_keys.app_key.key).toBe(APP_KEY);
    expect((await call(s, key, 'POST', '/applications/app/devices', { end_device: { ids: { device_id: 'ab-2' } } })).status).toBe(200);
    s.setFaults({ abortRate: 0 });
    const ok = await call(s, key, 'PUT', '/applications/app/devices/ab-1', { end_device: { name: 'renamed' }, field_mask: { paths: ['name'] } });
    expect(ok.status).toBe(200);
  });

  it('applies to a share of the writes, drawn from the simulator\'s random source', async () => {
    const draws = [0.1, 0.9, 0.1, 0.9];
    let i = 0;
    const { s, key } = await setup({ faults: { abortRate: 0.5 }, random: () => draws[i++ % draws.length] as number });
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      const res = await call(s, key, 'PUT', '/as/applications/app/devices/ab-3', { end_device: { ids: { device_id: 'ab-3' } }, field_mask: { paths: [] } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([409, 200, 409, 200]);
    expect(() => s.setFaults({ abortRate: 1.5 })).toThrow();
  });
});
