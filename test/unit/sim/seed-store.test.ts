import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

describe('seedDevices', () => {
  it('is deterministic for a seed', async () => {
    const other = await startSimulator();
    try {
      for (const s of [sim, other]) s.addApplication('det');
      const a = sim.seedDevices('det', 60, { seed: 42 });
      const b = other.seedDevices('det', 60, { seed: 42 });
      expect(a).toEqual(b);
      const strip = (p: any) => JSON.parse(JSON.stringify(p).replaceAll(sim.clusterHost, 'H').replaceAll(other.clusterHost, 'H'));
      for (const id of a) expect(strip(sim.inspect('det', id))).toEqual(strip(other.inspect('det', id)));
    } finally {
      await other.close();
    }
  });

  it('makes a realistic mix', () => {
    sim.addApplication('mix');
    const ids = sim.seedDevices('mix', 1000, { seed: 5, idPrefix: 'probe' });
    expect(ids[0]).toBe('probe-00001');
    const parts = ids.map((id) => sim.inspect('mix', id)!);
    const abp = parts.filter((p) => p.ns.supports_join !== true);
    const external = parts.filter((p) => p.is.join_server_address === 'js.example-external.com');
    const v11 = parts.filter((p) => p.ns.lorawan_version === 'MAC_V1_1');
    expect(abp.length).toBeGreaterThan(50);
    expect(external).toHaveLength(20);
    for (const p of external) expect(p.js).toBeUndefined();
    for (const p of v11) {
      expect(p.js.root_keys.nwk_key.key).toMatch(/^[0-9A-F]{32}$/);
      expect(p.ns.lorawan_phy_version).toBe('PHY_V1_1_REV_B');
    }
    for (const p of abp) {
      expect(p.js).toBeUndefined();
      expect(p.ns.session.dev_addr.startsWith('260B')).toBe(true);
      expect(p.as.session.keys.app_s_key.key).toMatch(/^[0-9A-F]{32}$/);
      expect(p.ns.lorawan_version).toBe('MAC_V1_0_3');
    }
    const plans = new Set(parts.map((p) => p.ns.frequency_plan_id));
    expect(plans).toEqual(new Set(['EU_863_870_TTN', 'US_902_928_FSB_2', 'AU_915_928_FSB_2']));
    expect(parts.some((p) => p.is.version_ids)).toBe(true);
    expect(parts.some((p) => p.ns.mac_settings)).toBe(true);
    expect(parts.some((p) => p.is.last_seen_at)).toBe(true);
    expect(parts.some((p) => p.is.attributes)).toBe(true);
    const devEuis = parts.map((p) => p.is.ids.dev_eui);
    expect(new Set(devEuis).size).toBe(1000);
    const abpOnly = sim.seedDevices('mix', 20, { mix: 'abp', idPrefix: 'meter' });
    expect(abpOnly.every((id) => sim.inspect('mix', id)!.ns.supports_join !== true)).toBe(true);
    const otaaOnly = sim.seedDevices('mix', 20, { mix: 'otaa', idPrefix: 'node' });
    expect(otaaOnly.every((id) => sim.inspect('mix', id)!.js !== undefined)).toBe(true);
    // DevEUIs stay unique across calls and applications.
    sim.addApplication('mix2');
    const more = sim.seedDevices('mix2', 10);
    expect(more.map((id) => sim.inspect('mix2', id)!.is.ids.dev_eui).some((e) => devEuis.includes(e))).toBe(false);
  });

  it('continues numbering instead of colliding', () => {
    sim.addApplication('again');
    const a = sim.seedDevices('again', 3);
    const b = sim.seedDevices('again', 3);
    expect([...a, ...b]).toEqual(['dev-00001', 'dev-00002', 'dev-00003', 'dev-00004', 'dev-00005', 'dev-00006']);
    expect(sim.listDeviceIds('again')).toHaveLength(6);
  });

  // Speed is the benchmark's business (npm run bench); here: 50,000 distinct, listable devices.
  it('seeds 50,000 devices', () => {
    sim.addApplication('big');
    const ids = sim.seedDevices('big', 50_000, { seed: 9 });
    expect(ids).toHaveLength(50_000);
    expect(new Set(ids).size).toBe(50_000);
    expect(sim.listDeviceIds('big')).toHaveLength(50_000);
    expect(sim.inspect('big', ids[49_999]!)?.is?.ids?.device_id).toBe(ids[49_999]);
  });
});
