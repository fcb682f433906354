// Field-mask paths over plain JSON never reach an object's prototype: "__proto__",
// "constructor" and "prototype" are refused as path segments; "__proto__" as a key to merge
// ("constructor" and "prototype" are plain attribute names on the server, merged as own keys).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteAtPath, getAtPath, mergeMissing, pickPaths, setAtPath, type JsonObject } from '../../../src-main/stack/paths.js';
import { readDevicesJson } from '../../../src-main/migration/files/devices-json.js';

const polluted = () => ({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as Record<string, unknown>).polluted !== undefined;
afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('no prototype pollution through paths', () => {
  it('mergeMissing refuses a "__proto__" key from parsed JSON', () => {
    const hostile = JSON.parse('{"ids":{"device_id":"a"},"__proto__":{"polluted":1}}') as JsonObject;
    expect(() => mergeMissing({ ids: { device_id: 'a' } }, hostile)).toThrow(/refused key "__proto__"/);
    expect(polluted()).toBe(false);
    const nested = JSON.parse('{"mac_settings":{"__proto__":{"polluted":1}}}') as JsonObject;
    expect(() => mergeMissing({ mac_settings: {} }, nested)).toThrow(/refused key "__proto__"/);
    const merged = mergeMissing({}, JSON.parse('{"constructor":{"prototype":{"polluted":1}}}') as JsonObject);
    expect(Object.getOwnPropertyNames(merged)).toEqual(['constructor']);
    expect(polluted()).toBe(false);
  });

  it.each(['__proto__.polluted', 'constructor.prototype.polluted', 'a.__proto__.polluted', 'a.prototype'])('setAtPath refuses %s', (path) => {
    expect(() => setAtPath({ a: {} }, path, 1)).toThrow(/refused path segment "(__proto__|constructor|prototype)"/);
    expect(polluted()).toBe(false);
  });

  it('getAtPath and pickPaths read own fields only', () => {
    expect(getAtPath({}, '__proto__')).toBeUndefined();
    expect(getAtPath({}, 'constructor')).toBeUndefined();
    expect(getAtPath({ a: {} }, 'a.toString')).toBeUndefined();
    expect(pickPaths({ a: 1 }, ['constructor', 'a'])).toEqual({ a: 1 });
    const o = { a: 1 };
    deleteAtPath(o, '__proto__');
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  });

  it('ordinary merges and sets still work', () => {
    expect(mergeMissing({ a: { b: 1 } }, { a: { b: 2, c: 3 }, d: [1] })).toEqual({ a: { b: 1, c: 3 }, d: [1] });
    const o: JsonObject = {};
    setAtPath(o, 'mac_settings.rx1_delay', 'RX_DELAY_1');
    expect(o).toEqual({ mac_settings: { rx1_delay: 'RX_DELAY_1' } });
  });

  it('a devices.json device with "__proto__" is rejected by import and pollutes nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sm-proto-')), 'devices.json');
    const device = (extra: string) => `{"ids":{"device_id":"dev-1","dev_eui":"0004A30B001C0530","join_eui":"70B3D57ED0000000"},"lorawan_version":"MAC_V1_0_2","lorawan_phy_version":"PHY_V1_0_2_REV_B","frequency_plan_id":"EU_863_870_TTN","supports_join":true,"root_keys":{"app_key":{"key":"01020304050607080102030405060708"}},${extra}}`;
    writeFileSync(file, [
      device('"__proto__":{"polluted":1}'),
      device('"attributes":{"__proto__":{"polluted":1}}').replace('dev-1', 'dev-2').replace('1C0530', '1C0531'),
      device('"mac_settings":{"rx1_delay":{"__proto__":{"polluted":1},"value":"RX_DELAY_1"}}').replace('dev-1', 'dev-3').replace('1C0530', '1C0532'),
      device('"attributes":{"constructor":{"prototype":{"polluted":1}}}').replace('dev-1', 'dev-4').replace('1C0530', '1C0533'),
    ].join('\n'));
    const { problems } = await readDevicesJson(file);
    expect(polluted()).toBe(false);
    expect(problems.map((p) => `${p.deviceId}: ${p.message}`)).toEqual(expect.arrayContaining([
      'dev-1: refused key "__proto__" at __proto__',
      'dev-2: refused key "__proto__" at attributes.__proto__',
      'dev-3: refused key "__proto__" at mac_settings.rx1_delay.__proto__',
    ]));
    // An attribute named "constructor" is the server's business (it validates attribute values), not a pollution.
    expect(problems.some((p) => p.deviceId === 'dev-4' && /refused key/.test(p.message))).toBe(false);
  });
});
