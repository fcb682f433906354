// Join Server root keys and nonce state over the API, and simulateJoin as the
// device and the real JS (pkg/joinserver/grpc_deviceregistry.go, joinserver.go HandleJoin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, call, errorName } from './helpers.js';

let sim: Simulator;
let key: string;
let eui = 0x700;

const APP = 'A1'.repeat(16);
const NWK = 'B2'.repeat(16);
const OTHER = 'C3'.repeat(16);

beforeAll(async () => {
  sim = await startSimulator({ adminRoutes: true });
  sim.addApplication('app');
  key = sim.createApiKey('app', ALL);
});
afterAll(() => sim.close());

const PHY: Record<string, string> = {
  MAC_V1_0_2: 'PHY_V1_0_2_REV_B',
  MAC_V1_0_3: 'PHY_V1_0_3_REV_A',
  MAC_V1_0_4: 'RP002_V1_0_3',
  MAC_V1_1: 'PHY_V1_1_REV_B',
};

/** An OTAA device created the way the clients do (IS, JS, NS, AS), with the given root keys and JS state. */
async function otaa(id: string, version: string, rootKeys: Record<string, unknown>, state: Record<string, unknown> = {}): Promise<void> {
  const ids = { device_id: id, dev_eui: `70B3D57ED000${(eui++).toString(16).toUpperCase().padStart(4, '0')}`, join_eui: '70B3D57ED0000000' };
  const is = await call(sim, key, 'POST', '/applications/app/devices', { end_device: { ids, join_server_address: sim.clusterHost } });
  expect(is.status, is.text).toBe(200);
  const jsPaths = [
    ...Object.entries(rootKeys).map(([k]) => (k === 'root_key_id' ? 'root_keys.root_key_id' : `root_keys.${k}.key`)),
    ...Object.keys(state),
  ];
  const js = await call(sim, key, 'PUT', `/js/applications/app/devices/${id}`, {
    end_device: { ids, root_keys: rootKeys, ...state },
    field_mask: { paths: jsPaths },
  });
  expect(js.status, js.text).toBe(200);
  const ns = await call(sim, key, 'PUT', `/ns/applications/app/devices/${id}`, {
    end_device: { ids, lorawan_version: version, lorawan_phy_version: PHY[version], frequency_plan_id: 'EU_863_870_TTN', supports_join: true },
    field_mask: { paths: ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join'] },
  });
  expect(ns.status, ns.text).toBe(200);
  const as = await call(sim, key, 'PUT', `/as/applications/app/devices/${id}`, { end_device: { ids }, field_mask: { paths: [] } });
  expect(as.status, as.text).toBe(200);
}

const jsOf = (id: string) => sim.inspect('app', id)!.js;

describe('JS root keys and nonce state over the API', () => {
  it('reads and writes the nonce fields with DEVICES_READ/WRITE; their JSON is numbers, a list and a bool', async () => {
    await otaa('api-1', 'MAC_V1_0_4', { app_key: { key: APP } });
    const writer = sim.createApiKey('app', ['RIGHT_APPLICATION_DEVICES_READ', 'RIGHT_APPLICATION_DEVICES_WRITE']);
    const ids = jsOf('api-1').ids;
    const state = {
      last_dev_nonce: 77,
      last_join_nonce: '41',
      used_dev_nonces: [3, 9],
      resets_join_nonces: true,
      last_rj_count_0: 2,
      last_rj_count_1: 1,
      net_id: '000013',
    };
    const set = await call(sim, writer, 'PUT', '/js/applications/app/devices/api-1', { end_device: { ids, ...state }, field_mask: { paths: Object.keys(state) } });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ ...state, last_join_nonce: 41 });
    const get = await call(sim, writer, 'GET', `/js/applications/app/devices/api-1?field_mask=${Object.keys(state).join(',')},root_keys.root_key_id`);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ last_dev_nonce: 77, last_join_nonce: 41, used_dev_nonces: [3, 9], resets_join_nonces: true, net_id: '000013' });
    // Zero values clear (and are omitted), like any proto3 scalar.
    const clear = await call(sim, writer, 'PUT', '/js/applications/app/devices/api-1', {
      end_device: { ids, resets_join_nonces: false, used_dev_nonces: [] },
      field_mask: { paths: ['resets_join_nonces', 'used_dev_nonces'] },
    });
    expect(clear.status).toBe(200);
    expect(jsOf('api-1')).not.toHaveProperty('resets_join_nonces');
    expect(jsOf('api-1')).not.toHaveProperty('used_dev_nonces');
    // root_key_id is a key field for writing (WRITE_KEYS), not for reading.
    const id = await call(sim, writer, 'PUT', '/js/applications/app/devices/api-1', {
      end_device: { ids, root_keys: { root_key_id: 'x' } },
      field_mask: { paths: ['root_keys.root_key_id'] },
    });
    expect(id.status).toBe(403);
    expect(id.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_DEVICES_WRITE_KEYS']);
  });

  it('refuses malformed nonce values like the real unmarshaler', async () => {
    const ids = jsOf('api-1').ids;
    for (const [field, value] of [['last_dev_nonce', -1], ['last_join_nonce', 2 ** 32], ['used_dev_nonces', 5], ['resets_join_nonces', 'true'], ['net_id', '13']] as const) {
      const res = await call(sim, key, 'PUT', '/js/applications/app/devices/api-1', { end_device: { ids, [field]: value }, field_mask: { paths: [field] } });
      expect(res.status, field).toBe(400);
    }
  });

  it('writes root_key_id and the NwkKey; a zero NwkKey removes it', async () => {
    await otaa('api-2', 'MAC_V1_0_3', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: 'factory' });
    const get = await call(sim, key, 'GET', '/js/applications/app/devices/api-2?field_mask=root_keys');
    expect(get.body.root_keys).toEqual({ root_key_id: 'factory', app_key: { key: APP }, nwk_key: { key: NWK } });
    const zero = await call(sim, key, 'PUT', '/js/applications/app/devices/api-2', {
      end_device: { ids: jsOf('api-2').ids, root_keys: { nwk_key: { key: '0'.repeat(32) } } },
      field_mask: { paths: ['root_keys.nwk_key.key'] },
    });
    expect(zero.status).toBe(200);
    expect(jsOf('api-2').root_keys).toEqual({ root_key_id: 'factory', app_key: { key: APP } });
  });
});

describe('simulateJoin: the key the JS checks', () => {
  const cases: Array<[string, string, Record<string, unknown>, string, string]> = [
    ['1.0.2 AppKey only', 'MAC_V1_0_2', { app_key: { key: APP } }, APP, NWK],
    ['1.0.3 both keys, CLI-generated', 'MAC_V1_0_3', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: 'ttn-lw-cli-generated' }, APP, NWK],
    ['1.0.3 both keys, other id', 'MAC_V1_0_3', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: 'factory' }, NWK, APP],
    ['1.0.2 both keys, no id', 'MAC_V1_0_2', { app_key: { key: APP }, nwk_key: { key: NWK } }, NWK, APP],
    ['1.0.3 NwkKey only', 'MAC_V1_0_3', { nwk_key: { key: NWK } }, NWK, OTHER],
    ['1.1 both keys', 'MAC_V1_1', { app_key: { key: APP }, nwk_key: { key: NWK } }, NWK, APP],
  ];
  let n = 0;
  for (const [name, version, rootKeys, right, wrong] of cases) {
    it(`${name}: signs with the ${right === APP ? 'AppKey' : 'NwkKey'}`, async () => {
      const id = `key-${++n}`;
      await otaa(id, version, rootKeys);
      const refused = sim.simulateJoin('app', id, { key: wrong });
      expect(refused).toMatchObject({ accepted: false, reason: 'mic_mismatch' });
      expect(refused.joinNonce).toBeUndefined();
      // The legacy appKey option means the same as key.
      const joined = sim.simulateJoin('app', id, { appKey: right.toLowerCase() });
      expect(joined).toMatchObject({ accepted: true, joinNonce: 1 });
      expect(joined.devAddr).toMatch(/^260B/);
    });
  }

  it('1.1 without AppKey or NwkKey is refused by the JS (no_app_key, no_nwk_key)', async () => {
    await otaa('key-11a', 'MAC_V1_1', { nwk_key: { key: NWK } });
    expect(sim.simulateJoin('app', 'key-11a', { key: NWK }).reason).toBe('no_app_key');
    await otaa('key-11b', 'MAC_V1_1', { app_key: { key: APP } });
    expect(sim.simulateJoin('app', 'key-11b', { key: APP }).reason).toBe('no_nwk_key');
    await otaa('key-cli', 'MAC_V1_0_3', { nwk_key: { key: NWK }, root_key_id: 'ttn-lw-cli-generated' });
    expect(sim.simulateJoin('app', 'key-cli', { key: NWK }).reason).toBe('no_nwk_key');
  });
});

describe('simulateJoin: nonces', () => {
  it('1.0.4 and 1.1: DevNonce must grow (dev_nonce_too_small) unless resets_join_nonces; the JS keeps the last one', async () => {
    for (const version of ['MAC_V1_0_4', 'MAC_V1_1']) {
      const id = `n104-${version === 'MAC_V1_1' ? '11' : '104'}`;
      const keys = version === 'MAC_V1_1' ? { app_key: { key: APP }, nwk_key: { key: NWK } } : { app_key: { key: APP } };
      await otaa(id, version, keys, { last_dev_nonce: 100, last_join_nonce: 7 });
      expect(sim.simulateJoin('app', id, { devNonce: 100 })).toMatchObject({ accepted: false, reason: 'dev_nonce_too_small', devNonce: 100 });
      expect(jsOf(id)).toMatchObject({ last_dev_nonce: 100, last_join_nonce: 7 });
      expect(sim.simulateJoin('app', id, { devNonce: 101 })).toMatchObject({ accepted: true, devNonce: 101, joinNonce: 8 });
      expect(jsOf(id)).toMatchObject({ last_dev_nonce: 101, last_join_nonce: 8 });
      // Without a DevNonce the device counts on from the JS's last one.
      expect(sim.simulateJoin('app', id)).toMatchObject({ accepted: true, devNonce: 102, joinNonce: 9 });
      await call(sim, key, 'PUT', `/js/applications/app/devices/${id}`, { end_device: { ids: jsOf(id).ids, resets_join_nonces: true }, field_mask: { paths: ['resets_join_nonces'] } });
      expect(sim.simulateJoin('app', id, { devNonce: 1 })).toMatchObject({ accepted: true, devNonce: 1, joinNonce: 10 });
      expect(jsOf(id).last_dev_nonce).toBe(1);
    }
  });

  it('1.0.2 and 1.0.3: a used DevNonce is refused (reuse_dev_nonce) unless resets_join_nonces; order does not matter', async () => {
    for (const version of ['MAC_V1_0_2', 'MAC_V1_0_3']) {
      const id = `n10x-${version.slice(-1)}`;
      await otaa(id, version, { app_key: { key: APP } }, { used_dev_nonces: [500, 20], last_join_nonce: 3 });
      expect(sim.simulateJoin('app', id, { devNonce: 20 })).toMatchObject({ accepted: false, reason: 'reuse_dev_nonce' });
      expect(sim.simulateJoin('app', id, { devNonce: 5 })).toMatchObject({ accepted: true, joinNonce: 4 });
      expect(jsOf(id).used_dev_nonces).toEqual([500, 20, 5]);
      expect(jsOf(id)).not.toHaveProperty('last_dev_nonce');
      expect(sim.simulateJoin('app', id)).toMatchObject({ accepted: true, devNonce: 501 });
      await call(sim, key, 'PUT', `/js/applications/app/devices/${id}`, { end_device: { ids: jsOf(id).ids, resets_join_nonces: true }, field_mask: { paths: ['resets_join_nonces'] } });
      expect(sim.simulateJoin('app', id, { devNonce: 20 }).accepted).toBe(true);
    }
  });

  it('a refused join changes nothing; an accepted one stores nonces and the DevAddr on the JS', async () => {
    await otaa('state-1', 'MAC_V1_0_4', { app_key: { key: APP } }, { last_dev_nonce: 10, last_join_nonce: 2 });
    const before = jsOf('state-1');
    sim.simulateJoin('app', 'state-1', { key: OTHER, devNonce: 11 });
    expect(jsOf('state-1')).toEqual(before);
    const joined = sim.simulateJoin('app', 'state-1', { key: APP, devNonce: 11 });
    const get = await call(sim, key, 'GET', '/js/applications/app/devices/state-1?field_mask=last_dev_nonce,last_join_nonce');
    expect(get.body).toMatchObject({ last_dev_nonce: 11, last_join_nonce: 3, ids: { dev_addr: joined.devAddr } });
  });
});

describe('simulateJoin: the device drops a Join-Accept with an old JoinNonce (1.0.4, 1.1)', () => {
  it('keeps its old session; the JS, NS and AS events and nonces still happen', async () => {
    await otaa('drop-1', 'MAC_V1_0_4', { app_key: { key: APP } }, { last_dev_nonce: 50, last_join_nonce: 3 });
    const first = sim.simulateJoin('app', 'drop-1', { key: APP, deviceLastJoinNonce: 3 });
    expect(first).toMatchObject({ accepted: true, joinNonce: 4 });
    // A new JS record (e.g. a target) starts again at JoinNonce 0: the device, which accepted 4, drops 1.
    await call(sim, key, 'PUT', '/js/applications/app/devices/drop-1', { end_device: { ids: jsOf('drop-1').ids, last_join_nonce: 0 }, field_mask: { paths: ['last_join_nonce'] } });
    const ns = sim.inspect('app', 'drop-1')!.ns;
    const dropped = sim.simulateJoin('app', 'drop-1', { key: APP, deviceLastJoinNonce: 4 });
    expect(dropped).toEqual({ accepted: false, reason: 'join_nonce_not_increasing', devNonce: 52, joinNonce: 1 });
    const after = sim.inspect('app', 'drop-1')!;
    expect(after.ns.session).toEqual(ns.session);
    expect(after.ns.pending_session.dev_addr).toMatch(/^260B/);
    expect(after.as.pending_session.keys.session_key_id).toBe(after.ns.pending_session.keys.session_key_id);
    expect(after.js).toMatchObject({ last_dev_nonce: 52, last_join_nonce: 1 });
    // Pre-1.0.4 devices do not check the JoinNonce.
    await otaa('drop-2', 'MAC_V1_0_3', { app_key: { key: APP } }, { last_join_nonce: 0 });
    expect(sim.simulateJoin('app', 'drop-2', { key: APP, deviceLastJoinNonce: 90 }).accepted).toBe(true);
  });

  it('with downlinks off the JS still answers: its nonces move on, the session does not', async () => {
    await otaa('quiet-1', 'MAC_V1_1', { app_key: { key: APP }, nwk_key: { key: NWK } }, { last_dev_nonce: 5, last_join_nonce: 5 });
    await call(sim, key, 'PUT', '/ns/applications/app/devices/quiet-1', {
      end_device: { mac_settings: { schedule_downlinks: false } },
      field_mask: { paths: ['mac_settings.schedule_downlinks'] },
    });
    expect(sim.simulateJoin('app', 'quiet-1', { key: NWK })).toEqual({ accepted: false, reason: 'downlinks_disabled', devNonce: 6, joinNonce: 6 });
    expect(jsOf('quiet-1')).toMatchObject({ last_dev_nonce: 6, last_join_nonce: 6 });
    expect(sim.inspect('app', 'quiet-1')!.ns.session).toBeUndefined();
  });

  it('the /sim join route takes key, dev_nonce and device_last_join_nonce', async () => {
    await otaa('admin-1', 'MAC_V1_0_4', { app_key: { key: APP } }, { last_dev_nonce: 9, last_join_nonce: 9 });
    const post = async (body: unknown) => {
      const res = await fetch(`${sim.url}/sim/applications/app/devices/admin-1/join`, { method: 'POST', body: JSON.stringify(body) });
      return res.json() as Promise<Record<string, unknown>>;
    };
    expect(await post({ key: APP, dev_nonce: 9 })).toMatchObject({ accepted: false, reason: 'dev_nonce_too_small' });
    expect(await post({ app_key: OTHER, dev_nonce: 10 })).toMatchObject({ reason: 'mic_mismatch' });
    expect(await post({ key: APP, dev_nonce: 10, device_last_join_nonce: 20 })).toMatchObject({ reason: 'join_nonce_not_increasing', joinNonce: 10 });
    expect(await post({ key: APP, dev_nonce: 11, device_last_join_nonce: 10 })).toMatchObject({ accepted: true, devNonce: 11, joinNonce: 11 });
  });
});

describe('join events', () => {
  it('a JS refusal reaches streams as ns.up.join.cluster.fail and ns.up.join.drop with the JS error', async () => {
    await otaa('evt-j1', 'MAC_V1_0_4', { app_key: { key: APP } }, { last_dev_nonce: 3, last_join_nonce: 1 });
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/api/v3/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
      body: JSON.stringify({ identifiers: [{ device_ids: { device_id: 'evt-j1', application_ids: { application_id: 'app' } } }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    sim.simulateJoin('app', 'evt-j1', { devNonce: 2 });
    const deadline = Date.now() + 2000;
    while (!text.includes('ns.up.join.drop') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text.split('\n\n').filter((p) => p.trim()).map((p) => JSON.parse(p).result);
    const names = events.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['ns.up.join.receive', 'ns.up.join.cluster.attempt', 'ns.up.join.cluster.fail', 'ns.up.join.drop']));
    expect(names).not.toContain('js.join.reject');
    expect(events.find((e) => e.name === 'ns.up.join.drop').data).toMatchObject({ namespace: 'pkg/joinserver', name: 'dev_nonce_too_small', code: 3 });
  });
});

describe('JS create rules that remain', () => {
  it('refuses ids.dev_addr on create, which a JS record has after a join', async () => {
    const ids = { ...jsOf('state-1').ids, device_id: 'copy-1', dev_eui: '70B3D57ED000FFFE' };
    expect(ids.dev_addr).toMatch(/^260B/);
    const res = await call(sim, key, 'PUT', '/js/applications/app/devices/copy-1', { end_device: { ids, root_keys: { app_key: { key: APP } } }, field_mask: { paths: ['root_keys.app_key.key'] } });
    expect(res.status).toBe(400);
    expect(res.body.details[0].attributes.field).toBe('ids.dev_addr');
    expect(errorName(res)).toBe('field_value');
  });
});
