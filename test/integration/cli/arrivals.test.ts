// `migrate --trigger-rejoin` and `arrivals --run-dir` as a user runs them: the plan says which
// devices get which command, the run triggers them, and the arrivals check — in words, as
// JSON, and as arrivals.csv — tells who came home and what to do about the others.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arrivalsReportSchema } from '../../../src-main/arrivals/schema.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { buildCli, connectionOf, keysOf, runCli } from '../../support/cli-process.js';
import { putOnAir, type AirFleet } from '../../support/air-fleet.js';

let cli: string;
let fleet: Fleet | undefined;
let onAir: AirFleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  onAir?.stop();
  await fleet?.close();
  fleet = undefined;
  onAir = undefined;
});

describe('arrivals', () => {
  it('tells who joined after a triggered run and what to do about the others; exit 1 while some are missing', { timeout: 90_000 }, async () => {
    fleet = await startFleet({ devices: 12, mix: 'otaa', seed: 41, modelShare: 1 });
    const f = fleet;
    onAir = await putOnAir(f, { uplinkEveryMs: 150 });
    const runDir = join(mkdtempSync(join(tmpdir(), 'sm-arr-')), 'run');
    const plan = await runCli(cli, ['plan', '--all', ...connectionOf(f), '--trigger-rejoin'], keysOf(f));
    const triggered = [...onAir.reacts.values()].filter((k) => k === 'trigger').length;
    expect(plan.stdout).toContain(`Re-join triggers: ${triggered} device(s) get one (milesight-em320-th-reboot × ${triggered}); ${12 - triggered} with no trigger known (power-cycle them).`);
    const run = await runCli(cli, ['migrate', '--all', ...connectionOf(f), '--trigger-rejoin', '--trigger-wait', '5', '--run-dir', runDir], keysOf(f));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`stack-migrator arrivals --run-dir ${runDir}`);

    const json = await runCli(cli, ['arrivals', '--run-dir', runDir, '--json'], keysOf(f));
    expect(json.stderr).toBe('');
    expect(json.code).toBe(1); // the power-cycle devices have not arrived
    const report = arrivalsReportSchema.parse(JSON.parse(json.stdout));
    for (const row of report.rows) {
      const kind = onAir.reacts.get(row.sourceId);
      expect(row.status, row.sourceId).toBe(kind === 'trigger' ? 'joined' : 'straggler');
      if (kind === 'power-cycle') expect(row.advice, row.sourceId).toBe('power-cycle');
    }
    const csv = readFileSync(join(runDir, 'arrivals.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(13);

    const words = await runCli(cli, ['arrivals', '--run-dir', runDir], keysOf(f));
    expect(words.stdout).toMatch(new RegExp(`^${triggered} joined the target, ${12 - triggered} not yet`));
    expect(words.stdout).toMatch(/Power-cycle it\./);
    expect(words.stdout).toContain(`Details: ${join(runDir, 'arrivals.csv')}`);

    // Once every straggler is power-cycled, the check says all arrived (exit 0).
    for (const row of report.rows.filter((r) => r.status === 'straggler')) await onAir.air.powerCycle(row.devEui!);
    const after = await runCli(cli, ['arrivals', '--run-dir', runDir, '--json'], keysOf(f));
    const done = arrivalsReportSchema.parse(JSON.parse(after.stdout));
    const never = [...onAir.reacts].filter(([, k]) => k === 'never').map(([id]) => id);
    expect(done.rows.filter((r) => r.status === 'straggler').map((r) => r.sourceId)).toEqual(never);
  });

  it('refuses a folder that is not a run, and flags it does not take, in words', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sm-arr-'));
    const r = await runCli(cli, ['arrivals', '--run-dir', empty], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a run folder/);
    const flag = await runCli(cli, ['arrivals', '--run-dir', empty, '--trigger-rejoin'], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--trigger-rejoin does not apply to "arrivals"/);
  });
});
