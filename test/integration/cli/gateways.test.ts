// Gateways through the command line, as a user runs it: 20 gateways of every kind and 300
// devices (ABP ones keeping their session heard through two of the gateways) in one run; kill -9
// and resume duplicating nothing; rollback restoring the sources exactly; no key outside the
// keychain and the sheet the user asks for.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, keysOf, runCli, startCli, summaryOf } from '../../support/cli-process.js';
import { eventually, SOURCE_APP, startGatewayFleet, TARGET_APP, type GatewayFleet } from '../../support/gateway-fleet.js';

const SERVICE = `org.stackmigrator.test-cli-gw-${process.pid}`;
let cli: string;
let fleet: GatewayFleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const env = (f: GatewayFleet) => ({ ...keysOf(f), STACK_MIGRATOR_KEYCHAIN_SERVICE: SERVICE, STACK_MIGRATOR_GATEWAY_POLL_MS: '100' });
const sides = (f: GatewayFleet) => ['--source', f.source.url, '--target', f.target.url];
const TWENTY = { cups: 5, ttig: 1, lns: 4, udp: 6, claimable: 4 } as const;

/** Journal lines of a run folder, in order. */
function journal(runDir: string): { d: string; s: string; at: number }[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.startsWith('{"t":"step"')).map((l) => JSON.parse(l));
}

function noSecretIn(dir: string, secrets: string[]): void {
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const s of secrets) {
      expect(text.includes(s), `${file} holds a secret`).toBe(false);
      expect(text.includes(Buffer.from(s).toString('base64')), `${file} holds a secret (base64)`).toBe(false);
    }
  }
}

describe('gateways and devices in one run', () => {
  it('20 gateways of every kind and 300 devices: ABP devices keeping their session move after their gateway connected to the target', async () => {
    fleet = await startGatewayFleet({ gateways: TWENTY, devices: 300, abpBehind: { gateways: ['gw-cups-01', 'gw-cups-02'], count: 12 } });
    const f = fleet;
    expect(f.abpDevices.length).toBe(12);
    const devAddrs = new Map(f.abpDevices.map((d) => [d, f.source.inspect(SOURCE_APP, d)?.ns?.session?.dev_addr as string]));
    const runDir = join(mkdtempSync(join(tmpdir(), 'sm-gw-cli-')), 'run');
    const ids = f.gateways.map((g) => g.id).join(',');
    const r = await runCli(cli, [
      'migrate', ...sides(f), '--source-app', SOURCE_APP, '--target-app', TARGET_APP, '--all', '--abp-mode', 'keep-session', '--generate-keys',
      '--move-gateways', ids, '--gateway-wait', '60', '--run-dir', runDir, '--json',
    ], env(f));
    expect(r.stderr).toBe('');
    const summary = summaryOf(r.stdout)!;
    expect(Number(summary.failed)).toBe(0);
    // Every ABP device heard through the two gateways moved, after its gateway's connection was journaled.
    const lines = journal(runDir);
    const connectedAt = (gw: string) => lines.findIndex((l) => l.d === `@gw:${gw}` && l.s === 'gw-connected');
    for (const [i, dev] of f.abpDevices.entries()) {
      const gw = ['gw-cups-01', 'gw-cups-02'][i % 2]!;
      const first = lines.findIndex((l) => l.d === dev);
      expect(connectedAt(gw), gw).toBeGreaterThanOrEqual(0);
      expect(first, dev).toBeGreaterThan(connectedAt(gw));
      expect(f.target.inspect(TARGET_APP, dev)?.ns?.session?.dev_addr, dev).toBe(devAddrs.get(dev)); // kept its session
      expect(lines.filter((l) => l.d === dev).at(-1)?.s).toBe('retired');
    }
    // Gateways: CUPS ones on the target, the others registered there with their sheet; claimable ones by hand (no owner token).
    for (const g of f.gateways) {
      if (g.kind === 'claimable') {
        expect(f.target.inspectGateway(g.id), g.id).toBeUndefined();
        continue;
      }
      expect(f.target.inspectGateway(g.id)?.ids, g.id).toMatchObject({ eui: g.eui });
      if (g.kind === 'cups' || g.kind === 'ttig') expect(f.stations.view(g.eui)?.connectedTo, g.id).toBe(f.target.clusterHost);
    }
    const last = new Map(lines.map((l) => [l.d, l.s]));
    expect(f.gateways.filter((g) => g.kind === 'lns' || g.kind === 'udp').every((g) => last.get(`@gw:${g.id}`) === 'gw-sheet')).toBe(true);
    expect(f.gateways.filter((g) => g.kind === 'claimable').every((g) => last.get(`@gw:${g.id}`) === 'gw-manual')).toBe(true);
    noSecretIn(runDir, [f.sourceKey, f.targetKey]);
    expect(r.stdout.includes(f.sourceKey) || r.stdout.includes(f.targetKey)).toBe(false);
  }, 180_000);
});

describe('gateways migrate: kill -9, resume, rollback, sheet', () => {
  it('kills at random instants duplicate nothing; a rollback after it all restores every source exactly', async () => {
    fleet = await startGatewayFleet({ gateways: TWENTY, cupsEveryMs: 200 });
    const f = fleet;
    const tokens = join(mkdtempSync(join(tmpdir(), 'sm-gw-tokens-')), 'tokens.json');
    writeFileSync(tokens, JSON.stringify(Object.fromEntries(f.gateways.filter((g) => g.ownerToken).map((g) => [g.id, g.ownerToken]))));
    const base = mkdtempSync(join(tmpdir(), 'sm-gw-kill-'));
    let runDir = join(base, 'run-0');
    const args = ['--gateways', f.gateways.map((g) => g.id).join(','), '--owner-tokens', tokens, '--gateway-wait', '20', '--poll-ms', '100', '--json'];
    let attempt = 0;
    let kills = 0;
    let started = false;
    for (;;) {
      attempt++;
      const p = started
        ? startCli(cli, ['gateways', 'resume', '--run-dir', runDir, '--owner-tokens', tokens, '--poll-ms', '100', '--json'], env(f))
        : startCli(cli, ['gateways', 'migrate', ...sides(f), '--run-dir', runDir, ...args], env(f));
      const killAfter = attempt <= 8 ? 150 + Math.floor(Math.random() * 900) : undefined;
      const timer = killAfter === undefined ? undefined : setTimeout(() => p.child.kill('SIGKILL'), killAfter);
      const r = await p.result;
      clearTimeout(timer);
      // Killed before the folder existed, or before it held the run and its journal: nothing was written.
      const hasRun = existsSync(join(runDir, 'gateway-run.json'));
      const hasJournal = existsSync(join(runDir, 'journal.jsonl'));
      if (r.signal === 'SIGKILL') {
        kills++;
        if (!hasRun || !hasJournal) {
          // Start again in a new folder (resume refuses a run without its journal, as for devices).
          runDir = join(base, `run-${attempt}`);
          started = false;
        } else started = true;
        continue;
      }
      expect(r.stderr).toBe('');
      expect([0, 1]).toContain(r.code);
      break;
    }
    expect(kills).toBeGreaterThan(0);
    console.log(`gateway kill trials: ${attempt} attempts, ${kills} kills`);
    // Nothing duplicated: one target gateway per source gateway, one LNS key each.
    for (const g of f.gateways) {
      const onTarget = f.target.listGatewayIds().filter((id) => id === g.id);
      expect(onTarget.length, g.id).toBe(1);
      const keys = f.target.gatewayApiKeys(g.id).filter((k) => k.name?.startsWith('stack-migrator '));
      expect(keys.length, `${g.id} keys`).toBe(g.kind === 'cups' || g.kind === 'ttig' || g.kind === 'lns' ? 1 : 0);
      if (g.kind === 'cups' || g.kind === 'ttig') {
        await eventually(() => f.stations.view(g.eui)?.connectedTo === f.target.clusterHost, 10_000, `${g.id} on the target`);
      }
    }
    // Status: every CUPS and claimed gateway connected or waiting; every sheet ready.
    const status = await runCli(cli, ['gateways', 'status', '--run-dir', runDir, '--json'], env(f));
    const states = status.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'gateway').map((o) => [o.gateway.id, o.gateway.state]);
    for (const [id, state] of states) expect(['connected', 'sheet', 'waiting'], id).toContain(state);

    // The sheet the user asks for holds the LNS files; the run folder and the output never do.
    const sheetFile = join(base, 'sheet.md');
    const sheet = await runCli(cli, ['gateways', 'sheet', '--run-dir', runDir, '--out', sheetFile], env(f));
    expect(sheet.code).toBe(0);
    const sheetText = readFileSync(sheetFile, 'utf8');
    const lnsKeys = [...sheetText.matchAll(/Authorization: Bearer (\S+)/g)].map((m) => m[1]!);
    expect(lnsKeys.length).toBe(TWENTY.lns);
    noSecretIn(runDir, [...lnsKeys, f.sourceKey, f.targetKey, ...f.gateways.flatMap((g) => (g.ownerToken ? [g.ownerToken] : []))]);
    for (const text of [status.stdout, status.stderr]) for (const k of lnsKeys) expect(text.includes(k)).toBe(false);

    // Rollback of the re-pointed gateways: each source exactly as before the first re-point.
    const cups = f.gateways.filter((g) => g.kind === 'cups' || g.kind === 'ttig');
    const rb = await runCli(cli, ['gateways', 'rollback', '--run-dir', runDir, '--gateways', cups.map((g) => g.id).join(','), '--json'], env(f));
    expect(rb.stderr).toBe('');
    expect(rb.code).toBe(0);
    for (const g of cups) {
      const now = f.source.inspectGateway(g.id)!;
      expect({ gateway_server_address: now.gateway_server_address, lbs_lns_secret: now.lbs_lns_secret }, g.id).toEqual(f.before.get(g.id));
      expect(f.target.gatewayApiKeys(g.id).filter((k) => k.name?.startsWith('stack-migrator ')), g.id).toEqual([]);
      await eventually(() => f.stations.view(g.eui)?.connectedTo === f.source.clusterHost, 10_000, `${g.id} back on the source`);
    }
  }, 240_000);
});
