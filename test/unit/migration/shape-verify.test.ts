// The pure decisions: the target device shaped from a source device, and its verification.
import { describe, expect, it } from 'vitest';
import { migrationOptionsSchema } from '../../../src-main/migration/options.js';
import { redactKeys, shapeTargetDevice } from '../../../src-main/migration/shape.js';
import { differences } from '../../../src-main/migration/verify.js';
import type { EndDevice } from '../../../src-main/stack/schemas.js';

const KEY = 'A1'.repeat(16);
const source = (extra: Record<string, unknown> = {}): EndDevice => ({
  ids: { device_id: 'probe-1', application_ids: { application_id: 'ce' }, dev_eui: '70b3d57ed0000001', join_eui: '70B3D57ED0000000', dev_addr: '260B0001' },
  name: 'Probe', attributes: { site: 'a' }, lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN',
  network_server_address: 'eu1.cloud.thethings.network', application_server_address: 'eu1.cloud.thethings.network', join_server_address: 'eu1.cloud.thethings.network',
  created_at: '2024-01-01T00:00:00Z', last_seen_at: '2024-01-02T00:00:00Z', activated_at: '2024-01-01T00:00:00Z',
  mac_settings: { schedule_downlinks: false, rx1_delay: 5 },
  session: { dev_addr: '260B0001', keys: { f_nwk_s_int_key: { key: 'B2'.repeat(16) }, app_s_key: { key: 'C3'.repeat(16) } }, last_f_cnt_up: 120, last_n_f_cnt_down: 7 },
  mac_state: { lorawan_version: 'MAC_V1_0_3' }, pending_session: { dev_addr: '260B0002' },
  ...extra,
});
const opts = (o = {}) => migrationOptionsSchema.parse(o);

describe('shaping the target device', () => {
  it('OTAA: keeps identity, versions, keys and MAC settings; drops the session and server-owned fields; points at the target', () => {
    const t = shapeTargetDevice({ source: source({ supports_join: true, root_keys: { app_key: { key: KEY } } }), options: opts(), targetHost: 'acme.eu1.cloud.thethings.industries', downlinksBefore: 'unset' });
    expect(t.ids).toEqual({ device_id: 'probe-1', application_ids: { application_id: '' }, dev_eui: '70B3D57ED0000001', join_eui: '70B3D57ED0000000' });
    for (const f of ['session', 'pending_session', 'mac_state', 'created_at', 'last_seen_at', 'activated_at']) expect(t[f]).toBeUndefined();
    expect(t.network_server_address).toBe('acme.eu1.cloud.thethings.industries');
    expect(t.join_server_address).toBe('acme.eu1.cloud.thethings.industries');
    expect(t.root_keys).toEqual({ app_key: { key: KEY } });
    // Our own quieting does not travel; the user's other MAC settings do.
    expect(t.mac_settings).toEqual({ rx1_delay: 5 });
    expect(t.supports_join).toBe(true);
  });

  it('OTAA with downlinks turned off by the user before: stays off on the target', () => {
    const t = shapeTargetDevice({ source: source({ supports_join: true, root_keys: { app_key: { key: KEY } } }), options: opts(), targetHost: 'h', downlinksBefore: 'off' });
    expect(t.mac_settings).toEqual({ rx1_delay: 5, schedule_downlinks: false });
  });

  it('OTAA 1.0.x with a NwkKey: every root key, its id and the Join Server nonce state travel', () => {
    const NWK = 'F6'.repeat(16);
    const t = shapeTargetDevice({
      source: source({
        supports_join: true, lorawan_version: 'MAC_V1_0_4',
        root_keys: { app_key: { key: KEY }, nwk_key: { key: NWK.toLowerCase() }, root_key_id: 'vendor-batch-7' },
        last_join_nonce: 41, last_dev_nonce: 77, used_dev_nonces: [3, 9], resets_join_nonces: true, last_rj_count_0: 2, net_id: '000013',
      }),
      options: opts(), targetHost: 'h',
    });
    expect(t.root_keys).toEqual({ app_key: { key: KEY }, nwk_key: { key: NWK }, root_key_id: 'vendor-batch-7' });
    expect([t.last_join_nonce, t.last_dev_nonce, t.used_dev_nonces, t.resets_join_nonces, t.last_rj_count_0, t.net_id]).toEqual([41, 77, [3, 9], true, 2, '000013']);
  });

  it('OTAA 1.0.x with only a NwkKey keeps it; new keys for an external Join Server carry no old nonce state', () => {
    const only = shapeTargetDevice({ source: source({ supports_join: true, root_keys: { nwk_key: { key: KEY } } }), options: opts(), targetHost: 'h' });
    expect(only.root_keys).toEqual({ nwk_key: { key: KEY } });
    const fresh = shapeTargetDevice({ source: source({ supports_join: true, last_join_nonce: 5 }), options: opts(), targetHost: 'h', newKeys: { app_key: 'D4'.repeat(16) } });
    expect(fresh.root_keys).toEqual({ app_key: { key: 'D4'.repeat(16) } });
    expect(fresh.last_join_nonce).toBeUndefined();
  });

  it('versions named by alias in a file are written under the server\'s names', () => {
    const t = shapeTargetDevice({ source: source({ supports_join: true, lorawan_version: '1.1', lorawan_phy_version: '1.1-b', root_keys: { app_key: { key: KEY }, nwk_key: { key: KEY } } }), options: opts(), targetHost: 'h' });
    expect(t.lorawan_version).toBe('MAC_V1_1');
    expect(t.lorawan_phy_version).toBe('PHY_V1_1_REV_B');
  });

  it('ABP keep-session: same DevAddr and keys, counters dropped, resets_f_cnt set', () => {
    const t = shapeTargetDevice({ source: source(), options: opts({ abpMode: 'keep-session' }), targetHost: 'h' });
    expect(t.session).toEqual({ dev_addr: '260B0001', keys: { f_nwk_s_int_key: { key: 'B2'.repeat(16) }, app_s_key: { key: 'C3'.repeat(16) } } });
    expect(t.mac_settings).toEqual({ rx1_delay: 5, resets_f_cnt: true });
    expect(t.supports_join).toBe(false);
  });

  it('ABP new-session: the new DevAddr and keys, nothing of the old session', () => {
    const t = shapeTargetDevice({ source: source(), options: opts({ abpMode: 'new-session' }), targetHost: 'h', newDevAddr: '27001234', newKeys: { f_nwk_s_int_key: 'D4'.repeat(16), app_s_key: 'E5'.repeat(16) } });
    expect(t.session).toEqual({ dev_addr: '27001234', keys: { f_nwk_s_int_key: { key: 'D4'.repeat(16) }, app_s_key: { key: 'E5'.repeat(16) } } });
    expect(JSON.stringify(t)).not.toContain('B2B2');
  });

  it('a device id prefix maps the id only', () => {
    const t = shapeTargetDevice({ source: source({ supports_join: true }), options: opts({ idMapping: { kind: 'prefix', prefix: 'ttn-' } }), targetHost: 'h' });
    expect(t.ids.device_id).toBe('ttn-probe-1');
  });

  it('redaction hides every key and nothing else', () => {
    const r = redactKeys(source({ root_keys: { app_key: { key: KEY } } }));
    expect(JSON.stringify(r)).not.toMatch(/A1A1|B2B2|C3C3/);
    expect(r.name).toBe('Probe');
    expect((r.root_keys as { app_key: { key: string } }).app_key.key).toBe('••••');
  });
});

describe('verification', () => {
  it('accepts what the server writes back in its own form', () => {
    const planned = { lorawan_phy_version: 'RP001_V1_1_REV_B', mac_settings: { rx1_delay: 'RX_DELAY_5', factory_preset_frequencies: [868100000] }, ids: { dev_eui: '70b3d57ed0000001' }, supports_class_b: false };
    const actual = { lorawan_phy_version: 'PHY_V1_1_REV_B', mac_settings: { rx1_delay: 5, factory_preset_frequencies: ['868100000'] }, ids: { dev_eui: '70B3D57ED0000001' } };
    expect(differences(planned, actual)).toEqual([]);
  });
  it('names every field that differs', () => {
    expect(differences({ name: 'a', root_keys: { app_key: { key: KEY } }, frequency_plan_id: 'EU_863_870_TTN' }, { name: 'b', frequency_plan_id: 'EU_863_870_TTN' })).toEqual(['name', 'root_keys.app_key.key']);
  });
});

describe('server addresses', () => {
  it('uses the target application\'s own addresses where it names them', () => {
    const t = shapeTargetDevice({
      source: source({ supports_join: true }), options: opts(), targetHost: 'acme.nam1.cloud.thethings.industries',
      targetAddresses: { network_server_address: 'acme.nam1.cloud.thethings.industries:443', join_server_address: '' },
    });
    expect([t.network_server_address, t.application_server_address, t.join_server_address]).toEqual([
      'acme.nam1.cloud.thethings.industries:443', 'acme.nam1.cloud.thethings.industries', 'acme.nam1.cloud.thethings.industries',
    ]);
  });
});
