// devices.json at scale and under attack: linear reading, junk and deep nesting as errors with
// their position, duplicate EUIs caught before any write, and an export that is atomic and
// never writes through a symbolic link.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDevicesJson, writeDevicesJson } from '../../../src-main/migration/files/devices-json.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sm-djl-'));
const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
const otaa = (i: number, extra: Record<string, unknown> = {}) => ({
  ids: { device_id: `dev-${i}`, dev_eui: `0004A30B${hex(i, 8)}`, join_eui: '70B3D57ED0000000' },
  name: `Device ${i}`, lorawan_version: 'MAC_V1_0_2', lorawan_phy_version: 'PHY_V1_0_2_REV_B', frequency_plan_id: 'EU_863_870_TTN',
  supports_join: true, root_keys: { app_key: { key: '01020304050607080102030405060708' } }, ...extra,
});

describe('reading a large devices.json', () => {
  it('reads ~50 MB of valid devices (100,000), in time linear in the file (4 times the devices: well under 16 times the time)', async () => {
    const write = (n: number) => {
      const file = join(dir(), 'devices.json');
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        lines.push(JSON.stringify(otaa(i, { description: 'd'.repeat(120), attributes: { site: `site-${i % 50}`, meter: 'm'.repeat(40) }, mac_settings: { rx1_delay: { value: 'RX_DELAY_1' } } })));
      }
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    const timed = async (file: string) => {
      const started = performance.now();
      const read = await readDevicesJson(file);
      return { ...read, ms: performance.now() - started };
    };
    const small = await timed(write(25_000));
    const file = write(100_000);
    expect(statSync(file).size).toBeGreaterThan(45_000_000);
    const { devices, problems, ms } = await timed(file);
    expect(problems).toEqual([]);
    expect(devices).toHaveLength(100_000);
    expect(devices[99_999]!.mac_settings).toEqual({ rx1_delay: 'RX_DELAY_1' });
    console.log(`read 25,000 devices in ${small.ms.toFixed(0)} ms, 100,000 in ${ms.toFixed(0)} ms`);
    // A ratio, not a deadline: the machine's load slows both alike; a quadratic reader would take 16 times as long.
    expect(ms / small.ms).toBeLessThan(10);
  }, 120_000);

  it('a huge single value is refused quickly, not read in quadratic time', async () => {
    const file = join(dir(), 'devices.json');
    // 48 MB: one JSON array of devices (devices.json holds one object after another).
    writeFileSync(file, `[${Array.from({ length: 60_000 }, (_, i) => JSON.stringify(otaa(i, { description: 'd'.repeat(600) }))).join(',')}]`);
    const started = performance.now();
    const { devices, problems } = await readDevicesJson(file);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(devices).toEqual([]);
    expect(problems).toEqual([{ index: 0, message: expect.stringMatching(/^starts at line 1, column 1 \(byte 0\) and is longer than 8388608 characters/) }]);
  }, 60_000);
});

describe('what a devices.json may hold', () => {
  it('junk between devices is an error with its line, column and byte offset', async () => {
    const file = join(dir(), 'devices.json');
    writeFileSync(file, `${JSON.stringify(otaa(1))}\n${JSON.stringify(otaa(2))}\n  oops ${JSON.stringify(otaa(3))}\n`);
    const { problems } = await readDevicesJson(file);
    const offset = JSON.stringify(otaa(1)).length + 1 + JSON.stringify(otaa(2)).length + 1 + 2;
    expect(problems).toEqual([{ index: 2, message: `unexpected "o" between values at line 3, column 3 (byte ${offset}): the file is not a stream of JSON devices` }]);
  });

  it('a comma-separated list of objects (not a stream) is named as such', async () => {
    const file = join(dir(), 'devices.json');
    writeFileSync(file, `${JSON.stringify(otaa(1))},\n${JSON.stringify(otaa(2))}`);
    const { problems } = await readDevicesJson(file);
    expect(problems).toEqual([{ index: 1, message: expect.stringMatching(/^unexpected "," between values at line 1, column \d+ \(byte \d+\)/) }]);
  });

  it('nesting deeper than 64 levels is a clear error, not a crash', async () => {
    const file = join(dir(), 'devices.json');
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    writeFileSync(file, `${JSON.stringify(otaa(1))}\n${JSON.stringify(otaa(2)).slice(0, -1)},"attributes":${deep}}\n`);
    const { devices, problems } = await readDevicesJson(file);
    expect(problems).toEqual([{ index: 1, message: expect.stringMatching(/^nested deeper than 64 levels at line 2, column \d+ \(byte \d+\)/) }]);
    expect(devices).toHaveLength(1);
  });

  it('the same DevEUI and JoinEUI twice is caught before any write, naming both devices', async () => {
    const file = join(dir(), 'devices.json');
    const twin = otaa(7, { ids: { device_id: 'twin-b', dev_eui: '0004a30b00000001', join_eui: '70b3d57ed0000000' } });
    writeFileSync(file, [otaa(1), otaa(2), twin].map((d) => JSON.stringify(d)).join('\n'));
    const { problems } = await readDevicesJson(file);
    expect(problems).toEqual([{
      index: 2, deviceId: 'twin-b',
      message: 'DevEUI 0004A30B00000001 with JoinEUI 70B3D57ED0000000 is also device "dev-1" (device #1): a DevEUI and JoinEUI pair can be registered once',
    }]);
  });

  it('a DevEUI without a JoinEUI counts as JoinEUI 0000000000000000', async () => {
    const file = join(dir(), 'devices.json');
    const a = otaa(1, { ids: { device_id: 'a-one', dev_eui: '0004A30B00000001' } });
    const b = otaa(2, { ids: { device_id: 'b-two', dev_eui: '0004A30B00000001', join_eui: '0000000000000000' } });
    writeFileSync(file, [a, b].map((d) => JSON.stringify(d)).join('\n'));
    const { problems } = await readDevicesJson(file);
    expect(problems).toEqual([expect.objectContaining({ index: 1, deviceId: 'b-two', message: expect.stringMatching(/is also device "a-one"/) })]);
  });

  it('counts bytes, not characters, against the size limit', async () => {
    const file = join(dir(), 'devices.json');
    writeFileSync(file, JSON.stringify(otaa(1, { name: 'é'.repeat(600) })));
    await expect(readDevicesJson(file, { maxDevices: 10, maxBytes: 1000 })).rejects.toThrow(/larger than 1000 bytes/);
  });
});

describe('writing devices.json (export)', () => {
  const devices = [otaa(1), otaa(2)];

  it('never writes through a symbolic link at the destination: the link is replaced, its target untouched', async () => {
    const d = dir();
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(d, 'devices.json');
    symlinkSync(victim, out);
    expect(await writeDevicesJson(out, devices)).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).ids.device_id)).toEqual(['dev-1', 'dev-2']);
  });

  it('is atomic: a failure half-way leaves the earlier file as it was and no temporary file', async () => {
    const d = dir();
    const out = join(d, 'devices.json');
    writeFileSync(out, 'the earlier export\n', { mode: 0o600 });
    async function* failing() {
      yield otaa(1);
      throw new Error('the source went away');
    }
    await expect(writeDevicesJson(out, failing())).rejects.toThrow(/the source went away/);
    expect(readFileSync(out, 'utf8')).toBe('the earlier export\n');
    expect(readdirSync(d)).toEqual(['devices.json']);
  });

  it('a new file gets mode 0600 and no temporary file is left', async () => {
    const d = dir();
    const out = join(d, 'devices.json');
    await writeDevicesJson(out, devices);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['devices.json']);
    expect(existsSync(out)).toBe(true);
  });
});
