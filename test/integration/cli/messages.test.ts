// What the CLI says when something is wrong: plain http:// to another computer is refused
// unless allowed; connection failures are about the connection, not the key; run folders it
// cannot use are named; a device missing on the source is "not found", not "rolled back".
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { buildCli, runCli, summaryOf } from '../../support/cli-process.js';
import { selfSignedCert, startScriptedServer, type ScriptedServer } from '../../support/http-server.js';

let cli: string;
let fleet: Fleet | undefined;
let server: ScriptedServer | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await fleet?.close();
  await server?.close();
  fleet = server = undefined;
});

const tmp = () => mkdtempSync(join(tmpdir(), 'sm-cli-msg-'));
const KEYS = { STACK_MIGRATOR_SOURCE_API_KEY: `NNSXS.${'A'.repeat(12)}.${'B'.repeat(40)}`, STACK_MIGRATOR_TARGET_API_KEY: `NNSXS.${'C'.repeat(12)}.${'D'.repeat(40)}` };
const REMOTE = 'http://tts.example.invalid';

describe('plain http://', () => {
  it('to another computer is refused before anything is sent (exit 2), naming the risk and --insecure-http', async () => {
    const r = await runCli(cli, ['plan', '--all', '--source', REMOTE, '--source-app', 'app-a', '--target', 'http://127.0.0.1:1', '--target-app', 'app-b'], KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plain HTTP/);
    expect(r.stderr).toMatch(/unencrypted/);
    expect(r.stderr).toMatch(/--insecure-http/);
  });

  it('with --insecure-http it is sent; a connection failure is about the connection, not the key', async () => {
    const r = await runCli(cli, ['plan', '--all', '--insecure-http', '--source', REMOTE, '--source-app', 'app-a', '--target', 'http://127.0.0.1:1', '--target-app', 'app-b'], KEYS);
    expect(r.stderr).not.toMatch(/plain HTTP/);
    expect(r.stderr).toMatch(/Connect to tts\.example\.invalid: /);
    expect(r.stderr).not.toMatch(/Check the API key/);
    expect(r.code).toBe(1);
  });

  it('a TLS failure explains --ca and never suggests http://', async () => {
    server = await startScriptedServer(() => undefined, selfSignedCert());
    const host = new URL(server.url).host;
    const r = await runCli(cli, ['plan', '--all', '--source', server.url, '--source-app', 'app-a', '--target', server.url, '--target-app', 'app-b'], KEYS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Connect to ${host.replaceAll('.', '\\.')}: the secure connection`));
    expect(r.stderr).toMatch(/--ca FILE/);
    expect(r.stderr).not.toMatch(/http:\/\/|http-only/);
  });

  it('resume of a run whose deployment is plain http:// elsewhere needs --insecure-http again', async () => {
    const runDir = join(tmp(), 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'run.json'), JSON.stringify(manifest({ isUrl: REMOTE, clusterUrl: REMOTE, appId: 'app-a' }, { isUrl: REMOTE, clusterUrl: REMOTE, appId: 'app-b' }, ['d1'])));
    const r = await runCli(cli, ['resume', '--run-dir', runDir], KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plain HTTP/);
    expect(r.stderr).toMatch(/--insecure-http/);
  });
});

function manifest(source: { isUrl: string; clusterUrl: string; appId: string }, target: { isUrl: string; clusterUrl: string; appId: string }, deviceIds: string[]) {
  return {
    version: 1, runId: 'r1', createdAt: new Date().toISOString(), source: { kind: 'stack', ...source }, target,
    options: { otaaSourceAction: 'rotate-keys', idMapping: { kind: 'same' }, generateKeysForExternalJoinServer: false },
    deviceIds, blocked: [],
  };
}

describe('run folders resume cannot use', () => {
  it.each([
    ['empty', '', /is empty/],
    ['torn', '{"version":1,"runId":"r1","createdAt":"2026-', /not complete JSON|cut short/],
    ['of another version', JSON.stringify({ version: 7, runId: 'r1' }), /another version of Stack Migrator/],
  ])('a run.json that is %s is named (exit 2)', async (_what, text, message) => {
    const runDir = join(tmp(), 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'run.json'), text);
    const r = await runCli(cli, ['resume', '--run-dir', runDir], KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(runDir, 'run.json'));
    expect(r.stderr).toMatch(message);
  });
});

describe('a device that is not on the source', () => {
  for (const json of [false, true]) {
    it(`is reported "not found on the source", not "rolled back"${json ? ' (--json)' : ''}`, async () => {
      fleet = await startFleet({ devices: 2, mix: 'otaa' });
      const f = fleet;
      const [present] = f.source.listDeviceIds(f.sourceApp);
      const runDir = join(tmp(), 'run');
      mkdirSync(runDir);
      writeFileSync(join(runDir, 'run.json'), JSON.stringify(manifest(
        { isUrl: f.source.url, clusterUrl: f.source.clusterUrl, appId: f.sourceApp }, { isUrl: f.target.url, clusterUrl: f.target.clusterUrl, appId: f.targetApp },
        [present!, 'ghost-device'],
      )));
      writeFileSync(join(runDir, 'journal.jsonl'), ''); // killed before any device started
      const r = await runCli(cli, ['resume', '--run-dir', runDir, ...(json ? ['--json'] : [])], { STACK_MIGRATOR_SOURCE_API_KEY: f.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: f.targetKey });
      expect(r.code).toBe(1);
      if (json) {
        const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; deviceId?: string; state?: string; error?: string });
        const ghost = events.filter((e) => e.type === 'device' && e.deviceId === 'ghost-device').at(-1)!;
        expect(ghost.state).toBe('failed');
        expect(ghost.error).toMatch(/not found on the source/);
        expect(summaryOf(r.stdout)).toMatchObject({ migrated: 1, failed: 1 });
      } else {
        const line = r.stdout.split('\n').find((l) => l.includes('ghost-device'))!;
        expect(line).toMatch(/not found on the source/);
        expect(line).not.toMatch(/rolled back/);
      }
      expect(f.target.inspect(f.targetApp, 'ghost-device')).toBeUndefined();
    }, 60_000);
  }
});
