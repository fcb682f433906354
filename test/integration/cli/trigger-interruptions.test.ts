// 20 trials of the CLI killed (-9) at random moments while it triggers re-joins, each resumed
// until it finishes: no trigger is ever pushed twice, each device with a command gets exactly
// one, no device is ever joinable on both sides, nothing is stranded, and in the end every
// source is quiet again with its keys replaced.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { prng } from '../../../src-main/sim/seed.js';
import { markerOf } from '../../../src-main/migration/source-marker.js';
import { startFleet } from '../../support/demo-sides.js';
import { sidesOf, violations } from '../../support/fleet-invariants.js';
import { buildCli, connectionOf, keysOf, lastSteps, refusedForMissingJournal, startCli } from '../../support/cli-process.js';
import { EM320, putOnAir } from '../../support/air-fleet.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

/** Some device's last journaled step is between its trigger's push and the source's quieting. */
const inTriggerPhase = (runDir: string) => [...lastSteps(runDir).values()].some((s) => s.startsWith('trigger-'));

const TRIALS = 20;
const DEVICES = 24;

describe('killed while triggering re-joins, 20 times', () => {
  it('never pushes a trigger twice and never strands a device', { timeout: 600_000 }, async () => {
    const random = prng(1111);
    let kills = 0;
    let killsMidTrigger = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const f = await startFleet({ devices: DEVICES, mix: 'otaa', seed: 500 + trial, modelShare: 1, sim: { faults: { latencyMs: 5 } } });
      // Uplinks 1.5 s apart: a trigger waits in the queue long enough for kills to land there.
      const onAir = await putOnAir(f, { uplinkEveryMs: 1500 });
      try {
        const ids = f.source.listDeviceIds(f.sourceApp);
        const withCommand = ids.filter((id) => getAtPath(f.source.inspect(f.sourceApp, id)!.is, 'version_ids.model_id') === EM320.modelId);
        const fresh = () => join(mkdtempSync(join(tmpdir(), 'sm-trig-')), 'run');
        let runDir = fresh();
        const seen = new Set<string>();
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            for (const v of violations(f, ids)) seen.add(v);
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        const migrateIn = (dir: string) => ['migrate', '--all', ...connectionOf(f), '--trigger-rejoin', '--trigger-wait', '5', '--concurrency', '4', '--run-dir', dir, '--json'];
        let args = migrateIn(runDir);
        for (let attempt = 0; ; attempt++) {
          const { child, result } = startCli(cli, args, keysOf(f));
          // Killed at a random moment: always the first attempt, often the next two; the last one runs to its end.
          const kill = attempt === 0 || (attempt < 3 && random() < 0.6) ? setTimeout(() => child.kill('SIGKILL'), 300 + Math.floor(random() * 2200)) : undefined;
          const r = await result;
          if (kill) clearTimeout(kill);
          if (r.signal === 'SIGKILL') {
            kills++;
            // Where the kill caught the devices: between push and quiet is the case that matters.
            if (inTriggerPhase(runDir)) killsMidTrigger++;
          } else if (refusedForMissingJournal(r)) {
            // Killed after run.json but before its journal: resume refuses, and says to start a
            // new migration of the same devices — which the user does (the marks tell it the rest).
            runDir = fresh();
            args = migrateIn(runDir);
            continue;
          } else {
            expect({ code: r.code, stderr: r.stderr }, `trial ${trial} attempt ${attempt}`).toEqual({ code: 0, stderr: '' });
            break;
          }
          // Killed before the run folder was made: start over; else resume it.
          args = existsSync(join(runDir, 'run.json')) ? ['resume', '--run-dir', runDir, '--json'] : args;
        }
        sampling = false;
        await sampler;
        expect([...seen], `trial ${trial}`).toEqual([]);
        const pushes = onAir.pushes();
        for (const id of ids) expect(pushes.get(id) ?? 0, `trial ${trial}: pushes of ${id}`).toBe(withCommand.includes(id) ? 1 : 0);
        for (const id of ids) {
          const s = f.source.inspect(f.sourceApp, id)!;
          expect(sidesOf(f, id).targetUsable, `trial ${trial}: ${id} on the target`).toBe(true);
          expect(getAtPath(s.ns, 'mac_settings.schedule_downlinks'), `trial ${trial}: ${id} quiet`).toBe(false);
          expect(markerOf(s.is)?.state, `trial ${trial}: ${id} mark`).toBe('retired');
        }
      } finally {
        onAir.stop();
        await f.close();
      }
    }
    console.log(`trigger interruptions: ${kills} kills over ${TRIALS} trials of ${DEVICES} devices, ${killsMidTrigger} of them with devices between push and quiet`);
    expect(kills).toBeGreaterThanOrEqual(TRIALS);
    expect(killsMidTrigger).toBeGreaterThanOrEqual(5);
  });
});
