// The air: devices over a source and a target deployment, re-joining on a
// trigger downlink, on a power cycle, or never; Packet Broker forwarding of
// join-requests; the timer wheel under 10,000 devices.
import { afterEach, describe, expect, it } from 'vitest';
import { type Air, type AirDeviceSpec, type Simulator, airSpecsFromSimulator, startAir, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, APP_KEY, callAt, createOtaa, openStream } from './helpers.js';

const JOIN_EUI = '70B3D57ED0000000';
const TRIGGER = { fPort: 85, payloadHex: 'ff10ff' };
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

interface World {
  source: Simulator;
  target: Simulator;
  sk: string;
  tk: string;
  air: Air;
}

async function world(): Promise<World> {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16' });
  const target = await startSimulator({ devAddrPrefix: '27000000/16' });
  cleanup.push(() => source.close(), () => target.close());
  source.addApplication('src');
  target.addApplication('dst');
  const air = startAir({ networks: [source, target] });
  cleanup.push(() => air.stop());
  return { source, target, sk: source.createApiKey('src', ALL), tk: target.createApiKey('dst', ALL), air };
}

/**
 * A device joined on the source as `dev-<n>`; optionally registered on the target
 * (under another device id, same AppKey) and rotated on the source JS.
 */
async function device(w: World, n: number, opts: { onTarget: boolean; rotate: boolean }): Promise<{ id: string; devEui: string; state: { key?: string; lastDevNonce: number; lastJoinNonce: number } }> {
  const id = `dev-${n}`;
  const devEui = `70B3D57ED00030${String(n).padStart(2, '0')}`;
  await createOtaa(w.source, w.sk, 'src', id, devEui);
  expect(w.source.simulateJoin('src', id, { key: APP_KEY }).accepted).toBe(true);
  const state = w.source.deviceState('src', id)!;
  if (opts.onTarget) await createOtaa(w.target, w.tk, 'dst', `moved-${n}`, devEui);
  if (opts.rotate) {
    const res = await callAt(w.source.url, w.sk, 'PUT', `/js/applications/src/devices/${id}`, {
      end_device: { ids: { device_id: id, dev_eui: devEui, join_eui: JOIN_EUI }, root_keys: { app_key: { key: 'A5'.repeat(16) } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(res.status).toBe(200);
  }
  return { id, devEui, state };
}

const spec = (devEui: string, state: { key?: string; lastDevNonce: number; lastJoinNonce: number }, more: Partial<AirDeviceSpec>): AirDeviceSpec => ({
  devEui,
  joinEui: JOIN_EUI,
  key: state.key ?? APP_KEY,
  lastDevNonce: state.lastDevNonce,
  lastJoinNonce: state.lastJoinNonce,
  reacts: 'power-cycle',
  uplinkEveryMs: 100,
  ...more,
});

const pushTrigger = (w: World, id: string) =>
  callAt(w.source.clusterUrl, w.sk, 'POST', `/as/applications/src/devices/${id}/down/push`, {
    downlinks: [{ f_port: TRIGGER.fPort, frm_payload: b64(TRIGGER.payloadHex), priority: 'NORMAL', correlation_ids: ['migrator:trigger'] }],
  });

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

const deviceStream = (sim: Simulator, key: string, app: string, dev: string) =>
  openStream(sim.url, key, { identifiers: [{ device_ids: { device_id: dev, application_ids: { application_id: app } } }] });

describe('a device that reacts to its trigger', () => {
  it('re-joins the target after the trigger (and its delay), never the rotated source', async () => {
    const w = await world();
    const d = await device(w, 1, { onTarget: true, rotate: true });
    const sourceAddr = w.source.inspect('src', d.id)?.ns.session.dev_addr;
    const src = await deviceStream(w.source, w.sk, 'src', d.id);
    const dst = await deviceStream(w.target, w.tk, 'dst', 'moved-1');
    cleanup.push(() => src.close(), () => dst.close());
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'trigger', trigger: TRIGGER, rejoinDelayMs: 300 }));
    expect(w.air.deviceView(d.devEui)).toEqual({ network: 0, joinAttempts: 0 });
    await src.next('as.up.data.forward');
    expect((await pushTrigger(w, d.id)).status).toBe(200);

    await until(() => w.air.deviceView(d.devEui)?.network === 1);
    const view = w.air.deviceView(d.devEui)!;
    expect(view.triggerReceivedAt).toBeDefined();
    expect(view.joinedAt! - view.triggerReceivedAt!).toBeGreaterThanOrEqual(300);
    expect(view.joinAttempts).toBe(1);

    // The source sent the trigger, then refused the join-request (rotated key); the target accepted it.
    const sent = await src.next('as.down.data.sent.forward');
    expect(sent.correlation_ids).toContain('migrator:trigger');
    expect((await src.next('ns.up.join.cluster.fail')).data).toMatchObject({ name: 'mic_mismatch' });
    await dst.next('js.join.accept');
    await dst.next('ns.up.join.process');
    const forward = await dst.next('as.up.join.forward');
    expect(forward.identifiers[0].device_ids.dev_eui).toBe(d.devEui);
    // Later uplinks go to the target's new session.
    await dst.next('as.up.data.forward', 2000);
    const target = w.target.inspect('dst', 'moved-1');
    expect(target?.ns.session.dev_addr).toMatch(/^27/);
    expect(target?.ns.session.last_f_cnt_up).toBeGreaterThan(0);
    // The device's next DevNonce reached the target JS (LoRaWAN 1.0.3 keeps used DevNonces).
    expect(target?.js.used_dev_nonces).toEqual([(d.state.lastDevNonce + 1) & 0xffff]);

    // A power cycle offers the join-request to the current network (the target) first.
    await w.air.powerCycle(d.devEui);
    expect(w.air.deviceView(d.devEui)).toMatchObject({ network: 1, joinAttempts: 2 });
    expect(src.names()).not.toContain('js.join.accept');
    expect(w.source.inspect('src', d.id)?.ns.session.dev_addr).toBe(sourceAddr);
  });

  it('keeps its source session and retries at its next uplinks when no network accepts it', async () => {
    const w = await world();
    const d = await device(w, 2, { onTarget: false, rotate: true });
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'trigger', trigger: TRIGGER }));
    await pushTrigger(w, d.id);
    await until(() => (w.air.deviceView(d.devEui)?.joinAttempts ?? 0) >= 3);
    expect(w.air.deviceView(d.devEui)?.network).toBe(0);
    const before = w.source.inspect('src', d.id)?.ns.session.last_f_cnt_up;
    await sleep(300);
    // Still heard on the source, on its old session.
    expect(w.source.inspect('src', d.id)?.ns.session.last_f_cnt_up).toBeGreaterThan(before);
    expect(w.target.listDeviceIds('dst')).toEqual([]);
  });

  it('never gets a trigger the source does not send (schedule_downlinks false)', async () => {
    const w = await world();
    const d = await device(w, 3, { onTarget: true, rotate: true });
    const quiet = await callAt(w.source.clusterUrl, w.sk, 'PUT', `/ns/applications/src/devices/${d.id}`, {
      end_device: { mac_settings: { schedule_downlinks: false } },
      field_mask: { paths: ['mac_settings.schedule_downlinks'] },
    });
    expect(quiet.status).toBe(200);
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'trigger', trigger: TRIGGER }));
    await pushTrigger(w, d.id);
    await sleep(500);
    expect(w.air.deviceView(d.devEui)).toEqual({ network: 0, joinAttempts: 0 });
    expect(w.source.inspect('src', d.id)?.ns.session.queued_application_downlinks).toHaveLength(1);
  });
});

describe('devices that need a power cycle, and one that never comes back', () => {
  it('a power-cycle device ignores the trigger and joins the target when power cycled', async () => {
    const w = await world();
    const d = await device(w, 4, { onTarget: true, rotate: true });
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'power-cycle' }));
    await pushTrigger(w, d.id);
    // The trigger reaches it (the queue empties), and nothing happens.
    await until(() => w.source.inspect('src', d.id)?.ns.session.queued_application_downlinks === undefined);
    await sleep(200);
    expect(w.air.deviceView(d.devEui)).toEqual({ network: 0, joinAttempts: 0 });
    await w.air.powerCycle(d.devEui);
    const view = w.air.deviceView(d.devEui);
    expect(view).toMatchObject({ network: 1, joinAttempts: 1 });
    expect(view?.joinedAt).toBeDefined();
    expect(w.target.inspect('dst', 'moved-4')?.ns.session).toBeDefined();
  });

  it("a 'never' device sends nothing, ignores triggers and power cycles, and never joins", async () => {
    const w = await world();
    const d = await device(w, 5, { onTarget: true, rotate: true });
    const fCnt = w.source.inspect('src', d.id)?.ns.session.last_f_cnt_up;
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'never', uplinkEveryMs: 50 }));
    await pushTrigger(w, d.id);
    await w.air.powerCycle(d.devEui);
    await sleep(400);
    expect(w.air.deviceView(d.devEui)).toEqual({ network: 0, joinAttempts: 0 });
    expect(w.source.inspect('src', d.id)?.ns.session.last_f_cnt_up).toBe(fCnt);
    expect(w.source.inspect('src', d.id)?.ns.session.queued_application_downlinks).toHaveLength(1);
    expect(w.target.inspect('dst', 'moved-5')?.ns.session).toBeUndefined();
  });

  it('follows a device that joined through simulateJoin (the demo joining as the device)', async () => {
    const w = await world();
    const d = await device(w, 6, { onTarget: true, rotate: true });
    w.air.addDevice(spec(d.devEui, d.state, { reacts: 'power-cycle' }));
    const devNonce = d.state.lastDevNonce + 1;
    expect(w.target.simulateJoin('dst', 'moved-6', { key: APP_KEY, devNonce }).accepted).toBe(true);
    expect(w.air.deviceView(d.devEui)).toMatchObject({ network: 1, joinAttempts: 0 });
    await until(() => (w.target.inspect('dst', 'moved-6')?.ns.session.last_f_cnt_up ?? 0) > 0);
    // Its nonce memory moved on: the next join-request uses the following DevNonce.
    await w.air.powerCycle(d.devEui);
    expect(w.air.deviceView(d.devEui)).toMatchObject({ network: 1, joinAttempts: 1 });
    expect(w.target.inspect('dst', 'moved-6')?.js.used_dev_nonces).toEqual([devNonce, devNonce + 1]);
    // A stopped air no longer follows joins.
    w.air.stop();
    expect(w.source.simulateJoin('src', d.id, { key: 'A5'.repeat(16) }).accepted).toBe(true);
    expect(w.air.deviceView(d.devEui)?.network).toBe(1);
  });

  it('reports nothing for unknown devices and refuses bad specs', async () => {
    const w = await world();
    expect(w.air.deviceView('0000000000000001')).toBeUndefined();
    expect(() => w.air.addDevice(spec('nothex', { lastDevNonce: 0, lastJoinNonce: 0 }, {}))).toThrow(/hex/);
    expect(() => w.air.addDevice(spec('70B3D57ED0003099', { lastDevNonce: 0, lastJoinNonce: 0 }, { reacts: 'trigger' }))).toThrow(/trigger/);
  });
});

describe('airSpecsFromSimulator', () => {
  it('takes every OTAA device the source JS holds, with its key, nonces and model', async () => {
    const source = await startSimulator();
    cleanup.push(() => source.close());
    source.addApplication('src');
    const ids = source.seedDevices('src', 60, { seed: 3, modelShare: 1 });
    const seen: { deviceId: string; brandId?: string; modelId?: string }[] = [];
    const specs = airSpecsFromSimulator(source, 'src', (dev) => {
      seen.push(dev);
      return dev.modelId === 'em320-th' ? { reacts: 'trigger', trigger: TRIGGER, uplinkEveryMs: 1000 } : { reacts: 'power-cycle', uplinkEveryMs: 1000 };
    });
    const otaa = ids.filter((id) => {
      const p = source.inspect('src', id);
      return p?.js !== undefined && p.ns?.supports_join === true;
    });
    expect(specs).toHaveLength(otaa.length);
    expect(otaa.length).toBeLessThan(ids.length);
    for (const [i, id] of otaa.entries()) {
      const state = source.deviceState('src', id)!;
      const parts = source.inspect('src', id)!;
      expect(seen[i]).toEqual({ deviceId: id, brandId: parts.is.version_ids.brand_id, modelId: parts.is.version_ids.model_id });
      expect(specs[i]).toMatchObject({ devEui: parts.is.ids.dev_eui, joinEui: parts.is.ids.join_eui, key: state.key, lastDevNonce: state.lastDevNonce, lastJoinNonce: state.lastJoinNonce });
    }
    expect(specs.some((s) => s.reacts === 'trigger')).toBe(true);
  });
});

describe('the timer wheel', () => {
  it('runs 10,000 devices uplinking every second without hogging the CPU', async () => {
    const source = await startSimulator();
    cleanup.push(() => source.close());
    source.addApplication('src');
    const ids = source.seedDevices('src', 10_000, { mix: 'otaa' });
    const specs = airSpecsFromSimulator(source, 'src', () => ({ reacts: 'power-cycle', uplinkEveryMs: 1000 }));
    const air = startAir({ networks: [source] });
    cleanup.push(() => air.stop());
    for (const s of specs) air.addDevice(s);
    const sample = ids.filter((_, i) => i % 100 === 0);
    const fCnt = (id: string) => source.inspect('src', id)?.ns.session.last_f_cnt_up as number;
    const before = new Map(sample.map((id) => [id, fCnt(id)]));
    await sleep(1200);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await sleep(2000);
    const cpu = process.cpuUsage(cpu0);
    const wall = Date.now() - t0;
    air.stop();
    // Every sampled device uplinked about once a second.
    for (const id of sample) expect(fCnt(id) - (before.get(id) as number)).toBeGreaterThanOrEqual(2);
    // About 10,000 uplinks a second cost well under one core.
    expect((cpu.user + cpu.system) / 1000 / wall).toBeLessThan(0.75);
  }, 30_000);
});
