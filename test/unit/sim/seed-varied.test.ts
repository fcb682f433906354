// The `varied` seed: every root-key combination of the JS key table, LoRaWAN
// 1.0.4 and 1.1 with nonce history, ABP unicast and multicast, external JS;
// and seeded devices name their application's server addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeviceParts, type Simulator, startSimulator } from '../../../src-main/sim/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const CLI = 'ttn-lw-cli-generated';

describe('seedDevices mix varied', () => {
  it('is deterministic for a seed', async () => {
    const other = await startSimulator();
    try {
      for (const s of [sim, other]) s.addApplication('det-v');
      const a = sim.seedDevices('det-v', 80, { seed: 3, mix: 'varied' });
      const b = other.seedDevices('det-v', 80, { seed: 3, mix: 'varied' });
      expect(a).toEqual(b);
      const strip = (p: unknown) => JSON.parse(JSON.stringify(p).replaceAll(sim.clusterHost, 'H').replaceAll(other.clusterHost, 'H'));
      for (const id of a) expect(strip(sim.inspect('det-v', id))).toEqual(strip(other.inspect('det-v', id)));
    } finally {
      await other.close();
    }
  });

  it('holds every kind the brief lists', () => {
    sim.addApplication('varied');
    const ids = sim.seedDevices('varied', 1000, { seed: 8, mix: 'varied' });
    const parts = ids.map((id) => sim.inspect('varied', id)!);
    const version = (p: DeviceParts) => p.ns.lorawan_version as string;
    const keys = (p: DeviceParts) => p.js?.root_keys ?? {};
    const local = parts.filter((p) => p.js);
    const v10x = local.filter((p) => ['MAC_V1_0_2', 'MAC_V1_0_3'].includes(version(p)));

    // OTAA 1.0.2/1.0.3 with only an AppKey.
    const appOnly = v10x.filter((p) => keys(p).app_key && !keys(p).nwk_key);
    expect(new Set(appOnly.map(version))).toEqual(new Set(['MAC_V1_0_2', 'MAC_V1_0_3']));
    // 1.0.x with both keys, root_key_id the CLI's or another.
    const both = v10x.filter((p) => keys(p).app_key && keys(p).nwk_key);
    expect(both.filter((p) => keys(p).root_key_id === CLI).length).toBeGreaterThan(20);
    expect(both.filter((p) => keys(p).root_key_id && keys(p).root_key_id !== CLI).length).toBeGreaterThan(20);
    // 1.0.3 with only a NwkKey (never the CLI's id: the JS would find no key).
    const nwkOnly = v10x.filter((p) => !keys(p).app_key && keys(p).nwk_key);
    expect(nwkOnly.length).toBeGreaterThan(20);
    for (const p of nwkOnly) {
      expect(version(p)).toBe('MAC_V1_0_3');
      expect(keys(p).root_key_id).not.toBe(CLI);
    }
    // 1.0.4 and 1.1 with nonce history, some resetting.
    for (const v of ['MAC_V1_0_4', 'MAC_V1_1']) {
      const group = local.filter((p) => version(p) === v);
      expect(group.length, v).toBeGreaterThan(50);
      for (const p of group) {
        expect(p.js.last_dev_nonce).toBeGreaterThan(0);
        expect(p.js.last_join_nonce).toBeGreaterThan(0);
        expect(p.js.used_dev_nonces).toBeUndefined();
      }
      expect(group.some((p) => p.js.resets_join_nonces === true)).toBe(true);
      expect(group.some((p) => p.js.resets_join_nonces !== true)).toBe(true);
    }
    for (const p of local.filter((p) => version(p) === 'MAC_V1_1')) expect(keys(p).app_key && keys(p).nwk_key).toBeTruthy();
    // 1.0.2/1.0.3 with a few used DevNonces (distinct, at most the JS's 10) and no last_dev_nonce.
    for (const p of v10x) {
      expect(p.js.last_join_nonce).toBeGreaterThan(0);
      expect(p.js.last_dev_nonce).toBeUndefined();
      const used = p.js.used_dev_nonces as number[];
      expect(used.length).toBeGreaterThan(1);
      expect(used.length).toBeLessThanOrEqual(10);
      expect(new Set(used).size).toBe(used.length);
    }
    // ABP 1.0.3 unicast.
    const abp = parts.filter((p) => p.ns.supports_join !== true && p.ns.multicast !== true);
    expect(abp.length).toBeGreaterThan(100);
    for (const p of abp) {
      expect(version(p)).toBe('MAC_V1_0_3');
      expect(p.js).toBeUndefined();
      expect(p.ns.session.keys.session_key_id).toBeUndefined();
    }
    // ABP multicast, class B or C, no schedule_downlinks, no uplink counter.
    const multicast = parts.filter((p) => p.ns.multicast === true);
    expect(multicast.length).toBeGreaterThan(50);
    for (const p of multicast) {
      expect(p.ns.supports_join).toBeUndefined();
      expect(p.ns.supports_class_b === true || p.ns.supports_class_c === true).toBe(true);
      expect(p.ns.mac_settings?.schedule_downlinks).toBeUndefined();
      expect(p.ns.session.last_f_cnt_up).toBeUndefined();
      expect(p.ns.mac_state.device_class).toBe(p.ns.supports_class_b ? 'CLASS_B' : 'CLASS_C');
      if (p.ns.supports_class_b) expect(p.ns.mac_settings.ping_slot_periodicity).toBeDefined();
    }
    expect(multicast.some((p) => p.ns.supports_class_b)).toBe(true);
    expect(multicast.some((p) => p.ns.supports_class_c)).toBe(true);
    // External Join Server: 1 in 50.
    const external = parts.filter((p) => p.is.join_server_address === 'js.example-external.com');
    expect(external).toHaveLength(20);
    for (const p of external) expect(p.js).toBeUndefined();
  });

  it('every local OTAA device joins with the key the JS uses, its next DevNonce and its last JoinNonce', () => {
    sim.addApplication('varied-join');
    const ids = sim.seedDevices('varied-join', 200, { seed: 2, mix: 'varied' });
    let joined = 0;
    for (const id of ids) {
      const p = sim.inspect('varied-join', id)!;
      if (!p.js) continue;
      const result = sim.simulateJoin('varied-join', id, { deviceLastJoinNonce: p.js.last_join_nonce });
      expect(result, id).toMatchObject({ accepted: true, joinNonce: p.js.last_join_nonce + 1 });
      joined++;
    }
    expect(joined).toBeGreaterThan(80);
  });
});

describe('seeded server addresses', () => {
  it('are the application\'s, in every mix', () => {
    const addresses = { network_server_address: 'nam1.cloud.example.test', application_server_address: 'nam1.cloud.example.test:8884', join_server_address: 'nam1.cloud.example.test:8886' };
    sim.addApplication('addr', { serverAddresses: addresses });
    for (const mix of ['mixed', 'otaa', 'abp', 'varied'] as const) {
      for (const id of sim.seedDevices('addr', 60, { mix, idPrefix: mix })) {
        const p = sim.inspect('addr', id)!;
        expect(p.is.network_server_address).toBe(addresses.network_server_address);
        expect(p.is.application_server_address).toBe(addresses.application_server_address);
        if (p.ns.supports_join === true && p.is.join_server_address !== 'js.example-external.com') {
          expect(p.is.join_server_address).toBe(addresses.join_server_address);
        }
        if (p.js) {
          expect(p.js.network_server_address).toBe(addresses.network_server_address);
          expect(p.js.application_server_address).toBe(addresses.application_server_address);
        }
      }
    }
    // A device of this deployment's JS still joins although its address is not the simulator's host.
    const otaa = sim.listDeviceIds('addr').find((id) => sim.inspect('addr', id)!.js);
    expect(sim.simulateJoin('addr', otaa!).accepted).toBe(true);
  });
});
