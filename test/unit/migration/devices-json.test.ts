import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDevicesJson, toExportedDevice, unwrapWrappers, validateImportedDevice } from '../../../src-main/migration/files/devices-json.js';
import { csvCell, toCsv } from '../../../src-main/migration/files/csv.js';

const otaa = (id: string, extra: Record<string, unknown> = {}) => ({
  ids: { device_id: id, dev_eui: '0004A30B001C0530', join_eui: '70B3D57ED0000000' }, lorawan_version: 'MAC_V1_0_2', lorawan_phy_version: 'PHY_V1_0_2_REV_B',
  frequency_plan_id: 'EU_863_870_TTN', supports_join: true, root_keys: { app_key: { key: '01020304050607080102030405060708' } }, ...extra,
});

describe('devices.json', () => {
  it('reads the documentation\'s example stream, one object after another, with {"value": …} wrappers', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sm-dj-')), 'devices.json');
    writeFileSync(file, `${JSON.stringify(otaa('my-device', { mac_settings: { rx1_delay: { value: 'RX_DELAY_1' }, supports_32_bit_f_cnt: true } }), null, 2)}\n${JSON.stringify(otaa('second-one', { ids: { device_id: 'second-one', dev_eui: '0004A30B001C0531', join_eui: '70B3D57ED0000000' } }))}`);
    const { devices, problems } = await readDevicesJson(file);
    expect(problems).toEqual([]);
    expect(devices.map((d) => d.ids.device_id)).toEqual(['my-device', 'second-one']);
    expect(devices[0]!.mac_settings).toEqual({ rx1_delay: 'RX_DELAY_1', supports_32_bit_f_cnt: true });
  });
  it('finds duplicate ids and hostile shapes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sm-dj-')), 'devices.json');
    writeFileSync(file, `${JSON.stringify(otaa('dup-one'))}${JSON.stringify(otaa('dup-one'))}[1,2]{"ids":{"device_id":"x-y-z"},"constructor":{"prototype":{}}}{"ids":{"device_id":"a-b-c"}}"str"`);
    const { problems } = await readDevicesJson(file);
    const text = problems.map((p) => `${p.index}:${p.message}`).join('\n');
    expect(text).toMatch(/1:device id appears twice in the file \(also device #1\)/);
    expect(text).toMatch(/2:not a JSON object/);
    expect(text).toMatch(/3:unknown field\(s\): constructor/);
    expect(text).toMatch(/4:missing lorawan_version/);
    // A bare string between devices is not a device: the reading stops there, saying where.
    expect(text).toMatch(/5:unexpected "\\"" between values at line 1, column \d+ \(byte \d+\): the file is not a stream of JSON devices/);
  });
  it('validates EUIs, keys and the fields a create needs', () => {
    expect(validateImportedDevice(otaa('fine-one'))).toEqual([]);
    expect(validateImportedDevice(otaa('Bad_ID'))).toEqual([expect.stringMatching(/invalid ids.device_id/)]);
    expect(validateImportedDevice({ ...otaa('no-key'), root_keys: {} })).toEqual(['OTAA device without root keys (root_keys.app_key.key or root_keys.nwk_key.key)']);
    expect(validateImportedDevice({ ...otaa('abp-1'), supports_join: false, session: { dev_addr: 'ZZ' } })).toEqual([expect.stringMatching(/invalid session.dev_addr/)]);
  });
  it('exports without server addresses, DevAddr or session (unless asked)', () => {
    const dev = { ...otaa('e-1'), ids: { device_id: 'e-1', application_ids: { application_id: 'a' }, dev_addr: '260B0001' }, network_server_address: 'x', created_at: 't', session: { dev_addr: '260B0001' }, mac_state: {} };
    expect(toExportedDevice(dev as never, false)).toEqual({ ...otaa('e-1'), ids: { device_id: 'e-1' } });
    expect(toExportedDevice(dev as never, true).session).toEqual({ dev_addr: '260B0001' });
  });
  it('unwraps only real wrapper fields', () => {
    expect(unwrapWrappers({ ids: {}, mac_settings: { schedule_downlinks: { value: false } }, attributes: { value: 'x' } } as never)).toEqual({ ids: {}, mac_settings: { schedule_downlinks: false }, attributes: { value: 'x' } });
  });
});

describe('CSV', () => {
  it('quotes and defuses spreadsheet formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(undefined)).toBe('');
    expect(toCsv(['a', 'b'], [{ a: 1, b: '-2' }])).toBe("a,b\r\n1,'-2\r\n");
  });
});
