// 100 interruptions of the CLI over a fleet of 200 devices of every kind, as users cause
// them: kill -9 at random moments, a torn journal tail, a re-run with `migrate` instead of
// `resume`, a new plan over an interrupted one. After each: no device stranded, none live on
// both sides, none on the target with our quieting copied, and every device a finished run
// reports migrated can join the target. At the end, the source is as the plan said.
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { prng } from '../../../src-main/sim/seed.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { sidesOf, violations } from '../../support/fleet-invariants.js';
import { buildCli, runCli, startCli, type CliResult } from '../../support/cli-process.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const INTERRUPTIONS = 100;
const DEVICES = 200;
type Kind = 'kill-migrate' | 'kill-resume' | 'torn-tail-resume' | 'new-plan-over-interrupted';

/** Problems of one moment: the invariants of DESIGN.md, read from both simulators. */
function problemsNow(f: Fleet, ids: string[]): string[] {
  const out = violations(f, ids);
  for (const id of ids) {
    const t = f.target.inspect(f.targetApp, id);
    const setting = getAtPath(t?.ns ?? {}, 'mac_settings.schedule_downlinks');
    if (t?.ns && setting !== f.programmed.get(id)!.scheduleDownlinks) out.push(`${id}: target downlinks ${String(setting)}, the device's own setting is ${String(f.programmed.get(id)!.scheduleDownlinks)}`);
  }
  return out;
}

/** Devices a finished run's report calls migrated that the target could not take. */
function reportedButUnusable(f: Fleet, runDir: string): string[] {
  const file = join(runDir, 'report.json');
  if (!existsSync(file)) return [];
  const rows = (JSON.parse(readFileSync(file, 'utf8')) as { devices: { source_device_id: string; outcome: string }[] }).devices;
  return rows.filter((r) => ['migrated', 'joined', 'already on the target'].includes(r.outcome) && !sidesOf(f, r.source_device_id).targetUsable)
    .map((r) => `${r.source_device_id} reported ${r.outcome} but not usable on the target`);
}

describe('interrupted at random, 100 times, over 200 devices', () => {
  it('never strands a device, never leaves one live twice, never reports one moved that cannot join', { timeout: 600_000 }, async () => {
    const random = prng(2026);
    const stats: Record<Kind, number> = { 'kill-migrate': 0, 'kill-resume': 0, 'torn-tail-resume': 0, 'new-plan-over-interrupted': 0 };
    let interrupted = 0;
    let episodes = 0;
    let fleets = 0;
    while (interrupted < INTERRUPTIONS) {
      // A fresh fleet whenever the last one is all moved: the interruptions must meet work in progress.
      const fleet = await startFleet({ devices: DEVICES, mix: 'varied', seed: 300 + fleets++, sim: { faults: { latencyMs: 20 } } });
      const f = fleet;
      try {
        const ids = f.source.listDeviceIds(f.sourceApp);
        const env = { STACK_MIGRATOR_SOURCE_API_KEY: f.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: f.targetKey };
        const base = ['--source', f.source.url, '--target', f.target.url, '--source-app', f.sourceApp, '--target-app', f.targetApp,
          '--abp-mode', 'keep-session', '--generate-keys', '--concurrency', '3', '--json'];
        let lastRunDir: string | undefined;
        const fresh = () => join(mkdtempSync(join(tmpdir(), 'sm-int-')), 'run');
        for (let round = 0; round < 40 && interrupted < INTERRUPTIONS; round++) {
          const pick = random();
          const kind: Kind = !lastRunDir || pick < 0.35 ? 'kill-migrate' : pick < 0.6 ? 'kill-resume' : pick < 0.8 ? 'torn-tail-resume' : 'new-plan-over-interrupted';
          stats[kind]++;
          episodes++;
          if (kind === 'torn-tail-resume' && existsSync(join(lastRunDir!, 'journal.jsonl'))) appendFileSync(join(lastRunDir!, 'journal.jsonl'), '{"t":"step","d":"dev-0');
          const resume = kind === 'kill-resume' || kind === 'torn-tail-resume';
          const runDir = resume ? lastRunDir! : fresh();
          const args = resume ? ['resume', '--run-dir', runDir, '--json'] : ['migrate', '--all', ...base, '--run-dir', runDir];
          const { child, result } = startCli(cli, args, env);
          const killAfter = 250 + Math.floor(random() * 1500);
          let killed = false;
          const timer = setTimeout(() => {
            killed = child.exitCode === null;
            child.kill('SIGKILL');
          }, killAfter);
          const r: CliResult = await result;
          clearTimeout(timer);
          if (killed && r.signal === 'SIGKILL') interrupted++;
          // A resume of a folder the kill left without run.json (killed while planning) is refused in words.
          if (!killed && resume && r.code === 2) expect(r.stderr).toMatch(/run|journal/i);
          if (!resume || existsSync(join(runDir, 'run.json'))) lastRunDir = runDir;

          expect(problemsNow(f, ids), `after ${kind} (episode ${episodes})`).toEqual([]);
          if (!killed && r.code === 0) expect(reportedButUnusable(f, runDir), `${kind} (episode ${episodes})`).toEqual([]);
        }

        // Finally the user runs `migrate` once more and lets it finish.
        const last = fresh();
        const done = await runCli(cli, ['migrate', '--all', ...base, '--run-dir', last], env);
        const lines = done.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type?: string; state?: string; plan?: { devices: { sourceId: string; status: string; blockers: { message: string }[] }[] } });
        const blocked = lines.find((l) => l.type === 'plan')?.plan?.devices.filter((d) => d.status === 'blocked').map((d) => `${d.sourceId}: ${d.blockers.map((b) => b.message).join(' ')}`) ?? [];
        const failures = [...blocked, ...lines.filter((l) => l.state === 'failed' || l.state === 'rolled-back').map((l) => JSON.stringify(l))].slice(0, 5);
        expect({ code: done.code, stderr: done.stderr, failures: done.code === 0 ? [] : failures }).toEqual({ code: 0, stderr: '', failures: [] });
        expect(problemsNow(f, ids)).toEqual([]);
        expect(reportedButUnusable(f, last)).toEqual([]);
        // The source as the plan said: OTAA devices with their keys keep a registration with every
        // root key replaced and downlinks off; the others (ABP keeping its session, new keys) are gone.
        for (const id of ids) {
          const p = f.programmed.get(id)!;
          const s = f.source.inspect(f.sourceApp, id);
          const d = sidesOf(f, id);
          expect(d.targetUsable && !d.targetPartial, `${id} on the target`).toBe(true);
          if (p.joinKey) {
            expect(getAtPath(s?.ns ?? {}, 'mac_settings.schedule_downlinks'), id).toBe(false);
            if (p.appKey) expect(getAtPath(s?.js ?? {}, 'root_keys.app_key.key'), id).not.toBe(p.appKey);
            if (p.nwkKey) expect(getAtPath(s?.js ?? {}, 'root_keys.nwk_key.key'), id).not.toBe(p.nwkKey);
          } else {
            expect(s, `${id} still on the source`).toBeUndefined();
          }
        }
      } finally {
        await fleet.close();
      }
    }
    console.log(`interruptions: ${interrupted} kills that interrupted a run over ${episodes} episodes and ${fleets} fleet(s) of ${DEVICES} devices; ${JSON.stringify(stats)}`);
    expect(interrupted).toBeGreaterThanOrEqual(INTERRUPTIONS);
  });
});
