// What a user does after an interruption: runs `migrate` again (not `resume`), on any
// machine, without the first run's journal. The source devices themselves say what an earlier
// run did (issue 10, points 1 and 2).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StackClient } from '../../../src-main/stack/client.js';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { asDevice, startFleet, type Fleet } from '../../support/demo-sides.js';
import { violations } from '../../support/fleet-invariants.js';
import { buildCli, connectionOf, keysOf, runCli, startCli, summaryOf } from '../../support/cli-process.js';

let cli: string;
let fleet: Fleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const tmp = () => mkdtempSync(join(tmpdir(), 'sm-rerun-'));
const ns = (f: Fleet, side: 'source' | 'target', id: string) => (side === 'source' ? f.source.inspect(f.sourceApp, id) : f.target.inspect(f.targetApp, id))?.ns;

/** Every device joins the target with what it holds; returns those refused, with why. */
function joinAll(f: Fleet): string[] {
  return f.source.listDeviceIds(f.sourceApp).flatMap((id) => {
    const p = f.programmed.get(id)!;
    const r = f.target.simulateJoin(f.targetApp, id, asDevice(p));
    return r.accepted ? [] : [`${id}: ${r.reason}`];
  });
}

describe('a new migrate after a run was killed', () => {
  it('takes our quieting for ours: the target gets the devices\u2019 own downlink setting and every device joins it', { timeout: 60_000 }, async () => {
    fleet = await startFleet({ devices: 8, mix: 'otaa' });
    const f = fleet;
    f.target.setFaults({ latencyMs: 1500 }); // slow creates: the kill comes while devices are on their way
    const first = startCli(cli, ['migrate', '--all', ...connectionOf(f), '--json', '--run-dir', join(tmp(), 'first')], keysOf(f));
    let out = '';
    await new Promise<void>((resolve) => {
      first.child.stdout!.on('data', (c) => {
        out += String(c);
        if ((out.match(/"state":"creating"/g) ?? []).length >= 3) resolve();
      });
      first.child.on('close', () => resolve());
    });
    first.child.kill('SIGKILL');
    await first.result;
    f.target.setFaults({});
    const quieted = f.source.listDeviceIds(f.sourceApp).filter((id) => getAtPath(ns(f, 'source', id), 'mac_settings.schedule_downlinks') === false);
    expect(quieted.length).toBeGreaterThan(0); // the kill left quiet devices behind

    const again = await runCli(cli, ['migrate', '--all', ...connectionOf(f), '--json', '--run-dir', join(tmp(), 'second')], keysOf(f));
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    for (const id of f.source.listDeviceIds(f.sourceApp)) {
      // The user's setting (unset here), never our quieting.
      expect(getAtPath(ns(f, 'target', id), 'mac_settings.schedule_downlinks'), id).toBe(f.programmed.get(id)!.scheduleDownlinks);
    }
    expect(violations(f, f.source.listDeviceIds(f.sourceApp))).toEqual([]);
    expect(joinAll(f)).toEqual([]);
    // The plan said so.
    const plan = again.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'plan')?.plan;
    for (const id of quieted) {
      const d = plan.devices.find((x: { sourceId: string }) => x.sourceId === id);
      expect(d.warnings.map((w: { code: string }) => w.code)).toContain('quieted-by-earlier-run');
    }
  });

  it('finishes the retirement an earlier run could not do, and reports it', async () => {
    fleet = await startFleet({ devices: 4, mix: 'otaa' });
    const f = fleet;
    // Every retirement fails (the key lost its right, say): verified on the target, not retired.
    f.source.failNext('js.set', { status: 403, code: 7, times: 4 });
    const first = await runCli(cli, ['migrate', '--all', ...connectionOf(f), '--concurrency', '1', '--run-dir', join(tmp(), 'first')], keysOf(f));
    expect(first.code).toBe(1);
    for (const id of f.source.listDeviceIds(f.sourceApp)) {
      expect(getAtPath(f.source.inspect(f.sourceApp, id)!.js, 'root_keys.app_key.key')).toBe(f.programmed.get(id)!.appKey);
    }

    const runDir = join(tmp(), 'second');
    const again = await runCli(cli, ['migrate', '--all', ...connectionOf(f), '--json', '--run-dir', runDir], keysOf(f));
    expect(again.code).toBe(0);
    expect(summaryOf(again.stdout)).toMatchObject({ migrated: 4, failed: 0 });
    for (const id of f.source.listDeviceIds(f.sourceApp)) {
      expect(getAtPath(f.source.inspect(f.sourceApp, id)!.js, 'root_keys.app_key.key'), id).not.toBe(f.programmed.get(id)!.appKey);
    }
    expect(violations(f, f.source.listDeviceIds(f.sourceApp))).toEqual([]);

    // A third run finds them moved and retired: left alone, and still in the report.
    f.source.resetCounters();
    f.target.resetCounters();
    const thirdDir = join(tmp(), 'third');
    const third = await runCli(cli, ['migrate', '--all', ...connectionOf(f), '--json', '--run-dir', thirdDir], keysOf(f));
    expect(third.code).toBe(0);
    expect(f.source.writeCount() + f.target.writeCount()).toBe(0);
    const report = JSON.parse(readFileSync(join(thirdDir, 'report.json'), 'utf8')) as { devices: { source_device_id: string; outcome: string }[] };
    expect(report.devices.map((d) => d.outcome)).toEqual(f.source.listDeviceIds(f.sourceApp).map(() => 'already on the target'));
  });
});

describe('downlinks the user turned off on the source', () => {
  it('are never copied silently: the plan asks, and --downlinks-off decides', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa' });
    const f = fleet;
    const id = f.source.listDeviceIds(f.sourceApp)[0]!;
    const c = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: f.sourceKey });
    await c.setDevice(f.sourceApp, { ids: { device_id: id, application_ids: { application_id: f.sourceApp } }, mac_settings: { schedule_downlinks: false } }, ['mac_settings.schedule_downlinks']);
    c.close();

    const asked = await runCli(cli, ['migrate', '--devices', id, ...connectionOf(f)], keysOf(f));
    expect(asked.code).toBe(2);
    expect(asked.stdout + asked.stderr).toMatch(/Downlinks are turned off on the source, and not by Stack Migrator/);
    expect(f.target.listDeviceIds(f.targetApp)).toEqual([]);

    const kept = await runCli(cli, ['migrate', '--devices', id, ...connectionOf(f), '--downlinks-off', 'keep'], keysOf(f));
    expect(kept.code).toBe(0);
    expect(getAtPath(ns(f, 'target', id), 'mac_settings.schedule_downlinks')).toBe(false);

    const other = f.source.listDeviceIds(f.sourceApp)[1]!;
    const c2 = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: f.sourceKey });
    await c2.setDevice(f.sourceApp, { ids: { device_id: other, application_ids: { application_id: f.sourceApp } }, mac_settings: { schedule_downlinks: false } }, ['mac_settings.schedule_downlinks']);
    c2.close();
    const on = await runCli(cli, ['migrate', '--devices', other, ...connectionOf(f), '--downlinks-off', 'turn-on'], keysOf(f));
    expect(on.code).toBe(0);
    expect(getAtPath(ns(f, 'target', other), 'mac_settings.schedule_downlinks')).toBeUndefined();
  });
});
