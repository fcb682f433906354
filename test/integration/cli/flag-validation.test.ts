// Every flag is checked before anything happens: a bad value is a usage error (exit 2) in
// words, with no request sent to either deployment and no file or folder written.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type CliResult } from '../../support/cli-process.js';
import { startScriptedServer, ttsError, type ScriptedServer } from '../../support/http-server.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';

let cli: string;
let servers: ScriptedServer[] = [];
let fleet: Fleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  await fleet?.close();
  fleet = undefined;
});

const KEYS = { STACK_MIGRATOR_SOURCE_API_KEY: `NNSXS.${'S'.repeat(16)}.${'K'.repeat(20)}`, STACK_MIGRATOR_TARGET_API_KEY: `NNSXS.${'T'.repeat(16)}.${'K'.repeat(20)}` };
const tmp = () => mkdtempSync(join(tmpdir(), 'sm-flags-'));

/** Two servers that count what they are asked (and answer like an unknown application). */
async function countingServers() {
  const handler = (_req: unknown, res: Parameters<typeof ttsError>[0]) => ttsError(res, 404, 5, 'application_not_found');
  servers = [await startScriptedServer(handler), await startScriptedServer(handler)];
  const [source, target] = servers as [ScriptedServer, ScriptedServer];
  return {
    source, target,
    requests: () => source.requests.length + target.requests.length,
    conn: ['--source', source.url, '--target', target.url, '--source-app', 'ce-app', '--target-app', 'cloud-app'],
  };
}

/** A run folder whose run.json points at the given servers. */
function runFolder(sourceUrl: string, targetUrl: string, extra: Record<string, unknown> = {}) {
  const dir = join(tmp(), 'run');
  mkdirSync(dir);
  const manifest = {
    version: 1, runId: 'r-1', createdAt: new Date().toISOString(),
    source: { kind: 'stack', isUrl: sourceUrl, clusterUrl: sourceUrl, appId: 'ce-app' },
    target: { isUrl: targetUrl, clusterUrl: targetUrl, appId: 'cloud-app' },
    options: { otaaSourceAction: 'rotate-keys', idMapping: { kind: 'same' }, generateKeysForExternalJoinServer: false },
    deviceIds: ['dev-1', 'dev-2'], blocked: [], ...extra,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

const expectUsage = (r: CliResult, message: RegExp) => {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
};

describe('flags are validated before any request and any write', () => {
  const long = `d${'x'.repeat(36)}`;
  it.each([
    ['--concurrency above the bound', ['migrate', '--all', '--concurrency', '257'], /--concurrency must be a whole number from 1 to 256/],
    ['--concurrency zero', ['migrate', '--all', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 256/],
    ['--concurrency not a number', ['plan', '--all', '--concurrency', '4x'], /--concurrency must be a whole number from 1 to 256/],
    ['a device id with capitals', ['plan', '--devices', 'dev-1,Bad_ID'], /--devices: "Bad_ID" is not a device id/],
    ['a device id too long', ['plan', '--devices', long], /--devices: "dx+" is longer than 36 characters/],
    ['an empty device id', ['plan', '--devices', 'dev-1,,dev-2'], /--devices: an empty id \(two commas in a row\?\)/],
    ['a trailing comma', ['plan', '--devices', 'dev-1,'], /--devices: an empty id/],
    ['a device id twice', ['migrate', '--devices', 'dev-1,dev-2,dev-1'], /--devices: "dev-1" is given twice/],
    ['--wait-joins not a number', ['migrate', '--all', '--wait-joins', 'soon'], /--wait-joins must be a whole number/],
    ['--max-rate not a number', ['migrate', '--all', '--max-rate', 'fast'], /--max-rate must be a whole number/],
    ['an application id with a space', ['plan', '--all', '--source-app', 'my app'], /--source-app: "my app" is not an application id/],
  ])('%s', async (_what, args, message) => {
    const s = await countingServers();
    const runDir = join(tmp(), 'run');
    const r = await runCli(cli, [...s.conn, ...args, '--abp-mode', 'new-session', '--run-dir', runDir], KEYS); // the case's own flags last: they win
    expectUsage(r, message);
    expect(s.requests()).toBe(0);
    expect(existsSync(runDir)).toBe(false);
  });

  it('import checks --concurrency before reading the target', async () => {
    const s = await countingServers();
    const file = join(tmp(), 'devices.json');
    writeFileSync(file, JSON.stringify({ ids: { device_id: 'dev-1', dev_eui: '0004A30B001C0530', join_eui: '70B3D57ED0000000' }, lorawan_version: 'MAC_V1_0_2', lorawan_phy_version: 'PHY_V1_0_2_REV_B', frequency_plan_id: 'EU_863_870_TTN', supports_join: true, root_keys: { app_key: { key: '01020304050607080102030405060708' } } }));
    const r = await runCli(cli, ['import', '--file', file, '--target', s.target.url, '--target-app', 'cloud-app', '--concurrency', '1000'], KEYS);
    expectUsage(r, /--concurrency must be a whole number from 1 to 256/);
    expect(s.requests()).toBe(0);
  });

  it('export checks --devices and --out before reading the source, and writes nothing', async () => {
    const s = await countingServers();
    const dir = tmp();
    const bad = await runCli(cli, ['export', '--source', s.source.url, '--source-app', 'ce-app', '--devices', 'ok-id,NOT OK', '--out', join(dir, 'd.json')], KEYS);
    expectUsage(bad, /--devices: "NOT OK" is not a device id/);
    const folder = await runCli(cli, ['export', '--source', s.source.url, '--source-app', 'ce-app', '--all', '--out', dir], KEYS);
    expectUsage(folder, /--out .* is a folder/);
    const nowhere = await runCli(cli, ['export', '--source', s.source.url, '--source-app', 'ce-app', '--all', '--out', join(dir, 'missing', 'd.json')], KEYS);
    expectUsage(nowhere, /--out: the folder .*missing does not exist/);
    expect(s.requests()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('resume checks --concurrency (1 to 256) before any request', async () => {
    const s = await countingServers();
    for (const value of ['0', '300', 'x']) {
      const dir = runFolder(s.source.url, s.target.url);
      const r = await runCli(cli, ['resume', '--run-dir', dir, '--concurrency', value], KEYS);
      expectUsage(r, /--concurrency must be a whole number from 1 to 256/);
      expect(readdirSync(dir)).toEqual(['run.json']);
    }
    expect(s.requests()).toBe(0);
  });

  it('resume refuses a run.json whose concurrency is out of bounds', async () => {
    const s = await countingServers();
    const dir = runFolder(s.source.url, s.target.url, { concurrency: 100_000 });
    const r = await runCli(cli, ['resume', '--run-dir', dir], KEYS);
    expectUsage(r, /run\.json is damaged: concurrency/);
    expect(s.requests()).toBe(0);
  });

  it('retire checks --devices', async () => {
    const s = await countingServers();
    const dir = runFolder(s.source.url, s.target.url);
    const r = await runCli(cli, ['retire', '--run-dir', dir, '--devices', 'dev-1,,'], KEYS);
    expectUsage(r, /--devices: an empty id/);
    expect(s.requests()).toBe(0);
  });
});

describe('flags a command would ignore, and files that would half-apply', () => {
  it.each([
    [['resume', '--run-dir', 'x', '--max-rate', '5'], /--max-rate does not apply to "resume"/],
    [['resume', '--run-dir', 'x', '--devices', 'dev-1'], /--devices does not apply to "resume"/],
    [['migrate', '--all', '--with-session', '--source', 'SOURCE', '--target', 'TARGET'], /--with-session does not apply to "migrate"/],
    [['export', '--all', '--out', 'd.json', '--source', 'SOURCE', '--concurrency', '4', '--abp-mode', 'new-session'], /--concurrency, --abp-mode do not apply to "export"/],
  ])('%j', async (args, message) => {
    const s = await countingServers();
    const r = await runCli(cli, args.map((a) => (a === 'SOURCE' ? s.source.url : a === 'TARGET' ? s.target.url : a)), KEYS);
    expectUsage(r, message);
    expect(s.requests()).toBe(0);
  });

  it('import refuses a devices.json with the same DevEUI and JoinEUI twice, naming both devices, before any request', async () => {
    const s = await countingServers();
    const file = join(tmp(), 'devices.json');
    const device = (id: string) => ({ ids: { device_id: id, dev_eui: '0004A30B001C0530', join_eui: '70B3D57ED0000000' }, lorawan_version: 'MAC_V1_0_2', lorawan_phy_version: 'PHY_V1_0_2_REV_B', frequency_plan_id: 'EU_863_870_TTN', supports_join: true, root_keys: { app_key: { key: '01020304050607080102030405060708' } } });
    writeFileSync(file, `${JSON.stringify(device('meter-a'))}\n${JSON.stringify(device('meter-b'))}\n`);
    const runDir = join(tmp(), 'run');
    const r = await runCli(cli, ['import', '--file', file, '--target', s.target.url, '--target-app', 'cloud-app', '--run-dir', runDir], KEYS);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/device #2 \(meter-b\): DevEUI 0004A30B001C0530 with JoinEUI 70B3D57ED0000000 is also device "meter-a" \(device #1\)/);
    expect(r.stdout).toMatch(/Nothing was written/);
    expect(s.requests()).toBe(0);
    expect(existsSync(runDir)).toBe(false);
  });
});

describe('--run-dir problems in words, before any request', () => {
  it('a file where the folder should be', async () => {
    const s = await countingServers();
    const file = join(tmp(), 'run');
    writeFileSync(file, 'not a folder');
    const r = await runCli(cli, ['migrate', '--all', ...s.conn, '--run-dir', file], KEYS);
    expectUsage(r, /--run-dir .*run exists and is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
    expect(s.requests()).toBe(0);
  });

  it('a folder that holds another run', async () => {
    const s = await countingServers();
    const dir = runFolder('http://127.0.0.1:9', 'http://127.0.0.1:9');
    const before = readFileSync(join(dir, 'run.json'), 'utf8');
    const r = await runCli(cli, ['migrate', '--all', ...s.conn, '--run-dir', dir], KEYS);
    expectUsage(r, /--run-dir .*already holds a run \(run\.json\): resume it with `stack-migrator resume --run-dir .*` or choose another folder/);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['run.json']);
    expect(s.requests()).toBe(0);
  });

  it('a folder under a file', async () => {
    const s = await countingServers();
    const file = join(tmp(), 'plain');
    writeFileSync(file, '');
    const r = await runCli(cli, ['plan', '--all', ...s.conn, '--run-dir', join(file, 'run')], KEYS);
    expectUsage(r, /--run-dir .*: .*plain is a file, not a folder/);
    expect(s.requests()).toBe(0);
  });

  it('a folder the user may not write to', async () => {
    const s = await countingServers();
    const parent = tmp();
    chmodSync(parent, 0o555);
    const runDir = join(parent, 'run');
    // Root writes anywhere: run the CLI as nobody then (the folder is root's, 0555).
    const asNobody = process.getuid?.() === 0;
    if (asNobody) chmodSync(parent, 0o755);
    const r = await new Promise<CliResult>((resolve) => {
      const child = spawn(process.execPath, [cli, 'migrate', '--all', ...s.conn, '--run-dir', runDir], {
        env: { PATH: process.env.PATH ?? '', HOME: parent, STACK_MIGRATOR_DATA_DIR: parent, ...KEYS },
        stdio: ['ignore', 'pipe', 'pipe'], ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    expectUsage(r, /--run-dir .*run: cannot write in .* \(permission denied\)/);
    expect(existsSync(runDir)).toBe(false);
    expect(s.requests()).toBe(0);
  });
});

describe('resume --concurrency', () => {
  it('is honoured: the resumed run works with that many devices at once', async () => {
    fleet = await startFleet({ devices: 6, mix: 'otaa' });
    const ids = fleet.source.listDeviceIds(fleet.sourceApp);
    const dir = runFolder(fleet.source.url, fleet.target.url, {
      source: { ...fleet.manifestBase.source }, target: { ...fleet.manifestBase.target }, deviceIds: ids, concurrency: 8,
    });
    writeFileSync(join(dir, 'journal.jsonl'), ''); // a run stopped before its first device
    const env = { STACK_MIGRATOR_SOURCE_API_KEY: fleet.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: fleet.targetKey };
    const r = await runCli(cli, ['resume', '--run-dir', dir, '--concurrency', '2', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const totals = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'totals');
    expect(totals.length).toBeGreaterThan(0);
    expect(new Set(totals.map((t) => t.concurrency))).toEqual(new Set([2]));
    expect(fleet.target.listDeviceIds(fleet.targetApp).sort()).toEqual([...ids].sort());
  });
});
