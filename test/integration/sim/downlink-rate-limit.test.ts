// Rate limits and scripted faults of the downlink queue routes: per application
// since v3.35.2, per device with downlinkRateLimitPerDevice (v3.32).
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src-main/sim/index.js';
import { type ApiResponse, callAt, errorName, simulatorPerTest } from './helpers.js';

const PUSH = 'grpc:method:/ttn.lorawan.v3.AppAs/DownlinkQueuePush';
const REPLACE = 'grpc:method:/ttn.lorawan.v3.AppAs/DownlinkQueueReplace';
const LIST = 'grpc:method:/ttn.lorawan.v3.AppAs/DownlinkQueueList';
const oneBurst = (...associations: string[]) => ({ profiles: [{ maxPerMin: 60, maxBurst: 1, associations }] });
const start = simulatorPerTest();
const item = { f_port: 85, frm_payload: Buffer.from('ff10ff', 'hex').toString('base64') };

const push = (s: Simulator, key: string, dev: string, op = 'push'): Promise<ApiResponse> =>
  callAt(s.clusterUrl, key, 'POST', `/as/applications/app/devices/${dev}/down/${op}`, { downlinks: [item] });

function expect429(res: ApiResponse, keyPrefix: string): void {
  expect(res.status).toBe(429);
  expect(errorName(res)).toBe('rate_limit_exceeded');
  expect(res.body.details[0].namespace).toBe('pkg/ratelimit');
  expect(res.body.details[0].attributes.key.startsWith(keyPrefix)).toBe(true);
  expect(res.body.details[0].attributes.rate).toBe(1);
  expect(res.headers.get('x-rate-limit-limit')).toBe('1');
  expect(res.headers.get('x-rate-limit-available')).toBe('0');
  expect(Number(res.headers.get('x-rate-limit-retry'))).toBeGreaterThanOrEqual(0);
  expect(res.headers.get('x-rate-limit-reset')).not.toBeNull();
}

describe('per-application downlink rate limit (v3.35.2)', () => {
  it('refuses the second push to another device of the same application within a 1-burst profile', async () => {
    const { s, key } = await start({ rateLimit: oneBurst(PUSH) });
    const [a, b] = s.seedDevices('app', 2, { mix: 'otaa' }) as [string, string];
    const first = await push(s, key, a);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-rate-limit-limit')).toBe('1');
    expect(first.headers.get('x-rate-limit-available')).toBe('0');
    const second = await push(s, key, b);
    expect429(second, `${PUSH}:application:app:token:`);
    // Nothing was queued by the refused call; other methods are not limited by this profile.
    const listed = await callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${b}/down`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({});
    expect(listed.headers.get('x-rate-limit-limit')).toBeNull();
  });

  it('keys replace on the application too, apart from push', async () => {
    const { s, key } = await start({ rateLimit: oneBurst(PUSH, REPLACE) });
    const [a, b] = s.seedDevices('app', 2, { mix: 'otaa' }) as [string, string];
    expect((await push(s, key, a, 'replace')).status).toBe(200);
    expect((await push(s, key, b)).status).toBe(200);
    expect429(await push(s, key, b, 'replace'), `${REPLACE}:application:app:`);
  });

  it('keys per end device under downlinkRateLimitPerDevice (v3.32), and the list always per device', async () => {
    const { s, key } = await start({ rateLimit: oneBurst(PUSH, LIST), downlinkRateLimitPerDevice: true });
    const [a, b] = s.seedDevices('app', 2, { mix: 'otaa' }) as [string, string];
    expect((await push(s, key, a)).status).toBe(200);
    expect((await push(s, key, b)).status).toBe(200);
    expect429(await push(s, key, a), `${PUSH}:end device:app.${a}:`);
    const list = (dev: string) => callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${dev}/down`);
    expect((await list(a)).status).toBe(200);
    expect((await list(b)).status).toBe(200);
    expect429(await list(a), `${LIST}:end device:app.${a}:`);
  });

  it('limits with the class grpc:method too, and keys on the API key', async () => {
    const { s, key } = await start({ rateLimit: oneBurst('grpc:method') });
    const [a] = s.seedDevices('app', 1, { mix: 'otaa' }) as [string];
    const other = s.createApiKey('app', ['RIGHT_APPLICATION_ALL']);
    expect((await push(s, key, a)).status).toBe(200);
    expect((await push(s, other, a)).status).toBe(200);
    expect429(await push(s, key, a), `${PUSH}:application:app:token:`);
  });
});

describe('faults on the downlink routes', () => {
  it('failNext answers scripted errors by route name, before the handler', async () => {
    const { s, key } = await start();
    const [a] = s.seedDevices('app', 1, { mix: 'otaa' }) as [string];
    s.failNext('as.down.push', { status: 429 });
    s.failNext('as.down.replace', { status: 429, name: 'downlink_queue_capacity' });
    s.failNext('as.down.list', { status: 503 });
    const limited = await push(s, key, a);
    expect(limited.status).toBe(429);
    expect(errorName(limited)).toBe('rate_limit_exceeded');
    expect(limited.headers.get('x-rate-limit-retry')).toBe('1');
    const capacity = await push(s, key, a, 'replace');
    expect(capacity.status).toBe(429);
    expect(capacity.body.details[0]).toMatchObject({ namespace: 'pkg/networkserver', name: 'downlink_queue_capacity' });
    expect((await callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${a}/down`)).status).toBe(503);
    expect(s.counters()).toMatchObject({ 'as.down.push': 1, 'as.down.replace': 1, 'as.down.list': 1 });
    // The scripted answers wrote nothing: the queue is still empty and the next push works.
    expect((await push(s, key, a)).status).toBe(200);
    expect(s.inspect('app', a)?.ns.session.queued_application_downlinks).toHaveLength(1);
  });
});
