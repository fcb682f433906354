// A CLI run killed (SIGKILL) at a random moment, then resumed: at the kill no device is
// stranded or live on both sides; after the resume every device is migrated exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFleet } from '../../support/demo-sides.js';
import { buildCli, runCli, startCli, summaryOf, refusedForMissingJournal } from '../../support/cli-process.js';
import { sidesOf, violations } from '../../support/fleet-invariants.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const TRIALS = 20;

describe('killed at a random moment and resumed', () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => i + 1))('trial %i', async (trial) => {
    const fleet = await startFleet({ devices: 30, seed: 100 + trial, sim: { faults: { latencyMs: 15 } } });
    try {
      const ids = fleet.source.listDeviceIds(fleet.sourceApp);
      const runDir = join(mkdtempSync(join(tmpdir(), 'sm-crash-')), 'run');
      const env = { STACK_MIGRATOR_SOURCE_API_KEY: fleet.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: fleet.targetKey };
      const args = ['--source', fleet.source.url, '--target', fleet.target.url, '--source-app', fleet.sourceApp, '--target-app', fleet.targetApp,
        '--abp-mode', 'keep-session', '--generate-keys', '--concurrency', '4', '--run-dir', runDir, '--json'];
      const { child, result } = startCli(cli, ['migrate', '--all', ...args], env);
      // Kill somewhere between planning and the end of the run (a deterministic spread per trial).
      const killAfter = 150 + ((trial * 7919) % 20) * 90;
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfter);
      const first = await result;
      clearTimeout(timer);

      // At the moment of the kill: no device stranded, none live on both sides.
      expect(violations(fleet, ids)).toEqual([]);

      const resumed = await runCli(cli, ['resume', '--run-dir', runDir, '--json'], env);
      if (first.signal !== 'SIGKILL' && first.code === 0) {
        // The run finished before the kill: resuming finds nothing left to do.
        expect(resumed.code).toBe(0);
      } else if (resumed.stderr.includes('not a run folder') || refusedForMissingJournal(resumed)) {
        // Killed while planning, or after run.json but before its journal: nothing was written,
        // and resume says so; a new run starts from scratch, as the message says.
        expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
        const again = await runCli(cli, ['migrate', '--all', ...args.map((a) => (a === runDir ? `${runDir}-2` : a))], env);
        expect(again.code).toBe(0);
      } else {
        expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
        expect(summaryOf(resumed.stdout)?.failed).toBe(0);
      }

      // Afterwards: every device on the target once, complete; the source retired.
      expect(fleet.target.listDeviceIds(fleet.targetApp).sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const d = sidesOf(fleet, id);
        expect(d.targetUsable, `${id} not usable on the target`).toBe(true);
        expect(d.targetPartial, `${id} partial on target`).toBe(false);
        expect(d.sourceUsable, `${id} still usable on the source`).toBe(false);
      }
    } finally {
      await fleet.close();
    }
  }, 60_000);
});
