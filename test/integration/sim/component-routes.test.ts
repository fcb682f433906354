import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, APP_KEY, NWK_KEY, call, createOtaa, errorName } from './helpers.js';

let sim: Simulator;
let key: string;

const ids = (deviceId: string, devEui: string) => ({ device_id: deviceId, dev_eui: devEui, join_eui: '70B3D57ED0000000' });

async function isCreate(deviceId: string, devEui: string): Promise<void> {
  const res = await call(sim, key, 'POST', '/applications/app/devices', { end_device: { ids: ids(deviceId, devEui) } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  sim = await startSimulator();
  sim.addApplication('app');
  sim.addApplication('other');
  key = sim.createApiKey('app', ALL);
});
afterAll(() => sim.close());

describe('happy paths', () => {
  it('creates an OTAA device across IS, JS, NS, AS and reads each part back', async () => {
    await createOtaa(sim, key, 'app', 'otaa-1', '70B3D57ED0000101');
    const js = await call(sim, key, 'GET', '/js/applications/app/devices/otaa-1?field_mask=root_keys.app_key.key');
    expect(js.status).toBe(200);
    expect(js.body.root_keys).toEqual({ app_key: { key: APP_KEY } });
    expect(js.body.ids.dev_eui).toBe('70B3D57ED0000101');
    const ns = await call(sim, key, 'GET', '/ns/applications/app/devices/otaa-1?field_mask=lorawan_version,lorawan_phy_version,frequency_plan_id,supports_join');
    expect(ns.body).toMatchObject({ lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true });
    const as = await call(sim, key, 'GET', '/as/applications/app/devices/otaa-1?field_mask=ids');
    expect(as.status).toBe(200);
    const parts = sim.inspect('app', 'otaa-1');
    expect(Object.keys(parts ?? {}).sort()).toEqual(['as', 'is', 'js', 'ns']);
    // Each component holds only its own fields.
    expect(parts?.is).not.toHaveProperty('root_keys');
    expect(parts?.js).not.toHaveProperty('frequency_plan_id');
    expect(parts?.ns).not.toHaveProperty('root_keys');
  });

  it('creates an ABP 1.0.3 device with its session on NS and AS', async () => {
    await isCreate('abp-1', '70B3D57ED0000102');
    const ns = await call(sim, key, 'PUT', '/ns/applications/app/devices/abp-1', {
      end_device: {
        ids: ids('abp-1', '70B3D57ED0000102'),
        lorawan_version: 'MAC_V1_0_3',
        lorawan_phy_version: 'PHY_V1_0_3_REV_A',
        frequency_plan_id: 'EU_863_870_TTN',
        supports_join: false,
        session: { dev_addr: '260b1234', keys: { f_nwk_s_int_key: { key: 'aa'.repeat(16) } } },
        mac_settings: { resets_f_cnt: true },
      },
      field_mask: {
        paths: ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join', 'session.dev_addr', 'session.keys.f_nwk_s_int_key.key', 'mac_settings.resets_f_cnt'],
      },
    });
    expect(ns.status).toBe(200);
    const stored = sim.inspect('app', 'abp-1')?.ns;
    expect(stored.session.dev_addr).toBe('260B1234');
    expect(stored.ids.dev_addr).toBe('260B1234');
    // LoRaWAN 1.0.x: the NS derives SNwkSIntKey and NwkSEncKey from FNwkSIntKey.
    expect(stored.session.keys.s_nwk_s_int_key.key).toBe('AA'.repeat(16));
    expect(stored.mac_settings.resets_f_cnt).toBe(true);
    const as = await call(sim, key, 'PUT', '/as/applications/app/devices/abp-1', {
      end_device: { ids: ids('abp-1', '70B3D57ED0000102'), session: { dev_addr: '260B1234', keys: { app_s_key: { key: 'bb'.repeat(16) } } } },
      field_mask: { paths: ['session.dev_addr', 'session.keys.app_s_key.key'] },
    });
    expect(as.status).toBe(200);
    expect(sim.inspect('app', 'abp-1')?.as.session.keys.app_s_key.key).toBe('BB'.repeat(16));
    const read = await call(sim, key, 'GET', '/as/applications/app/devices/abp-1?field_mask=session.keys.app_s_key.key,session.dev_addr');
    expect(read.body.session).toMatchObject({ dev_addr: '260B1234', keys: { app_s_key: { key: 'BB'.repeat(16) } } });
  });

  it('accepts a set on the collection route (POST /as/applications/{app}/devices)', async () => {
    await isCreate('post-1', '70B3D57ED0000104');
    const res = await call(sim, key, 'POST', '/as/applications/app/devices', {
      end_device: { ids: ids('post-1', '70B3D57ED0000104'), session: { dev_addr: '260B0002', keys: { app_s_key: { key: 'CC'.repeat(16) } } } },
      field_mask: { paths: ['session.dev_addr', 'session.keys.app_s_key.key'] },
    });
    expect(res.status).toBe(200);
    expect(sim.inspect('app', 'post-1')?.as.session.dev_addr).toBe('260B0002');
    expect(sim.counters()['as.set']).toBeGreaterThan(0);
  });

  it('writes wrapped booleans as plain JSON values, via the wrapper or its .value path', async () => {
    for (const [path, value] of [
      ['mac_settings.schedule_downlinks.value', false],
      ['mac_settings.schedule_downlinks', true],
    ] as const) {
      const res = await call(sim, key, 'PUT', '/ns/applications/app/devices/otaa-1', {
        end_device: { ids: ids('otaa-1', '70B3D57ED0000101'), mac_settings: { schedule_downlinks: value } },
        field_mask: { paths: [path] },
      });
      expect(res.status).toBe(200);
      expect(res.body.mac_settings).toEqual({ schedule_downlinks: value });
    }
    const read = await call(sim, key, 'GET', '/ns/applications/app/devices/otaa-1?field_mask=mac_settings.schedule_downlinks.value');
    expect(read.body.mac_settings).toEqual({ schedule_downlinks: true });
  });

  it('refuses the {"value": false} object form of a wrapper, like the real unmarshaler', async () => {
    const res = await call(sim, key, 'PUT', '/ns/applications/app/devices/otaa-1', {
      end_device: { mac_settings: { schedule_downlinks: { value: false } } },
      field_mask: { paths: ['mac_settings.schedule_downlinks.value'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
  });

  it('deletes JS, NS, AS parts and answers 404 when absent; the IS record stays', async () => {
    for (const c of ['as', 'js', 'ns']) {
      expect((await call(sim, key, 'DELETE', `/${c}/applications/app/devices/otaa-1`)).status).toBe(200);
      const again = await call(sim, key, 'DELETE', `/${c}/applications/app/devices/otaa-1`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe(5);
    }
    expect(sim.inspect('app', 'otaa-1')).toEqual({ is: expect.any(Object) });
    const get = await call(sim, key, 'GET', '/ns/applications/app/devices/otaa-1?field_mask=ids');
    expect(get.status).toBe(404);
    expect(get.body.message).toBe('error:pkg/redis:not_found (entity not found)');
  });

  it('accepts EUIs and keys in lower case and answers upper case; enums are canonicalised', async () => {
    await isCreate('case-1', '70B3D57ED0000103');
    const res = await call(sim, key, 'PUT', '/ns/applications/app/devices/case-1', {
      end_device: {
        ids: { device_id: 'case-1', dev_eui: '70b3d57ed0000103', join_eui: '70b3d57ed0000000' },
        lorawan_version: 'MAC_V1_1',
        lorawan_phy_version: 'RP001_V1_1_REV_B',
        frequency_plan_id: 'US_902_928_FSB_2',
        supports_join: true,
        mac_settings: { rx1_delay: 'RX_DELAY_5', rx2_frequency: 923300000 },
      },
      field_mask: { paths: ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join', 'mac_settings.rx1_delay', 'mac_settings.rx2_frequency'] },
    });
    expect(res.status).toBe(200);
    // PHY enum aliases come back as the first declared name; RxDelay as a number; uint64 as a string.
    expect(res.body).toMatchObject({ lorawan_phy_version: 'PHY_V1_1_REV_B', mac_settings: { rx1_delay: 5, rx2_frequency: '923300000' } });
    expect(res.body.ids.dev_eui).toBe('70B3D57ED0000103');
  });
});

describe('field-mask rules', () => {
  beforeAll(async () => {
    await createOtaa(sim, key, 'app', 'mask-1', '70B3D57ED0000201');
  });

  it('rejects get paths a component does not serve', async () => {
    const ns = await call(sim, key, 'GET', '/ns/applications/app/devices/mask-1?field_mask=root_keys');
    expect(ns.status).toBe(400);
    expect(errorName(ns)).toBe('field_mask_paths');
    const js = await call(sim, key, 'GET', '/js/applications/app/devices/mask-1?field_mask=frequency_plan_id');
    expect(js.status).toBe(400);
    const as = await call(sim, key, 'GET', '/as/applications/app/devices/mask-1?field_mask=name');
    expect(as.status).toBe(400);
    const unknown = await call(sim, key, 'GET', '/ns/applications/app/devices/mask-1?field_mask=no_such_field');
    expect(unknown.body.details[0].attributes.forbidden_paths).toEqual(['no_such_field']);
  });

  it('rejects set paths a component does not accept', async () => {
    const cases: Array<[string, string]> = [
      ['ns', 'root_keys.app_key.key'],
      ['js', 'frequency_plan_id'],
      ['as', 'frequency_plan_id'],
      ['as', 'session.keys.f_nwk_s_int_key.key'],
      ['js', 'name'],
      ['ns', 'ids.dev_addr'],
      ['ns', 'created_at'],
    ];
    for (const [c, path] of cases) {
      const res = await call(sim, key, 'PUT', `/${c}/applications/app/devices/mask-1`, {
        end_device: { ids: ids('mask-1', '70B3D57ED0000201') },
        field_mask: { paths: [path] },
      });
      expect(res.status, `${c} ${path}`).toBe(400);
      expect(res.body.details[0].attributes.forbidden_paths, `${c} ${path}`).toEqual([path]);
    }
    // Nothing was applied.
    expect(sim.inspect('app', 'mask-1')?.ns).not.toHaveProperty('root_keys');
  });

  it('applies only the masked fields of a set', async () => {
    const res = await call(sim, key, 'PUT', '/ns/applications/app/devices/mask-1', {
      end_device: { ids: ids('mask-1', '70B3D57ED0000201'), frequency_plan_id: 'AU_915_928_FSB_2', lorawan_version: 'MAC_V1_0_2' },
      field_mask: { paths: ['frequency_plan_id'] },
    });
    expect(res.status).toBe(200);
    const ns = sim.inspect('app', 'mask-1')?.ns;
    expect(ns.frequency_plan_id).toBe('AU_915_928_FSB_2');
    expect(ns.lorawan_version).toBe('MAC_V1_0_3');
  });
});

describe('component create rules', () => {
  it('JS set needs a JoinEUI and a DevEUI', async () => {
    await isCreate('js-1', '70B3D57ED0000301');
    const noJoin = await call(sim, key, 'PUT', '/js/applications/app/devices/js-1', {
      end_device: { ids: { device_id: 'js-1', dev_eui: '70B3D57ED0000301' }, root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(noJoin.status).toBe(400);
    expect(errorName(noJoin)).toBe('no_join_eui');
    const noDev = await call(sim, key, 'PUT', '/js/applications/app/devices/js-1', {
      end_device: { ids: { device_id: 'js-1', join_eui: '0000000000000000' }, root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(errorName(noDev)).toBe('no_dev_eui');
    const zeroKey = await call(sim, key, 'PUT', '/js/applications/app/devices/js-1', {
      end_device: { ids: ids('js-1', '70B3D57ED0000301') },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(zeroKey.status).toBe(400);
    expect(zeroKey.body.details[0].attributes.field).toBe('root_keys.app_key.key');
    // A zero JoinEUI is a valid JoinEUI.
    const ok = await call(sim, key, 'PUT', '/js/applications/app/devices/js-1', {
      end_device: { ids: { ...ids('js-1', '70B3D57ED0000301'), join_eui: '0000000000000000' }, root_keys: { app_key: { key: APP_KEY }, nwk_key: { key: NWK_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key', 'root_keys.nwk_key.key'] },
    });
    expect(ok.status).toBe(200);
  });

  it('NS create: a set frequency plan and PHY version must name a band; lorawan_version is not required', async () => {
    // pkg/networkserver/grpc_deviceregistry.go Set: ValidateSetField(frequency_plan_id),
    // then DeviceFrequencyPlanAndBand on the effective plan and PHY version.
    const full = { lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true };
    const put = (id: string, devEui: string, body: Record<string, unknown>, paths: string[]) =>
      call(sim, key, 'PUT', `/ns/applications/app/devices/${id}`, { end_device: { ids: ids(id, devEui), ...body }, field_mask: { paths } });
    const paths = (missing: string) => Object.keys(full).filter((p) => p !== missing);
    const noPhy = await put('ns-1', '70B3D57ED0000302', full, paths('lorawan_phy_version'));
    expect(noPhy.status).toBe(400);
    expect(errorName(noPhy)).toBe('no_band_version');
    const noPlan = await put('ns-1', '70B3D57ED0000302', full, paths('frequency_plan_id'));
    expect(noPlan.status).toBe(404);
    expect(noPlan.body.details[0]).toMatchObject({ namespace: 'pkg/frequencyplans', name: 'not_found' });
    const emptyPlan = await put('ns-1', '70B3D57ED0000302', { ...full, frequency_plan_id: '' }, Object.keys(full));
    expect(emptyPlan.status).toBe(400);
    expect(emptyPlan.body.details[0].attributes.field).toBe('frequency_plan_id');
    const badPlan = await put('ns-1', '70B3D57ED0000302', { ...full, frequency_plan_id: 'mars' }, Object.keys(full));
    expect(badPlan.status).toBe(404);
    expect(sim.inspect('app', 'ns-1')?.ns).toBeUndefined();
    const noVersion = await put('ns-1', '70B3D57ED0000302', full, paths('lorawan_version'));
    expect(noVersion.status).toBe(200);
    expect(sim.inspect('app', 'ns-1')?.ns.lorawan_version).toBeUndefined();
  });

  it('ABP NS create needs a session with DevAddr and FNwkSIntKey (1.1: all three keys)', async () => {
    await isCreate('abp-2', '70B3D57ED0000303');
    const base = { lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN' };
    const paths = ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join'];
    const noSession = await call(sim, key, 'PUT', '/ns/applications/app/devices/abp-2', {
      end_device: { ids: ids('abp-2', '70B3D57ED0000303'), ...base },
      field_mask: { paths },
    });
    expect(noSession.status).toBe(400);
    // ifZeroThenNotZeroFields["supports_join"]: supports_join false (in the mask) needs session.dev_addr.
    expect(noSession.body.details[0].attributes.field).toBe('session.dev_addr');
    const noKey = await call(sim, key, 'PUT', '/ns/applications/app/devices/abp-2', {
      end_device: { ids: ids('abp-2', '70B3D57ED0000303'), ...base, session: { dev_addr: '260B0001' } },
      field_mask: { paths: [...paths, 'session.dev_addr'] },
    });
    expect(noKey.body.details[0].attributes.field).toBe('session.keys.f_nwk_s_int_key.key');
    const noAddr = await call(sim, key, 'PUT', '/ns/applications/app/devices/abp-2', {
      end_device: { ids: ids('abp-2', '70B3D57ED0000303'), ...base, session: { keys: { f_nwk_s_int_key: { key: 'AA'.repeat(16) } } } },
      field_mask: { paths: [...paths, 'session.keys.f_nwk_s_int_key.key'] },
    });
    expect(noAddr.body.details[0].attributes.field).toBe('session.dev_addr');
    const v11 = await call(sim, key, 'PUT', '/ns/applications/app/devices/abp-2', {
      end_device: {
        ids: ids('abp-2', '70B3D57ED0000303'),
        ...base,
        lorawan_version: 'MAC_V1_1',
        lorawan_phy_version: 'PHY_V1_1_REV_B',
        session: { dev_addr: '260B0001', keys: { f_nwk_s_int_key: { key: 'AA'.repeat(16) } } },
      },
      field_mask: { paths: [...paths, 'session.dev_addr', 'session.keys.f_nwk_s_int_key.key'] },
    });
    expect(v11.body.details[0].attributes.field).toBe('session.keys.nwk_s_enc_key.key');
    expect(sim.inspect('app', 'abp-2')?.ns).toBeUndefined();
  });

  it('NS refuses to change supports_join of an existing device', async () => {
    await createOtaa(sim, key, 'app', 'sj-1', '70B3D57ED0000304');
    const res = await call(sim, key, 'PUT', '/ns/applications/app/devices/sj-1', {
      end_device: { ids: ids('sj-1', '70B3D57ED0000304'), supports_join: false },
      field_mask: { paths: ['supports_join'] },
    });
    expect(res.status).toBe(400);
    // The ABP implications come first: an ABP device needs a session (ifZeroThenNotZeroFields).
    expect(res.body.details[0].attributes.field).toBe('session.dev_addr');
    // With a session, the change itself is refused.
    const withSession = await call(sim, key, 'PUT', '/ns/applications/app/devices/sj-1', {
      end_device: {
        ids: ids('sj-1', '70B3D57ED0000304'),
        supports_join: false,
        frequency_plan_id: 'EU_863_870_TTN',
        lorawan_phy_version: 'PHY_V1_0_3_REV_A',
        session: { dev_addr: '260B0099', keys: { f_nwk_s_int_key: { key: 'AA'.repeat(16) } } },
      },
      field_mask: { paths: ['supports_join', 'session.dev_addr', 'session.keys.f_nwk_s_int_key.key'] },
    });
    expect(withSession.status).toBe(400);
    expect(withSession.body.details[0].attributes.field).toBe('supports_join');
  });

  it('AS set refuses a zero DevAddr or AppSKey', async () => {
    await isCreate('as-1', '70B3D57ED0000305');
    const res = await call(sim, key, 'PUT', '/as/applications/app/devices/as-1', {
      end_device: { ids: ids('as-1', '70B3D57ED0000305'), session: { dev_addr: '00000000', keys: { app_s_key: { key: 'BB'.repeat(16) } } } },
      field_mask: { paths: ['session.dev_addr', 'session.keys.app_s_key.key'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].attributes.field).toBe('session.dev_addr');
  });

  it('a JS/NS/AS set is an upsert: it creates a device the IS does not know (SetByID)', async () => {
    const res = await call(sim, key, 'PUT', '/js/applications/app/devices/ghost', {
      end_device: { ids: ids('ghost', '70B3D57ED0000399'), root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(res.status).toBe(200);
    expect(sim.inspect('app', 'ghost')?.js.root_keys.app_key.key).toBe(APP_KEY);
    expect(sim.inspect('app', 'ghost')?.is).toBeUndefined();
    expect(sim.listDeviceIds('app')).not.toContain('ghost');
    await call(sim, key, 'DELETE', '/js/applications/app/devices/ghost');
    expect(sim.inspect('app', 'ghost')).toBeUndefined();
  });
});

describe('key rights', () => {
  let readOnly: string;
  let writer: string;
  beforeAll(async () => {
    sim.seedDevices('app', 5, { seed: 3, idPrefix: 'keys', mix: 'otaa' });
    readOnly = sim.createApiKey('app', ['RIGHT_APPLICATION_DEVICES_READ']);
    writer = sim.createApiKey('app', ['RIGHT_APPLICATION_DEVICES_READ', 'RIGHT_APPLICATION_DEVICES_WRITE']);
  });

  it('refuses key fields without READ_KEYS on JS, NS and AS (PermissionDenied, not filtered)', async () => {
    const cases = [
      '/js/applications/app/devices/keys-00001?field_mask=root_keys.app_key.key',
      '/js/applications/app/devices/keys-00001?field_mask=root_keys',
      '/ns/applications/app/devices/keys-00001?field_mask=session',
      '/ns/applications/app/devices/keys-00001?field_mask=session.keys.f_nwk_s_int_key.key',
      '/as/applications/app/devices/keys-00001?field_mask=session.keys',
    ];
    for (const path of cases) {
      const res = await call(sim, readOnly, 'GET', path);
      expect(res.status, path).toBe(403);
      expect(res.body.details[0].attributes.missing, path).toContain('RIGHT_APPLICATION_DEVICES_READ_KEYS');
    }
    // "session" also names session.queued_application_downlinks: the NS then wants TRAFFIC_READ too.
    const whole = await call(sim, readOnly, 'GET', '/ns/applications/app/devices/keys-00001?field_mask=session');
    expect(whole.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ', 'RIGHT_APPLICATION_DEVICES_READ_KEYS']);
    // Non-key fields are fine.
    expect((await call(sim, readOnly, 'GET', '/ns/applications/app/devices/keys-00001?field_mask=session.dev_addr')).status).toBe(200);
    expect((await call(sim, readOnly, 'GET', '/js/applications/app/devices/keys-00001?field_mask=root_keys.root_key_id')).status).toBe(200);
    expect((await call(sim, key, 'GET', '/js/applications/app/devices/keys-00001?field_mask=root_keys')).status).toBe(200);
  });

  it('refuses key writes without WRITE_KEYS and any write without WRITE', async () => {
    const keyWrite = await call(sim, writer, 'PUT', '/js/applications/app/devices/keys-00001', {
      end_device: { ids: sim.inspect('app', 'keys-00001')?.js.ids, root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ['root_keys.app_key.key'] },
    });
    expect(keyWrite.status).toBe(403);
    expect(keyWrite.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_DEVICES_WRITE_KEYS']);
    const nsKeys = await call(sim, writer, 'PUT', '/ns/applications/app/devices/keys-00001', {
      end_device: { session: { keys: { f_nwk_s_int_key: { key: APP_KEY } } } },
      field_mask: { paths: ['session.keys.f_nwk_s_int_key.key'] },
    });
    expect(nsKeys.status).toBe(403);
    const plain = await call(sim, writer, 'PUT', '/ns/applications/app/devices/keys-00001', {
      end_device: { mac_settings: { schedule_downlinks: false } },
      field_mask: { paths: ['mac_settings.schedule_downlinks.value'] },
    });
    expect(plain.status).toBe(200);
    const noWrite = await call(sim, readOnly, 'DELETE', '/as/applications/app/devices/keys-00001');
    expect(noWrite.status).toBe(403);
    const cross = await call(sim, sim.createApiKey('other', ALL), 'GET', '/ns/applications/app/devices/keys-00001?field_mask=ids');
    expect(cross.status).toBe(403);
    expect(errorName(cross)).toBe('no_application_rights');
  });
});
