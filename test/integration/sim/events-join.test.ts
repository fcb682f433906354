import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, APP_KEY, call, createOtaa, errorName, openStream } from './helpers.js';

let sim: Simulator;
let key: string;

beforeAll(async () => {
  sim = await startSimulator();
  sim.addApplication('app');
  key = sim.createApiKey('app', ALL);
});
afterAll(() => sim.close());

const deviceIds = (dev: string) => ({ device_ids: { device_id: dev, application_ids: { application_id: 'app' } } });

describe('event stream', () => {
  it('starts with events.stream.start and delivers device lifecycle events', async () => {
    const stream = await openStream(sim.url, key, { identifiers: [{ application_ids: { application_id: 'app' } }] });
    try {
      expect((await stream.next('events.stream.start')).identifiers).toEqual([{ application_ids: { application_id: 'app' } }]);
      await createOtaa(sim, key, 'app', 'evt-1', '70B3D57ED0000401');
      const created = await stream.next('end_device.create');
      expect(created.identifiers[0].device_ids).toMatchObject({ device_id: 'evt-1', dev_eui: '70B3D57ED0000401' });
      expect(created.unique_id).toMatch(/^[0-9A-Z]{26}$/);
      expect(Date.parse(created.time)).not.toBeNaN();
      expect(created.correlation_ids.length).toBeGreaterThan(0);
      await stream.next('js.end_device.create');
      await stream.next('ns.end_device.create');
      await stream.next('as.end_device.create');
    } finally {
      stream.close();
    }
  });

  it('delivers the join events of a device and its first uplink', async () => {
    await createOtaa(sim, key, 'app', 'evt-2', '70B3D57ED0000402');
    const stream = await openStream(sim.url, key, { identifiers: [deviceIds('evt-2')], names: ['js.join.accept', 'as.up.join.forward', 'as.up.data.forward', 'ns.up.data.process'] });
    let join: ReturnType<Simulator['simulateJoin']>;
    try {
      join = sim.simulateJoin('app', 'evt-2', { appKey: APP_KEY.toLowerCase() });
      expect(join.accepted).toBe(true);
      expect(join.devAddr).toMatch(/^260B[0-9A-F]{4}$/);
      const accept = await stream.next('js.join.accept');
      const forward = await stream.next('as.up.join.forward');
      expect(forward.correlation_ids).toEqual(accept.correlation_ids);
      expect(forward.identifiers[0].device_ids.dev_addr).toBe(join.devAddr);
      expect(sim.simulateUplink('app', 'evt-2')).toEqual({ delivered: true });
      await stream.next('ns.up.data.process');
      await stream.next('as.up.data.forward');
      expect(stream.events.some((e) => e.name === 'end_device.update')).toBe(false);
    } finally {
      stream.close();
    }
    const parts = sim.inspect('app', 'evt-2');
    expect(parts?.ns.session.dev_addr).toBe(join.devAddr);
    expect(parts?.ns.ids.dev_addr).toBe(join.devAddr);
    expect(parts?.as.session.keys.app_s_key.key).toMatch(/^[0-9A-F]{32}$/);
    expect(parts?.is.activated_at).toBeDefined();
  });

  it('hides traffic from keys without TRAFFIC_READ and replays history with tail', async () => {
    const devicesOnly = sim.createApiKey('app', ['RIGHT_APPLICATION_DEVICES_READ']);
    const stream = await openStream(sim.url, devicesOnly, { identifiers: [{ application_ids: { application_id: 'app' } }], tail: 3 });
    try {
      await stream.next('events.stream.start');
      // The tail replays the last matching events from before the stream opened.
      expect(stream.events.length).toBeGreaterThan(1);
      await createOtaa(sim, key, 'app', 'evt-3', '70B3D57ED0000403');
      sim.simulateJoin('app', 'evt-3');
      await stream.next('as.end_device.create');
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.events.some((e) => e.name.startsWith('js.join') || e.name.startsWith('as.up'))).toBe(false);
    } finally {
      stream.close();
    }
  });

  it('replays events after a timestamp', async () => {
    const since = new Date(Date.now() - 1).toISOString();
    await call(sim, key, 'PUT', '/applications/app/devices/evt-1', { end_device: { name: 'renamed' }, field_mask: { paths: ['name'] } });
    const stream = await openStream(sim.url, key, { identifiers: [deviceIds('evt-1')], after: since, names: ['end_device.update'] });
    try {
      const update = await stream.next('end_device.update');
      expect(update.data.value).toEqual(['name']);
    } finally {
      stream.close();
    }
  });

  it('delivers newline-delimited JSON without Accept: text/event-stream', async () => {
    const stream = await openStream(sim.url, key, { identifiers: [deviceIds('evt-1')] }, 'application/json');
    try {
      await stream.next('events.stream.start');
    } finally {
      stream.close();
    }
  });

  it('refuses streams without identifiers, with unknown names, or on foreign applications', async () => {
    expect((await call(sim, key, 'POST', '/events', { identifiers: [] })).status).toBe(400);
    const unknown = await call(sim, key, 'POST', '/events', { identifiers: [deviceIds('evt-1')], names: ['ns.up.join.forward'] });
    expect(unknown.status).toBe(400);
    expect(errorName(unknown)).toBe('unknown_event_name');
    const regexp = await call(sim, key, 'POST', '/events', { identifiers: [deviceIds('evt-1')], names: ['/^nothing\\./'] });
    expect(errorName(regexp)).toBe('no_matching_events');
    sim.addApplication('elsewhere');
    const foreign = await call(sim, sim.createApiKey('elsewhere', ALL), 'POST', '/events', { identifiers: [deviceIds('evt-1')] });
    expect(foreign.status).toBe(403);
    expect((await call(sim, undefined, 'POST', '/events', { identifiers: [deviceIds('evt-1')] })).status).toBe(403);
  });
});

describe('simulated joins', () => {
  beforeAll(async () => {
    await createOtaa(sim, key, 'app', 'join-1', '70B3D57ED0000501');
  });

  it('rejects a join with the wrong AppKey', async () => {
    const stream = await openStream(sim.url, key, { identifiers: [deviceIds('join-1')] });
    try {
      const res = sim.simulateJoin('app', 'join-1', { appKey: '00112233445566778899AABBCCDDEEFF' });
      expect(res).toMatchObject({ accepted: false, reason: 'mic_mismatch' });
      // js.join.reject has no identifiers on the real JS; the NS's cluster.fail carries the error.
      const fail = await stream.next('ns.up.join.cluster.fail');
      expect(fail.data).toMatchObject({ namespace: 'pkg/joinserver', name: 'mic_mismatch' });
      expect(stream.events.some((e) => e.name === 'js.join.accept' || e.name === 'js.join.reject')).toBe(false);
    } finally {
      stream.close();
    }
    expect(sim.inspect('app', 'join-1')?.ns.session).toBeUndefined();
  });

  it('gives no join-accept while downlinks are off (the source after quieting)', async () => {
    const off = await call(sim, key, 'PUT', '/ns/applications/app/devices/join-1', {
      end_device: { mac_settings: { schedule_downlinks: false } },
      field_mask: { paths: ['mac_settings.schedule_downlinks.value'] },
    });
    expect(off.status).toBe(200);
    expect(sim.simulateJoin('app', 'join-1', { appKey: APP_KEY })).toMatchObject({ accepted: false, reason: 'downlinks_disabled' });
    expect(sim.inspect('app', 'join-1')?.ns.session).toBeUndefined();
    await call(sim, key, 'PUT', '/ns/applications/app/devices/join-1', {
      end_device: { mac_settings: { schedule_downlinks: true } },
      field_mask: { paths: ['mac_settings.schedule_downlinks'] },
    });
    expect(sim.simulateJoin('app', 'join-1', { appKey: APP_KEY }).accepted).toBe(true);
  });

  it('refuses joins of ABP devices, devices without a JS part and external-JS devices', async () => {
    sim.seedDevices('app', 50, { seed: 11, idPrefix: 'mix' });
    const parts = sim.listDeviceIds('app').filter((id) => id.startsWith('mix-')).map((id) => ({ id, p: sim.inspect('app', id)! }));
    const abp = parts.find(({ p }) => p.ns.supports_join !== true);
    const external = parts.find(({ p }) => p.is.join_server_address === 'js.example-external.com');
    expect(abp && external).toBeTruthy();
    expect(sim.simulateJoin('app', abp!.id).reason).toBe('abp_device');
    expect(sim.simulateJoin('app', external!.id).reason).toBe('external_join_server');
    await call(sim, key, 'DELETE', `/js/applications/app/devices/join-1`);
    expect(sim.simulateJoin('app', 'join-1').reason).toBe('no_join_server_device');
    expect(sim.simulateJoin('app', 'nobody').reason).toBe('device_not_found');
    expect(sim.simulateUplink('app', 'nobody').delivered).toBe(false);
  });
});
