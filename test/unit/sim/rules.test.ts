import { describe, expect, it } from 'vitest';
import { getHost as hostOf } from '../../../src-main/sim/addresses.js';
import { normalizeDevice } from '../../../src-main/sim/codec.js';
import {
  IS_SETTABLE_TOP_LEVEL,
  WRAPPER_PATHS,
  allowedPaths,
  checkAllowed,
  componentHandles,
  entityEntry,
  storagePath,
} from '../../../src-main/sim/fieldmask-rules.js';
import { hasAnyField, pick } from '../../../src-main/sim/json-path.js';
import { SimError } from '../../../src-main/sim/errors.js';

describe('field-mask tables', () => {
  it('reads allowedFieldMaskPaths from the vendored api-definition', () => {
    expect(allowedPaths('JsEndDeviceRegistry.Set').has('root_keys.app_key.key')).toBe(true);
    expect(allowedPaths('NsEndDeviceRegistry.Set').has('mac_settings.schedule_downlinks.value')).toBe(true);
    expect(allowedPaths('AsEndDeviceRegistry.Set').has('session')).toBe(false);
    expect(allowedPaths('EndDeviceRegistry.Update').has('ids.device_id')).toBe(false);
  });

  it('throws the validator error with the forbidden paths', () => {
    try {
      checkAllowed('JsEndDeviceRegistry.Get', ['root_keys', 'frequency_plan_id', 'session']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SimError);
      const e = err as SimError;
      expect(e.status).toBe(400);
      expect(e.message).toBe('error:pkg/rpcmiddleware/validator:field_mask_paths (forbidden path(s) in field mask)');
      expect(e.attributes.forbidden_paths).toEqual(['frequency_plan_id', 'session']);
    }
  });

  it('looks up the entity map, falling back to the nearest ancestor', () => {
    expect(entityEntry('root_keys.app_key.key')).toBeDefined();
    expect(componentHandles('js', 'root_keys.app_key.key', 'set')).toBe(true);
    expect(componentHandles('ns', 'root_keys.app_key.key', 'set')).toBe(false);
    expect(componentHandles('ns', 'mac_settings.schedule_downlinks.value', 'set')).toBe(true);
    expect(componentHandles('is', 'created_at', 'set')).toBe(false);
    expect(componentHandles('ns', 'ids.dev_addr', 'get')).toBe(true);
    expect(componentHandles('ns', 'ids.dev_addr', 'set')).toBe(false);
    expect(IS_SETTABLE_TOP_LEVEL.has('name')).toBe(true);
    expect(IS_SETTABLE_TOP_LEVEL.has('frequency_plan_id')).toBe(false);
  });

  it('knows the wrapper paths and maps X.value onto X', () => {
    expect(WRAPPER_PATHS.has('mac_settings.schedule_downlinks')).toBe(true);
    expect(WRAPPER_PATHS.has('mac_settings.rx1_delay')).toBe(true);
    expect(storagePath('mac_settings.schedule_downlinks.value')).toBe('mac_settings.schedule_downlinks');
    expect(storagePath('claim_authentication_code.value')).toBe('claim_authentication_code.value');
  });
});

describe('json paths', () => {
  it('hasAnyField treats a requested parent as naming its children', () => {
    expect(hasAnyField(['root_keys'], 'root_keys.app_key.key')).toBe(true);
    expect(hasAnyField(['root_keys.app_key.key'], 'root_keys')).toBe(false);
    expect(hasAnyField(['session.dev_addr'], 'session.keys.app_s_key.key')).toBe(false);
  });

  it('picks masked paths only', () => {
    const src = { a: { b: 1, c: 2 }, d: 3 };
    expect(pick(src, ['a.b'])).toEqual({ a: { b: 1 } });
    expect(pick(src, ['a', 'a.b'])).toEqual({ a: { b: 1, c: 2 } });
    expect(pick(src, ['x.y'])).toEqual({});
  });
});

describe('codec', () => {
  it('upper-cases hex, canonicalises enums and drops zero scalars', () => {
    const dev = normalizeDevice({
      ids: { device_id: 'dev-1', dev_eui: '70b3d57ed0000001', join_eui: '' },
      lorawan_version: '1.0.3',
      lorawan_phy_version: 'RP001_V1_0_3_REV_A',
      supports_join: false,
      name: '',
      root_keys: { app_key: { key: 'abcdefabcdefabcdefabcdefabcdefab' } },
      session: { dev_addr: '260b0001', last_f_cnt_up: 0 },
      mac_settings: { schedule_downlinks: false, rx2_data_rate_index: 'DATA_RATE_3', factory_preset_frequencies: [868100000] },
    });
    expect(dev).toEqual({
      ids: { device_id: 'dev-1', dev_eui: '70B3D57ED0000001' },
      lorawan_version: 'MAC_V1_0_3',
      lorawan_phy_version: 'PHY_V1_0_3_REV_A',
      root_keys: { app_key: { key: 'ABCDEFABCDEFABCDEFABCDEFABCDEFAB' } },
      session: { dev_addr: '260B0001' },
      mac_settings: { schedule_downlinks: false, rx2_data_rate_index: 3, factory_preset_frequencies: ['868100000'] },
    });
  });

  it('rejects malformed values', () => {
    expect(() => normalizeDevice({ ids: { dev_eui: '70B3' } })).toThrow(/end_device.ids.dev_eui/);
    expect(() => normalizeDevice({ root_keys: { app_key: { key: 'zz' } } })).toThrow(SimError);
    expect(() => normalizeDevice({ lorawan_version: 'MAC_V9' })).toThrow(/MACVersion/);
    expect(() => normalizeDevice({ mac_settings: { resets_f_cnt: { value: true } } })).toThrow(/plain JSON value/);
    expect(() => normalizeDevice({ name: 'x'.repeat(51) })).toThrow(SimError);
    expect(() => normalizeDevice({ attributes: { Bad: 'x' } })).toThrow(SimError);
    expect(() => normalizeDevice({ network_server_address: 'https://x/y' })).toThrow(SimError);
    expect(() => normalizeDevice(undefined)).toThrow(/required/);
  });

  it('compares hosts without scheme and port', () => {
    expect(hostOf('eu1.cloud.thethings.network:8884')).toBe('eu1.cloud.thethings.network');
    expect(hostOf('https://eu1.cloud.thethings.network')).toBe('eu1.cloud.thethings.network');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
  });
});
