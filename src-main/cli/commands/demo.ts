// demo: two simulators in-process, every device migrated, joins simulated, summary printed.
// The headless proof that the main job works, end to end over real HTTP on loopback.
import { joinAsDevice, programmedDevices, startDemoWorkspace } from '../../demo/workspace.js';
import { planMigration, planSelection } from '../../migration/planner.js';
import { migrationOptionsSchema } from '../../migration/options.js';
import { createRunDir, newRunId, runFiles, writeManifest, type RunManifest } from '../../migration/run-dir.js';
import { openSides, startRun, writeRunFiles } from '../../migration/session.js';
import { retireReprogrammed } from '../../migration/retire.js';
import { checkCommandFlags, intFlag, type Flags } from '../args.js';
import type { Output } from '../output.js';
import { EXIT, usableRunDir } from './migrate.js';

export async function runDemo(flags: Flags, out: Output, countFlag: string | undefined): Promise<number> {
  checkCommandFlags('demo', flags);
  const count = intFlag('devices', countFlag, 1, 50_000) ?? 50;
  if (flags['run-dir'] !== undefined) await usableRunDir(flags['run-dir'], true);
  const ws = await startDemoWorkspace({ devices: count, sim: { separateCluster: flags['separate-cluster'] ?? false } });
  const { source, target } = ws;
  try {
    const where = (sim: typeof source.sim) => (sim.clusterUrl === sim.url ? sim.url : `${sim.url} (cluster ${sim.clusterUrl})`);
    out.info(`Source: simulated Community Edition at ${where(source.sim)}, application "${source.appId}" with ${count} devices.`);
    out.info(`Target: simulated Cloud at ${where(target.sim)}, application "${target.appId}".`);
    // What the devices hold, as programmed in them: the demo uses it to "power-cycle" devices.
    const programmed = programmedDevices(source);
    const options = migrationOptionsSchema.parse({ abpMode: 'new-session', generateKeysForExternalJoinServer: true });
    const manifestBase = {
      source: { kind: 'stack' as const, isUrl: source.sim.url, clusterUrl: source.sim.clusterUrl, appId: source.appId },
      target: { isUrl: target.sim.url, clusterUrl: target.sim.clusterUrl, appId: target.appId },
    };
    const sides = await openSides(manifestBase, { source: source.apiKey, target: target.apiKey });
    try {
      const deviceIds = [...programmed.keys()];
      const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds, options });
      out.plan(plan);
      const runId = newRunId();
      const runDir = await createRunDir(flags['run-dir'], runId);
      const { ready, blocked, alreadyOnTarget } = planSelection(plan);
      const manifest: RunManifest = {
        version: 1, runId, createdAt: new Date().toISOString(), ...manifestBase, options, deviceIds: ready, blocked, alreadyOnTarget,
      };
      await writeManifest(runDir, manifest);
      const { run, finished } = startRun({
        runDir, manifest, sides, watchJoins: true,
        onEvent: (e) => {
          out.event(e);
          if (e.type !== 'device') return;
          const targetId = e.targetId ?? e.deviceId;
          // The device notices and joins the target with the key it was programmed with.
          if (e.state === 'waiting-join') setTimeout(() => joinAsDevice(target.sim, target.appId, targetId, programmed.get(e.deviceId)), 5);
        },
      });
      const result = await finished;
      const sourceSide = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
      // ABP devices: the demo "re-programs" them, they send an uplink, then the source registration goes.
      const awaiting = [...run.states.entries()].filter(([, s]) => s === 'awaiting-reprogram').map(([id]) => id);
      if (awaiting.length > 0) {
        out.info(`Re-programming ${awaiting.length} ABP device(s) with the values of the sheet (simulated)…`);
        await retireReprogrammed(runFiles(runDir).journal, sourceSide, awaiting, (e) => out.event(e));
        for (const id of awaiting) target.sim.simulateUplink(target.appId, id);
      }
      await waitUntil(() => [...run.states.values()].every((s) => s !== 'waiting-join' && s !== 'awaiting-reprogram'), 15_000);
      run.stopWatching();
      await writeRunFiles(runDir, manifest, sides.target);
      const joined = [...run.states.values()].filter((s) => s === 'joined').length;
      const oldKeyRefused = [...programmed.entries()].filter(([id, device]) => device?.key && !joinAsDevice(source.sim, source.appId, id, device).accepted).length;
      out.info(`${joined} device(s) joined the target; the source refuses the old keys of ${oldKeyRefused} OTAA device(s).`);
      const s = result.summary;
      out.summary({ migrated: s.migrated + s.awaitingReprogram, failed: s.failed, skipped: s.skipped + s.cancelled + s.notStarted, blocked: manifest.blocked.length, joined, runDir });
      return s.failed === 0 && manifest.blocked.length === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      sides.close();
    }
  } finally {
    await ws.close();
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}
