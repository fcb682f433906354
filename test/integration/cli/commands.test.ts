// The command line as a user runs it: exit codes, --json output, dry runs that write
// nothing, bad input that changes nothing, and no secret in any file a run leaves.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { buildCli, connectionOf, keysOf, runCli } from '../../support/cli-process.js';

let cli: string;
let fleet: Fleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const tmp = () => mkdtempSync(join(tmpdir(), 'sm-cli-test-'));

describe('migrate', () => {
  it('migrates every selected device and ends with the summary line (exit 0)', async () => {
    fleet = await startFleet({ devices: 12 });
    const runDir = join(tmp(), 'run');
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet), '--abp-mode', 'keep-session', '--generate-keys', '--run-dir', runDir, '--json'], keysOf(fleet));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'device' && l.state === 'creating')).toBe(true);
    expect(lines.some((l) => l.type === 'totals')).toBe(true);
    expect(lines.at(-1)).toEqual({ summary: expect.objectContaining({ migrated: 12, failed: 0, skipped: 0, blocked: 0, runDir }) });
    expect(fleet.target.listDeviceIds(fleet.targetApp)).toHaveLength(12);
    expect(readdirSync(runDir).sort()).toEqual(['journal.jsonl', 'plan.json', 'report.csv', 'report.json', 'run.json']);
  });

  it('exits 1 when a device fails, naming it and rolling it back', async () => {
    fleet = await startFleet({ devices: 4, mix: 'otaa' });
    fleet.target.failNext('ns.set', { status: 400, code: 3, times: 1 });
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet), '--generate-keys', '--concurrency', '1', '--run-dir', join(tmp(), 'r')], keysOf(fleet));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ dev-\d+: .*Network Server.*\(rolled back: the device stays on the source\)/);
    expect(r.stdout).toMatch(/Done: 3 migrated, 1 failed/);
    const failed = fleet.source.listDeviceIds(fleet.sourceApp).filter((id) => !fleet!.target.inspect(fleet!.targetApp, id));
    expect(failed).toHaveLength(1);
    // Rolled back: its downlinks on the source are as before.
    expect(getAtPath(fleet.source.inspect(fleet.sourceApp, failed[0]!)!.ns, 'mac_settings.schedule_downlinks')).toBe(fleet.programmed.get(failed[0]!)!.scheduleDownlinks);
  });
});

describe('dry runs and plans', () => {
  it('--dry-run reads and plans but writes nothing on either side', async () => {
    fleet = await startFleet({ devices: 10 });
    fleet.source.resetCounters();
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet), '--abp-mode', 'new-session', '--dry-run', '--json'], keysOf(fleet));
    expect(r.code).toBe(0);
    expect(fleet.source.writeCount()).toBe(0);
    expect(fleet.target.writeCount()).toBe(0);
    expect(fleet.source.counters()['ns.get']).toBeGreaterThan(0);
    const plan = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'plan')?.plan;
    expect(plan.devices).toHaveLength(10);
    expect(JSON.stringify(plan)).not.toMatch(/[0-9A-F]{32}/); // no key in the plan
  });

  it('a plan with ABP devices and no mode is blocked (exit 2) and says why', async () => {
    fleet = await startFleet({ devices: 4, mix: 'abp' });
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet)], keysOf(fleet));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/choose whether they get a new session/);
    expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    [['migrate', '--all', '--target', 'http://127.0.0.1:1'], /give --source URL/],
    [['migrate', '--source', 'http://127.0.0.1:1', '--target', 'http://127.0.0.1:1', '--source-app', 'a-b', '--target-app', 'c-d'], /select devices with --devices/],
    [['migrate', '--source', 'http://127.0.0.1:1', '--target', 'http://127.0.0.1:1', '--source-app', 'a-b', '--target-app', 'c-d', '--devices', 'a', '--all'], /either --devices or --all/],
    [['migrate', '--all', '--api-key', 'x'], /Unknown option '--api-key'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage error %j', async (args, message) => {
    const r = await runCli(cli, args, {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a missing API key is a usage error that names the variable', async () => {
    fleet = await startFleet({ devices: 1 });
    const r = await runCli(cli, ['plan', '--all', ...connectionOf(fleet)], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/set STACK_MIGRATOR_SOURCE_API_KEY/);
  });

  it('a wrong key is refused with a clear message and nothing is written', async () => {
    fleet = await startFleet({ devices: 3 });
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet), '--abp-mode', 'keep-session'], { ...keysOf(fleet), STACK_MIGRATOR_TARGET_API_KEY: `NNSXS.${'Q'.repeat(8)}.${'W'.repeat(12)}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/API key was not accepted by 127\.0\.0\.1/);
    expect(r.stderr).not.toMatch(/NNSXS/);
    expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
  });

  it('missing rights and an unknown target application block the plan', async () => {
    fleet = await startFleet({ devices: 3, sourceRights: ['RIGHT_APPLICATION_DEVICES_READ'] });
    const args = ['migrate', '--all', '--source', fleet.source.url, '--target', fleet.target.url, '--source-app', fleet.sourceApp, '--target-app', 'no-such-app', '--abp-mode', 'keep-session'];
    const r = await runCli(cli, args, keysOf(fleet));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/source API key cannot read the devices’ root and session keys/);
    expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
  });

  it('a hostile or malformed devices.json is rejected whole, listing every problem', async () => {
    fleet = await startFleet({ devices: 1 });
    const file = join(tmp(), 'devices.json');
    writeFileSync(file, [
      JSON.stringify({ ids: { device_id: 'good-one', dev_eui: '0004A30B001C0530', join_eui: '70B3D57ED0000000' }, lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true, root_keys: { app_key: { key: '00112233445566778899AABBCCDDEEFF' } } }),
      JSON.stringify({ ids: { device_id: '../../etc/passwd', dev_eui: 'XYZ' }, supports_join: true }),
      JSON.stringify({ ids: { device_id: 'bad-key', dev_eui: '0004A30B001C0531', join_eui: '70B3D57ED0000000' }, lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true, root_keys: { app_key: { key: 'nothex' } }, __proto__x: 1 }),
      '{"ids": {"device_id": "cut-short"',
    ].join('\n'));
    const r = await runCli(cli, ['import', '--file', file, '--target', fleet.target.url, '--target-app', fleet.targetApp], keysOf(fleet));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/device #2 .*invalid ids.device_id/);
    expect(r.stdout).toMatch(/device #2 .*invalid ids.dev_eui/);
    expect(r.stdout).toMatch(/device #3 \(bad-key\): invalid root_keys.app_key.key/);
    expect(r.stdout).toMatch(/unknown field\(s\): __proto__x/);
    expect(r.stdout).toMatch(/ends in the middle of a device/);
    expect(r.stdout).toMatch(/Nothing was written/);
    expect(fleet.target.writeCount()).toBe(0);
  });
});

describe('files', () => {
  it('export then import moves devices through a devices.json (mode 0600), like ttn-lw-migrate', async () => {
    fleet = await startFleet({ devices: 6, mix: 'otaa' });
    const file = join(tmp(), 'devices.json');
    const ids = fleet.source.listDeviceIds(fleet.sourceApp).filter((id) => fleet!.programmed.get(id)!.appKey);
    const ex = await runCli(cli, ['export', '--source', fleet.source.url, '--source-app', fleet.sourceApp, '--devices', ids.join(','), '--out', file], keysOf(fleet));
    expect(ex.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(ids.length);
    for (const d of lines) {
      expect(d.network_server_address).toBeUndefined();
      expect(d.session).toBeUndefined();
      expect(d.ids.dev_addr).toBeUndefined();
      expect(d.root_keys.app_key.key).toBe(fleet.programmed.get(d.ids.device_id)!.appKey);
    }
    expect(fleet.source.writeCount()).toBe(0); // export changes nothing on the source
    const im = await runCli(cli, ['import', '--file', file, '--target', fleet.target.url, '--target-app', fleet.targetApp, '--run-dir', join(tmp(), 'imp')], keysOf(fleet));
    expect(im.code).toBe(0);
    for (const id of ids) expect(getAtPath(fleet.target.inspect(fleet.targetApp, id)!.js, 'root_keys.app_key.key')).toBe(fleet.programmed.get(id)!.appKey);
  });

  it('no API key and no device key appears in the journal, report, plan or manifest', async () => {
    fleet = await startFleet({ devices: 10 });
    const runDir = join(tmp(), 'run');
    const r = await runCli(cli, ['migrate', '--all', ...connectionOf(fleet), '--abp-mode', 'new-session', '--generate-keys', '--run-dir', runDir], keysOf(fleet));
    expect(r.code).toBe(0);
    const secrets = [fleet.sourceKey, fleet.targetKey];
    for (const p of fleet.programmed.values()) secrets.push(...[p.appKey, p.nwkKey, p.nwkSKey, p.appSKey].filter((k): k is string => Boolean(k)));
    for (const id of fleet.target.listDeviceIds(fleet.targetApp)) {
      const t = fleet.target.inspect(fleet.targetApp, id)!;
      for (const k of [getAtPath(t.js ?? {}, 'root_keys.app_key.key'), getAtPath(t.ns ?? {}, 'session.keys.f_nwk_s_int_key.key'), getAtPath(t.as ?? {}, 'session.keys.app_s_key.key')]) if (typeof k === 'string') secrets.push(k);
    }
    expect(secrets.length).toBeGreaterThan(20);
    const files = readdirSync(runDir).filter((f) => f !== 'reprogram-sheet.csv');
    expect(files).toEqual(expect.arrayContaining(['journal.jsonl', 'report.csv', 'report.json', 'plan.json', 'run.json']));
    for (const f of files) {
      const text = readFileSync(join(runDir, f), 'utf8');
      for (const s of secrets) expect(text.includes(s), `${f} holds a secret`).toBe(false);
    }
    for (const s of secrets) expect(r.stdout.includes(s) || r.stderr.includes(s)).toBe(false);
    // The sheet holds the new session keys on purpose, readable by the owner only.
    expect(statSync(join(runDir, 'reprogram-sheet.csv')).mode & 0o777).toBe(0o600);
  });
});
