import { describe, expect, it } from 'vitest';
import { bodyFor, FieldMaskError, getPathsOf, setPathsOf, splitGetPaths, splitSetPaths } from '../../../src-main/stack/split.js';
import { writablePathsOf } from '../../../src-main/stack/device-writer.js';

describe('field-mask splitting from the server tables', () => {
  it('asks each component only for the paths it serves', () => {
    const split = splitGetPaths(['name', 'root_keys', 'frequency_plan_id', 'formatters', 'mac_settings', 'attributes']);
    expect(split.is).toEqual(['attributes', 'name']);
    expect(split.js).toEqual(['root_keys']);
    expect(split.ns).toEqual(['frequency_plan_id', 'mac_settings']);
    expect(split.as).toEqual(['formatters']);
  });

  it('sends a field served by several components to each of them', () => {
    const split = splitGetPaths(['version_ids', 'session.dev_addr']);
    expect(split.is).toContain('version_ids');
    expect(split.ns).toEqual(['session.dev_addr', 'version_ids']);
    expect(split.as).toEqual(['session.dev_addr', 'version_ids']);
    expect(split.js).toEqual([]);
  });

  it('never assigns identifiers: every request carries them', () => {
    const split = splitSetPaths(['ids', 'ids.dev_eui', 'name']);
    expect(split).toEqual({ is: ['name'], js: [], ns: [], as: [] });
  });

  it('splits a path owned by two components into each one\'s own sub-paths', () => {
    // `session` is written by the NS as a whole; the AS accepts only its own session fields.
    const split = splitSetPaths(['session']);
    expect(split.ns).toEqual(['session']);
    expect(split.as).toEqual(['session.dev_addr', 'session.keys.app_s_key', 'session.keys.session_key_id', 'session.last_a_f_cnt_down']);
    expect(split.js).toEqual([]);
  });

  it('refuses a path no component accepts, naming it', () => {
    expect(() => splitSetPaths(['created_at'])).toThrow(FieldMaskError);
    expect(() => splitSetPaths(['no_such_field'])).toThrow(/no_such_field/);
    expect(() => splitGetPaths(['root_keys.app_key.bogus'])).toThrow(FieldMaskError);
  });

  it('keeps read-only and unowned paths out of the set tables', () => {
    expect(setPathsOf.ns.has('ids.dev_addr')).toBe(false);
    expect(setPathsOf.ns.has('created_at')).toBe(false);
    expect(setPathsOf.as.has('pending_session.keys.app_s_key')).toBe(false);
    expect(setPathsOf.js.has('root_keys.app_key.key')).toBe(true);
    expect(setPathsOf.ns.has('root_keys')).toBe(false);
    expect(setPathsOf.is.has('ids')).toBe(false);
    expect(getPathsOf.is.has('root_keys')).toBe(false);
    expect(getPathsOf.ns.has('mac_settings.schedule_downlinks.value')).toBe(true);
  });

  it('gives a component only its own nested fields', () => {
    const device = {
      ids: { device_id: 'd1', application_ids: { application_id: 'a' } },
      session: { dev_addr: '260B0001', keys: { app_s_key: { key: 'AA'.repeat(16) }, f_nwk_s_int_key: { key: 'BB'.repeat(16) } }, last_a_f_cnt_down: 3, last_f_cnt_up: 9 },
    };
    const ns = bodyFor(device, 'ns', ['session']);
    expect(ns).toEqual({ session: { dev_addr: '260B0001', keys: { f_nwk_s_int_key: { key: 'BB'.repeat(16) } }, last_f_cnt_up: 9 } });
    const as = bodyFor(device, 'as', splitSetPaths(['session']).as);
    expect(as).toEqual({ session: { dev_addr: '260B0001', keys: { app_s_key: { key: 'AA'.repeat(16) } }, last_a_f_cnt_down: 3 } });
  });

  it('derives the writable paths of a whole device', () => {
    const paths = writablePathsOf({
      ids: { device_id: 'd1', application_ids: { application_id: 'a' } },
      name: 'n', attributes: { room: 'kitchen' }, root_keys: { app_key: { key: '00'.repeat(16) } },
      mac_settings: { schedule_downlinks: false, rx1_delay: 1 },
      lorawan_version: 'MAC_V1_0_3',
    });
    expect(paths).toEqual(['attributes', 'lorawan_version', 'mac_settings.rx1_delay', 'mac_settings.schedule_downlinks', 'name', 'root_keys.app_key.key']);
    expect(() => writablePathsOf({ ids: { device_id: 'd', application_ids: { application_id: 'a' } }, mac_state: { x: 1 }, bogus: 1 })).toThrow(/bogus/);
  });
});
