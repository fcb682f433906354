// Network Server Set rules (pkg/networkserver/grpc_deviceregistry.go): multicast,
// ABP/OTAA implications, the MAC state a session gets; and the upsert and
// create-time rules of the JS/NS/AS registries (redis/registry.go).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, APP_KEY, call, errorName } from './helpers.js';

let sim: Simulator;
let key: string;
let eui = 0x900;

beforeAll(async () => {
  sim = await startSimulator();
  sim.addApplication('app');
  key = sim.createApiKey('app', ALL);
});
afterAll(() => sim.close());

const nextIds = (id: string) => ({ device_id: id, dev_eui: `70B3D57ED000${(eui++).toString(16).toUpperCase().padStart(4, '0')}`, join_eui: '0000000000000000' });
const BASE = { lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN' };
const SESSION = { dev_addr: '260B0A01', keys: { f_nwk_s_int_key: { key: 'AA'.repeat(16) } } };
const SESSION_PATHS = ['session.dev_addr', 'session.keys.f_nwk_s_int_key.key'];

function nsPut(id: string, device: Record<string, unknown>, paths: string[]) {
  return call(sim, key, 'PUT', `/ns/applications/app/devices/${id}`, { end_device: device, field_mask: { paths } });
}
const field = (res: { body: { details?: Array<{ attributes?: { field?: string } }> } | undefined }) => res.body?.details?.[0]?.attributes?.field;

/** A multicast class C group on the NS. */
async function multicastGroup(id: string, extra: Record<string, unknown> = {}, extraPaths: string[] = []) {
  const ids = nextIds(id);
  const res = await nsPut(id, { ids, ...BASE, multicast: true, supports_class_c: true, session: SESSION, ...extra }, [
    ...Object.keys(BASE),
    'multicast',
    'supports_class_c',
    ...SESSION_PATHS,
    ...extraPaths,
  ]);
  return { ids, res };
}

describe('multicast devices', () => {
  it('are created with a session and class B or C; the MAC state takes the class', async () => {
    const { res } = await multicastGroup('mc-1');
    expect(res.status, res.text).toBe(200);
    expect(sim.inspect('app', 'mc-1')!.ns.mac_state).toMatchObject({ lorawan_version: 'MAC_V1_0_3', device_class: 'CLASS_C' });
    const ids = nextIds('mc-b');
    const classB = { ids, ...BASE, multicast: true, supports_class_b: true, session: SESSION };
    const paths = [...Object.keys(BASE), 'multicast', 'supports_class_b', ...SESSION_PATHS];
    const noPing = await nsPut('mc-b', classB, paths);
    expect(noPing.status).toBe(400);
    expect(field(noPing)).toBe('mac_settings.ping_slot_periodicity.value');
    const withPing = await nsPut('mc-b', { ...classB, mac_settings: { ping_slot_periodicity: 'PING_EVERY_8S' } }, [...paths, 'mac_settings.ping_slot_periodicity.value']);
    expect(withPing.status, withPing.text).toBe(200);
    expect(sim.inspect('app', 'mc-b')!.ns.mac_state.device_class).toBe('CLASS_B');
  });

  it('refuses a multicast device without class B/C, without session, with OTAA or an uplink counter', async () => {
    const ids = nextIds('mc-x');
    const classA = await nsPut('mc-x', { ids, ...BASE, multicast: true, session: SESSION }, [...Object.keys(BASE), 'multicast', ...SESSION_PATHS]);
    expect(field(classA)).toBe('supports_class_b');
    const noSession = await nsPut('mc-x', { ids, ...BASE, multicast: true, supports_class_c: true }, [...Object.keys(BASE), 'multicast', 'supports_class_c']);
    expect(field(noSession)).toBe('session');
    const otaa = await nsPut('mc-x', { ids, ...BASE, multicast: true, supports_class_c: true, supports_join: true, session: SESSION }, [
      ...Object.keys(BASE), 'multicast', 'supports_class_c', 'supports_join', ...SESSION_PATHS,
    ]);
    expect(field(otaa)).toBe('supports_join');
    const fCnt = await nsPut('mc-x', { ids, ...BASE, multicast: true, supports_class_c: true, session: { ...SESSION, last_f_cnt_up: 4 } }, [
      ...Object.keys(BASE), 'multicast', 'supports_class_c', ...SESSION_PATHS, 'session.last_f_cnt_up',
    ]);
    expect(field(fCnt)).toBe('session.last_f_cnt_up');
    expect(sim.inspect('app', 'mc-x')).toBeUndefined();
  });

  it('refuses schedule_downlinks true (ifNotZeroThenZeroFields); false and unset are accepted', async () => {
    const created = await multicastGroup('mc-sd', { mac_settings: { schedule_downlinks: true } }, ['mac_settings.schedule_downlinks']);
    expect(created.res.status).toBe(400);
    expect(field(created.res)).toBe('mac_settings.schedule_downlinks.value');
    const { res } = await multicastGroup('mc-sd');
    expect(res.status).toBe(200);
    const put = (value: boolean | undefined, path = 'mac_settings.schedule_downlinks.value') =>
      nsPut('mc-sd', { mac_settings: value === undefined ? {} : { schedule_downlinks: value } }, [path]);
    const on = await put(true);
    expect(on.status).toBe(400);
    expect(errorName(on)).toBe('field_value');
    expect(field(on)).toBe('multicast');
    expect((await put(true, 'mac_settings.schedule_downlinks')).status).toBe(400);
    expect((await put(false)).status).toBe(200);
    expect(sim.inspect('app', 'mc-sd')!.ns.mac_settings.schedule_downlinks).toBe(false);
    // Clearing: the path in the mask, no value.
    expect((await put(undefined)).status).toBe(200);
    expect(sim.inspect('app', 'mc-sd')!.ns.mac_settings).not.toHaveProperty('schedule_downlinks');
  });

  it('cannot become or stop being multicast', async () => {
    const res = await nsPut('mc-1', { multicast: false }, ['multicast']);
    expect(res.status).toBe(400);
    expect(field(res)).toBe('multicast');
  });

});

describe('ABP and OTAA implications', () => {
  it('an ABP device: no session key id; from 1.0.4 a DevEUI unless multicast', async () => {
    const ids = nextIds('abp-r1');
    const keyId = await nsPut('abp-r1', { ids, ...BASE, supports_join: false, session: { ...SESSION, keys: { ...SESSION.keys, session_key_id: 'AQID' } } }, [
      ...Object.keys(BASE), 'supports_join', ...SESSION_PATHS, 'session.keys.session_key_id',
    ]);
    expect(field(keyId)).toBe('session.keys.session_key_id');
    const v104 = { ids: { device_id: 'abp-r2', join_eui: '0000000000000000' }, ...BASE, lorawan_version: 'MAC_V1_0_4', lorawan_phy_version: 'RP002_V1_0_3', supports_join: false, session: SESSION };
    const noEui = await nsPut('abp-r2', v104, [...Object.keys(BASE), 'supports_join', ...SESSION_PATHS]);
    expect(field(noEui)).toBe('ids.dev_eui');
    const v103 = await nsPut('abp-r2', { ...v104, ...BASE }, [...Object.keys(BASE), 'supports_join', ...SESSION_PATHS]);
    expect(v103.status, v103.text).toBe(200);
  });

  it('an ABP device without supports_join in the mask needs no session (the real NS accepts it)', async () => {
    const res = await nsPut('abp-r3', { ids: nextIds('abp-r3'), ...BASE }, Object.keys(BASE));
    expect(res.status, res.text).toBe(200);
    expect(sim.inspect('app', 'abp-r3')!.ns.session).toBeUndefined();
  });

  it('a session gets its MAC state from the frequency plan and PHY version of the same request', async () => {
    const ids = nextIds('abp-r4');
    expect((await nsPut('abp-r4', { ids, ...BASE }, Object.keys(BASE))).status).toBe(200);
    // mac.NewState(request device): the request names no frequency plan.
    const later = await nsPut('abp-r4', { ids, session: SESSION }, SESSION_PATHS);
    expect(later.status).toBe(404);
    expect(later.body.details[0]).toMatchObject({ namespace: 'pkg/frequencyplans', name: 'not_found' });
    // The plan in the body suffices, even outside the mask.
    const withPlan = await nsPut('abp-r4', { ids, ...BASE, session: SESSION }, SESSION_PATHS);
    expect(withPlan.status, withPlan.text).toBe(200);
    expect(sim.inspect('app', 'abp-r4')!.ns.mac_state).toMatchObject({ lorawan_version: 'MAC_V1_0_3', device_class: 'CLASS_A' });
  });

  it('refuses the UNKNOWN versions (MACVersion/PHYVersion Validate)', async () => {
    const ids = nextIds('ver-1');
    const mac = await nsPut('ver-1', { ids, ...BASE, lorawan_version: 'MAC_UNKNOWN' }, Object.keys(BASE));
    expect(field(mac)).toBe('lorawan_version');
    const phy = await nsPut('ver-1', { ids, ...BASE, lorawan_phy_version: 'PHY_UNKNOWN' }, Object.keys(BASE));
    expect(field(phy)).toBe('lorawan_phy_version');
  });

  it('ids.dev_addr in the body must match the session', async () => {
    const ids = { ...nextIds('otaa-r1'), dev_addr: '260B0BBB' };
    const res = await nsPut('otaa-r1', { ids, ...BASE, supports_join: true }, [...Object.keys(BASE), 'supports_join']);
    expect(res.status).toBe(400);
    expect(field(res)).toBe('session.dev_addr');
  });
});

describe('registries: upsert and create-time rules', () => {
  it('NS and AS create a device the IS does not know', async () => {
    const ids = nextIds('only-ns');
    expect((await nsPut('only-ns', { ids, ...BASE, supports_join: true }, [...Object.keys(BASE), 'supports_join'])).status).toBe(200);
    const as = await call(sim, key, 'PUT', '/as/applications/app/devices/only-as', { end_device: { ids: nextIds('only-as') }, field_mask: { paths: [] } });
    expect(as.status).toBe(200);
    expect(sim.inspect('app', 'only-ns')).toMatchObject({ ns: { supports_join: true } });
    expect(sim.inspect('app', 'only-as')!.is).toBeUndefined();
  });

  it('refuses a create with EUIs another device holds in that registry (pkg/internal/registry)', async () => {
    const ids = nextIds('holder');
    expect((await call(sim, key, 'POST', '/applications/app/devices', { end_device: { ids } })).status).toBe(200);
    const js = await call(sim, key, 'PUT', '/js/applications/app/devices/holder', { end_device: { ids, root_keys: { app_key: { key: APP_KEY } } }, field_mask: { paths: ['root_keys.app_key.key'] } });
    expect(js.status).toBe(200);
    const taken = await call(sim, key, 'PUT', '/js/applications/app/devices/thief', {
      end_device: { ids: { ...ids, device_id: 'thief' }, root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.details[0]).toMatchObject({ namespace: 'pkg/internal/registry', name: 'end_device_euis_taken', attributes: { device_id: 'holder' } });
    // The NS registry has no holder of these EUIs yet.
    expect((await nsPut('thief', { ids: { ...ids, device_id: 'thief' }, ...BASE }, Object.keys(BASE))).status).toBe(200);
  });

  it('refuses changing an identifier on update (read_only_field)', async () => {
    const ids = nextIds('ro-1');
    await nsPut('ro-1', { ids, ...BASE, supports_join: true }, [...Object.keys(BASE), 'supports_join']);
    // The NS counts body EUIs as set, mask or not.
    const ns = await nsPut('ro-1', { ids: { ...ids, dev_eui: '70B3D57ED000EEEE' }, frequency_plan_id: 'EU_863_870_TTN' }, ['frequency_plan_id']);
    expect(ns.status).toBe(400);
    expect(ns.body.details[0]).toMatchObject({ namespace: 'pkg/networkserver/redis', name: 'read_only_field', attributes: { field: 'ids.dev_eui' } });
    const js = await call(sim, key, 'PUT', '/js/applications/app/devices/ro-1', { end_device: { ids, root_keys: { app_key: { key: APP_KEY } } }, field_mask: { paths: ['root_keys.app_key.key'] } });
    expect(js.status).toBe(200);
    // The JS only checks what the mask names.
    const jsOther = { ids: { ...ids, join_eui: '70B3D57ED0000001' }, root_keys: { app_key: { key: APP_KEY } } };
    expect((await call(sim, key, 'PUT', '/js/applications/app/devices/ro-1', { end_device: jsOther, field_mask: { paths: ['root_keys.app_key.key'] } })).status).toBe(200);
    const jsIds = await call(sim, key, 'PUT', '/js/applications/app/devices/ro-1', { end_device: jsOther, field_mask: { paths: ['ids.join_eui'] } });
    expect(jsIds.status).toBe(400);
    expect(jsIds.body.details[0]).toMatchObject({ namespace: 'pkg/joinserver/redis', name: 'read_only_field' });
  });
});

describe('seeded multicast groups (mix varied)', () => {
  it('accept quieting (schedule_downlinks false) and refuse true', async () => {
    const ids = sim.seedDevices('app', 60, { seed: 4, idPrefix: 'vm', mix: 'varied' });
    const groups = ids.filter((id) => sim.inspect('app', id)!.ns.multicast === true);
    expect(groups.length).toBeGreaterThan(0);
    for (const id of groups) {
      const off = await nsPut(id, { mac_settings: { schedule_downlinks: false } }, ['mac_settings.schedule_downlinks.value']);
      expect(off.status, off.text).toBe(200);
      const on = await nsPut(id, { mac_settings: { schedule_downlinks: true } }, ['mac_settings.schedule_downlinks.value']);
      expect(on.status).toBe(400);
      // A group address nothing transmits on; and it cannot join.
      expect(sim.simulateUplink('app', id)).toEqual({ delivered: false, reason: 'multicast_device' });
      expect(sim.simulateJoin('app', id).reason).toBe('abp_device');
    }
  });
});
