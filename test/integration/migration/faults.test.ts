// Under server faults (5xx, dropped connections, 429 bursts) and a cancel: nothing stranded,
// duplicated or lost.
import { afterEach, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { migrate } from '../../support/run-migration.js';
import { sidesOf, violations } from '../../support/fleet-invariants.js';
import { planMigration } from '../../../src-main/migration/planner.js';
import { migrationOptionsSchema } from '../../../src-main/migration/options.js';
import { newRunId, writeManifest } from '../../../src-main/migration/run-dir.js';
import { startRun } from '../../../src-main/migration/session.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let fleet: Fleet | undefined;
afterEach(async () => fleet?.close());

describe('faults', () => {
  it('500 devices through 5% 5xx, 1% dropped connections and 429 bursts: every device migrated once', async () => {
    fleet = await startFleet({ devices: 500, seed: 11 });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    f.source.setFaults({ errorRate: 0.05, dropRate: 0.01, burst429: { requests: 5 } });
    f.target.setFaults({ errorRate: 0.05, dropRate: 0.01, burst429: { requests: 5 } });
    const { result, events } = await migrate(f, { options: { abpMode: 'keep-session', generateKeysForExternalJoinServer: true } });
    f.source.setFaults({});
    f.target.setFaults({});
    const failed = events.filter((e) => e.type === 'device' && (e.state === 'failed' || e.state === 'rolled-back'));
    expect(failed).toEqual([]);
    expect(result?.summary.migrated).toBe(500);
    expect(f.target.listDeviceIds(f.targetApp).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const d = sidesOf(f, id);
      expect(d.targetUsable, id).toBe(true);
      expect(d.sourceUsable, id).toBe(false);
    }
  }, 120_000);
});

describe('cancel', () => {
  it('leaves every device either migrated or back on the source, and says which', async () => {
    fleet = await startFleet({ devices: 60, mix: 'otaa', sim: { faults: { latencyMs: 20 } } });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    const sides = await f.sides();
    const options = migrationOptionsSchema.parse({ generateKeysForExternalJoinServer: true });
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: ids, options });
    const runDir = mkdtempSync(join(tmpdir(), 'sm-cancel-'));
    const manifest = { version: 1 as const, runId: newRunId(), createdAt: new Date().toISOString(), ...f.manifestBase, options, deviceIds: plan.devices.map((d) => d.sourceId), blocked: [] };
    await writeManifest(runDir, manifest);
    const { run, finished } = startRun({ runDir, manifest, sides, onEvent: () => undefined, concurrency: 6 });
    await new Promise((r) => setTimeout(r, 600));
    run.cancel();
    const { summary } = await finished;
    sides.close();
    expect(summary.cancelled + summary.notStarted).toBeGreaterThan(0);
    expect(summary.migrated + summary.cancelled + summary.notStarted + summary.failed).toBe(ids.length);
    expect(violations(f, ids)).toEqual([]);
    for (const [id, outcome] of summary.outcomes) {
      const d = sidesOf(f, id);
      if (outcome === 'migrated') expect([d.targetUsable, d.sourceUsable]).toEqual([true, false]);
      else {
        // Back on the source as it was: usable and live, nothing left on the target.
        expect([d.sourceUsable, d.sourceLive, d.targetUsable, d.targetPartial], `${id} ${outcome}`).toEqual([true, true, false, false]);
      }
    }
  }, 60_000);
});

describe('retrying a rolled-back device', () => {
  it('quiets the source again and keeps the value from before the first attempt', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa' });
    const f = fleet;
    const id = f.source.listDeviceIds(f.sourceApp).find((d) => f.programmed.get(d)!.appKey)!;
    const runDir = mkdtempSync(join(tmpdir(), 'sm-retry-'));
    f.target.failNext('js.set', { status: 400, code: 3, times: 1 });
    const first = await migrate(f, { deviceIds: [id], runDir });
    expect(first.result?.summary.failed).toBe(1);
    expect(sidesOf(f, id).sourceLive).toBe(true); // rolled back: downlinks on again
    // The same run folder again: the journal says it failed; the retry migrates it.
    const second = await migrate(f, { deviceIds: [id], runDir });
    expect(second.result?.summary.migrated).toBe(1);
    expect(second.events.some((e) => e.type === 'device' && e.state === 'quieting')).toBe(true);
    expect([sidesOf(f, id).targetUsable, sidesOf(f, id).sourceUsable]).toEqual([true, false]);
  });
});
