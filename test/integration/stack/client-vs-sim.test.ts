// The client against the simulator over real HTTP on loopback: every route it uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src-main/sim/index.js';
import { DeviceCreateError, FieldMaskError, StackClient, StackError, getAtPath, type EndDevice } from '../../../src-main/stack/index.js';

let sim: Simulator;
let client: StackClient;
const APP = 'app-one';

const newDevice = (id: string, eui: string): EndDevice => ({
  ids: { device_id: id, application_ids: { application_id: APP }, dev_eui: eui, join_eui: '70B3D57ED0000000' },
  name: `Device ${id}`, attributes: { room: 'lab' },
  network_server_address: sim.clusterHost, application_server_address: sim.clusterHost, join_server_address: sim.clusterHost,
  lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true,
  root_keys: { app_key: { key: '0123456789ABCDEF0123456789ABCDEF' } },
  formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: 'function decodeUplink(i){return {data:{}}}' },
});

beforeAll(async () => {
  sim = await startSimulator({ adminRoutes: true });
  sim.addApplication(APP, { name: 'App one' });
  sim.seedDevices(APP, 2500, { seed: 3 });
  client = new StackClient({ isUrl: sim.url, clusterUrl: sim.url, apiKey: sim.createApiKey(APP, ['RIGHT_APPLICATION_ALL']) }, { backoff: { baseMs: 5, maxMs: 50 } });
});
afterAll(async () => {
  client.close();
  await sim.close();
});

describe('reads', () => {
  it('tells the key and its rights', async () => {
    const info = await client.authInfo();
    expect(info.rights).toContain('RIGHT_APPLICATION_ALL');
    expect(info.api_key?.entity_ids?.application_ids?.application_id).toBe(APP);
  });

  it('reads and lists applications; an unknown one is a readable NotFound', async () => {
    expect((await client.getApplication(APP)).name).toBe('App one');
    expect(Array.isArray(await client.listApplications())).toBe(true); // an application key may see none: that is the server's call
    const err = await client.getApplication('no-such-app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackError);
    expect((err as StackError).kind).toBe('api');
    expect((err as StackError).httpStatus).toBeGreaterThanOrEqual(400);
  });

  it('lists 2,500 devices over concurrent pages, each once, with the total', async () => {
    sim.resetCounters();
    const seen: number[] = [];
    const { devices, total } = await client.listDevices(APP, { onProgress: (n) => seen.push(n) });
    expect(total).toBe(2500);
    expect(devices).toHaveLength(2500);
    expect(new Set(devices.map((d) => d.ids.device_id)).size).toBe(2500);
    expect(sim.counters()['is.list']).toBe(3);
    expect(seen.at(-1)).toBe(2500);
    expect(devices[0]!.ids.dev_eui).toMatch(/^[0-9A-F]{16}$/);
  });

  it('merges a device from the components that serve the asked fields, asking each only for its own', async () => {
    sim.resetCounters();
    const id = sim.listDeviceIds(APP).find((d) => sim.inspect(APP, d)?.js && getAtPath(sim.inspect(APP, d)!.ns, 'supports_join') === true)!;
    const { device, absent } = await client.getDevice(APP, id, ['name', 'root_keys.app_key.key', 'frequency_plan_id', 'formatters']);
    expect(absent).toEqual([]);
    expect(device.name).toBe(sim.inspect(APP, id)!.is.name);
    expect(getAtPath(device, 'root_keys.app_key.key')).toBe(getAtPath(sim.inspect(APP, id)!.js, 'root_keys.app_key.key'));
    expect(device.frequency_plan_id).toBe(sim.inspect(APP, id)!.ns.frequency_plan_id);
    const c = sim.counters();
    expect([c['is.get'], c['js.get'], c['ns.get'], c['as.get']]).toEqual([1, 1, 1, 1]);
    sim.resetCounters();
    await client.getDevice(APP, id, ['name', 'description']);
    expect([sim.counters()['js.get'], sim.counters()['ns.get']]).toEqual([0, 0]);
  });

  it('reports a device whose keys live on an external Join Server as JS-absent', async () => {
    const ext = sim.listDeviceIds(APP).find((d) => !sim.inspect(APP, d)?.js && getAtPath(sim.inspect(APP, d)!.ns, 'supports_join') === true);
    expect(ext).toBeDefined();
    const { absent, device } = await client.getDevice(APP, ext!, ['root_keys.app_key.key', 'lorawan_version']);
    expect(absent).toEqual(['js']);
    expect(device.root_keys).toBeUndefined();
  });

  it('never sends a path no component serves', async () => {
    sim.resetCounters();
    await expect(client.getDevice(APP, 'x', ['no_such_field'])).rejects.toBeInstanceOf(FieldMaskError);
    expect(Object.values(sim.counters()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('gets a fresh DevAddr from the prefix', async () => {
    expect(await client.generateDevAddr()).toMatch(/^260B[0-9A-F]{4}$/);
  });
});

describe('writes', () => {
  it('creates across IS, JS, NS and AS in order and reads the same device back', async () => {
    sim.resetCounters();
    const { created } = await client.createDevice(APP, newDevice('new-one', '00000000000AA001'));
    expect(created).toEqual(['is', 'js', 'ns', 'as']);
    const c = sim.counters();
    expect([c['is.create'], c['js.set'], c['ns.set'], c['as.set']]).toEqual([1, 1, 1, 1]);
    const parts = sim.inspect(APP, 'new-one')!;
    expect(getAtPath(parts.js, 'root_keys.app_key.key')).toBe('0123456789ABCDEF0123456789ABCDEF');
    expect(parts.ns.frequency_plan_id).toBe('EU_863_870_TTN');
    expect(getAtPath(parts.as, 'formatters.up_formatter')).toBe('FORMATTER_JAVASCRIPT');
    expect(parts.is.attributes).toEqual({ room: 'lab' });
  });

  it('updates each component with its own paths only', async () => {
    await client.setDevice(APP, newDevice('new-one', '00000000000AA001'), ['name', 'mac_settings.schedule_downlinks']);
    const d = { ...newDevice('new-one', '00000000000AA001'), name: 'Renamed', mac_settings: { schedule_downlinks: false } };
    const { updated } = await client.setDevice(APP, d, ['name', 'mac_settings.schedule_downlinks']);
    expect(updated).toEqual(['is', 'ns']);
    expect(sim.inspect(APP, 'new-one')!.is.name).toBe('Renamed');
    expect(getAtPath(sim.inspect(APP, 'new-one')!.ns, 'mac_settings.schedule_downlinks')).toBe(false);
  });

  it('removes the parts it created when a later part fails', async () => {
    sim.failNext('as.set', { status: 500, code: 13, times: 10 });
    const err = await client.createDevice(APP, newDevice('half-made', '00000000000AA002')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceCreateError);
    expect((err as DeviceCreateError).failedAt).toBe('as');
    expect((err as DeviceCreateError).rolledBack).toBe(true);
    expect((err as DeviceCreateError).message).toMatch(/removed again/);
    expect(sim.inspect(APP, 'half-made')?.is).toBeUndefined();
    expect(sim.inspect(APP, 'half-made')?.js).toBeUndefined();
    expect(sim.inspect(APP, 'half-made')?.ns).toBeUndefined();
  });

  it('says which parts it could not remove', async () => {
    sim.failNext('ns.set', { status: 400, code: 3 });
    sim.failNext('is.delete', { status: 403, code: 7, times: 1 });
    const err = (await client.createDevice(APP, newDevice('left-over', '00000000000AA003')).catch((e: unknown) => e)) as DeviceCreateError;
    expect(err.failedAt).toBe('ns');
    expect(err.leftover).toEqual(['is']);
    expect(err.message).toMatch(/by hand/);
    expect(sim.inspect(APP, 'left-over')?.is).toBeDefined();
  });

  it('refuses a taken EUI pair with the server\'s explanation, leaving nothing behind', async () => {
    const err = (await client.createDevice(APP, newDevice('copy-cat', '00000000000AA001')).catch((e: unknown) => e)) as DeviceCreateError;
    expect(err.failedAt).toBe('is');
    expect(err.stackError.errorName).toBe('end_device_euis_taken');
    expect(err.message).toMatch(/another device already uses JoinEUI 70B3D57ED0000000 and DevEUI 00000000000AA001/);
    expect(sim.inspect(APP, 'copy-cat')?.is).toBeUndefined();
  });

  it('deletes all parts, the IS last, and tolerates parts that are already gone', async () => {
    const { deleted } = await client.deleteDevice(APP, 'new-one');
    expect(deleted).toEqual(['as', 'js', 'ns', 'is']);
    expect(sim.inspect(APP, 'new-one')).toBeUndefined();
    expect((await client.deleteDevice(APP, 'new-one')).deleted).toEqual([]);
  });
});

describe('rights and keys', () => {
  it('an unknown key is 401 and a missing right is 403, each explained', async () => {
    const bad = new StackClient({ isUrl: sim.url, clusterUrl: sim.url, apiKey: `NNSXS.${'X'.repeat(10)}.${'Y'.repeat(20)}` });
    const e1 = (await bad.authInfo().catch((e: unknown) => e)) as StackError;
    expect(e1.httpStatus).toBe(401);
    expect(e1.message).toMatch(/API key was not accepted/);
    const readOnly = new StackClient({ isUrl: sim.url, clusterUrl: sim.url, apiKey: sim.createApiKey(APP, ['RIGHT_APPLICATION_DEVICES_READ']) });
    const e2 = (await readOnly.createDevice(APP, newDevice('nope', '00000000000AA009')).catch((e: unknown) => e)) as DeviceCreateError;
    expect(e2.stackError.httpStatus).toBe(403);
    expect(e2.message).toMatch(/lacks a right/);
    bad.close();
    readOnly.close();
  });
});

describe('rate limits and faults', () => {
  it('paces to the rate limit: every call succeeds and only the first burst meets 429s', async () => {
    // 10/s with bursts of 10 per method, entity and key (pkg/ratelimit): the 30 reads below hit one device.
    sim.setRateLimit({ profiles: [{ maxPerMin: 600, maxBurst: 10, associations: ['grpc:method'] }] });
    const limited = new StackClient({ isUrl: sim.url, clusterUrl: sim.url, apiKey: sim.createApiKey(APP, ['RIGHT_APPLICATION_ALL']) });
    let tooMany = 0;
    limited.transport.observe({ onResponse: (r) => void (r.status === 429 && tooMany++) });
    const started = Date.now();
    const ids = Array.from({ length: 30 }, () => sim.listDeviceIds(APP)[0] as string);
    await Promise.all(ids.map((id) => limited.getDevicePart('is', APP, id, ['name'])));
    expect(Date.now() - started).toBeGreaterThan(1500); // 30 calls at 10/s after the first 10
    // The first burst, sent before any answer told the limit, meets 429s; the retries are paced.
    expect(tooMany).toBeLessThanOrEqual(20);
    sim.setRateLimit(undefined);
    limited.close();
  });

  it('retries reads through 5xx answers and dropped connections', async () => {
    sim.setFaults({ errorRate: 0.15, dropRate: 0.05 });
    const patient = new StackClient(client.target, { backoff: { baseMs: 5, maxMs: 50, maxRetries: 8 } });
    const ids = sim.listDeviceIds(APP).slice(0, 40);
    const retries: string[] = [];
    patient.transport.observe({ onRetry: (r) => retries.push(r.reason) });
    const results = await Promise.all(ids.map((id) => patient.getDevicePart('is', APP, id, ['name'])));
    patient.close();
    expect(retries.length).toBeGreaterThan(0);
    expect(results.every((r) => r?.ids.device_id)).toBe(true);
    sim.setFaults({});
  });
});

describe('event stream', () => {
  it('delivers a join as it happens', async () => {
    const id = sim.listDeviceIds(APP).find((d) => sim.inspect(APP, d)?.js && getAtPath(sim.inspect(APP, d)!.ns, 'supports_join') === true)!;
    const ac = new AbortController();
    const names: string[] = [];
    const done = (async () => {
      for await (const item of client.events({ applicationId: APP, deviceIds: [id] }, { signal: ac.signal })) {
        if (item.type === 'status' && item.connected) sim.simulateJoin(APP, id);
        if (item.type === 'event') names.push(item.event.name);
        if (names.includes('as.up.join.forward')) ac.abort();
      }
    })();
    await done;
    expect(names).toEqual(expect.arrayContaining(['js.join.accept', 'ns.up.join.process', 'as.up.join.forward']));
  });
});

describe('a request-rate cap of our own', () => {
  it('holds the client below the cap even where the server has no limit', async () => {
    const capped = new StackClient(client.target, { maxRequestsPerSecond: 20 });
    const ids = sim.listDeviceIds(APP).slice(0, 40);
    const started = Date.now();
    await Promise.all(ids.map((id) => capped.getDevicePart('is', APP, id, ['name'])));
    const seconds = (Date.now() - started) / 1000;
    // 20 at once (the bucket is full), then 20 more at 20/s.
    expect(seconds).toBeGreaterThan(0.9);
    capped.close();
  });
});
