// plan, migrate, import and resume: one path from a selection to a finished run.
import { writeFile } from 'node:fs/promises';
import type { EndDevice } from '../../stack/schemas.js';
import { planMigration, planSelection, type Plan } from '../../migration/planner.js';
import { createRunDir, newRunId, readManifest, runFiles, writeManifest, type RunManifest } from '../../migration/run-dir.js';
import { openSides, startRun } from '../../migration/session.js';
import { readDevicesJson } from '../../migration/files/devices-json.js';
import { deviceSelection, type Flags, optionsFromFlags, requireFlag, UsageError, intFlag } from '../args.js';
import { resolveKey, resolveSide } from '../sides.js';
import type { Output } from '../output.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** plan (and migrate --dry-run) and migrate from a live source. */
export async function planOrMigrate(flags: Flags, out: Output, opts: { execute: boolean }): Promise<number> {
  // Flags first (a usage error before any keychain or network access), then the sides.
  const options = optionsFromFlags(flags);
  const selection = deviceSelection(flags);
  const source = await resolveSide(flags, 'source');
  const target = await resolveSide(flags, 'target');
  const sourceApp = flags['source-app'] ?? source.appId ?? requireFlag(flags, 'source-app');
  const targetApp = flags['target-app'] ?? target.appId ?? requireFlag(flags, 'target-app');
  const concurrency = intFlag('concurrency', flags.concurrency, 1);
  const maxRate = intFlag('max-rate', flags['max-rate'], 1);
  const manifestBase = {
    source: { kind: 'stack' as const, ...source.target, appId: sourceApp },
    target: { ...target.target, appId: targetApp },
    ...(maxRate ? { maxRequestsPerSecond: maxRate } : {}),
  };
  const sides = await openSides(manifestBase, { source: source.apiKey, target: target.apiKey }, undefined, { maxRequestsPerSecond: maxRate });
  try {
    const sourceSide = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
    const deviceIds = 'all' in selection ? (await sourceSide.client.listDevices(sourceApp, { paths: [] })).devices.map((d) => d.ids.device_id) : selection.ids;
    out.info(`Planning ${deviceIds.length} device(s)…`);
    const plan = await planMigration({ source: sourceSide, target: sides.target, deviceIds, options });
    return await afterPlan({ plan, flags, out, execute: opts.execute && !flags['dry-run'], concurrency, manifestBase, sides });
  } finally {
    sides.close();
  }
}

/** import: devices of a devices.json file created on the target through the same path. */
export async function importFile(flags: Flags, out: Output): Promise<number> {
  const file = requireFlag(flags, 'file');
  const target = await resolveSide(flags, 'target');
  const targetApp = flags['target-app'] ?? target.appId ?? requireFlag(flags, 'target-app');
  const options = optionsFromFlags(flags);
  const concurrency = intFlag('concurrency', flags.concurrency, 1);
  const { devices, problems } = await readDevicesJson(file).catch((err: unknown) => {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (problems.length > 0) {
    for (const p of problems.slice(0, 50)) out.info(`${file}: device #${p.index + 1}${p.deviceId ? ` (${p.deviceId})` : ''}: ${p.message}`);
    if (problems.length > 50) out.info(`… and ${problems.length - 50} more problem(s).`);
    out.info('Nothing was written: fix the file and try again.');
    return EXIT.usage;
  }
  const byId = new Map(devices.map((d) => [d.ids.device_id, d] as [string, EndDevice]));
  const maxRate = intFlag('max-rate', flags['max-rate'], 1);
  const manifestBase = { source: { kind: 'file' as const, path: file }, target: { ...target.target, appId: targetApp }, ...(maxRate ? { maxRequestsPerSecond: maxRate } : {}) };
  const sides = await openSides(manifestBase, { target: target.apiKey }, byId, { maxRequestsPerSecond: maxRate });
  try {
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: [...byId.keys()], options });
    return await afterPlan({ plan, flags, out, execute: !flags['dry-run'], concurrency, manifestBase, sides });
  } finally {
    sides.close();
  }
}

async function afterPlan(args: {
  plan: Plan; flags: Flags; out: Output; execute: boolean; concurrency: number | undefined;
  manifestBase: Pick<RunManifest, 'source' | 'target' | 'maxRequestsPerSecond'>; sides: Awaited<ReturnType<typeof openSides>>;
}): Promise<number> {
  const { plan, flags, out } = args;
  out.plan(plan);
  const { ready, blocked } = planSelection(plan);
  const alreadyMigrated = plan.counts.alreadyMigrated;
  const planBlocked = plan.blockers.length > 0 || (ready.length === 0 && blocked.length > 0);
  if (!args.execute || planBlocked) {
    if (flags['run-dir']) {
      const dir = await createRunDir(flags['run-dir'], newRunId());
      await writeFile(runFiles(dir).plan, JSON.stringify(plan, null, 2)); // the planner redacts keys
    }
    if (planBlocked) out.info('The plan is blocked: nothing was written.');
    out.summary({ migrated: 0, failed: 0, skipped: alreadyMigrated, blocked: blocked.length, runDir: flags['run-dir'] ?? '', dryRun: !args.execute });
    return planBlocked ? EXIT.usage : EXIT.ok;
  }
  const runId = newRunId();
  const runDir = await createRunDir(flags['run-dir'], runId);
  const manifest: RunManifest = {
    version: 1, runId, createdAt: new Date().toISOString(), ...args.manifestBase, options: plan.options,
    deviceIds: ready, blocked, ...(args.concurrency ? { concurrency: args.concurrency } : {}),
  };
  await writeManifest(runDir, manifest);
  await writeFile(runFiles(runDir).plan, JSON.stringify(plan, null, 2));
  return runManifest(runDir, manifest, args.sides, flags, out, alreadyMigrated);
}

/** resume --run-dir: the manifest says what; the environment gives the keys. */
export async function resumeRun(flags: Flags, out: Output): Promise<number> {
  const runDir = requireFlag(flags, 'run-dir');
  const manifest = await readManifest(runDir).catch((err: unknown) => {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  });
  let fileDevices: Map<string, EndDevice> | undefined;
  if (manifest.source.kind === 'file') {
    const { devices, problems } = await readDevicesJson(manifest.source.path);
    if (problems.length > 0) throw new UsageError(`${manifest.source.path} changed since the run started and is no longer valid`);
    fileDevices = new Map(devices.map((d) => [d.ids.device_id, d]));
  }
  const keys = { source: manifest.source.kind === 'stack' ? await resolveKey(flags, 'source') : undefined, target: await resolveKey(flags, 'target') };
  const sides = await openSides(manifest, keys, fileDevices, { maxRequestsPerSecond: manifest.maxRequestsPerSecond });
  try {
    out.info(`Resuming the run in ${runDir}…`);
    return await runManifest(runDir, manifest, sides, flags, out, 0);
  } finally {
    sides.close();
  }
}

async function runManifest(runDir: string, manifest: RunManifest, sides: Awaited<ReturnType<typeof openSides>>, flags: Flags, out: Output, alreadyMigrated: number): Promise<number> {
  const waitJoins = intFlag('wait-joins', flags['wait-joins'], 0) ?? 0;
  const { run, finished } = startRun({ runDir, manifest, sides, onEvent: (e) => out.event(e), watchJoins: waitJoins > 0 });
  const stop = () => run.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await finished;
    if (waitJoins > 0) await waitForJoins(run, waitJoins, out);
    run.stopWatching();
    const s = result.summary;
    if (result.sheet) out.info(`Re-programming sheet for ${result.sheet.devices} device(s): ${result.sheet.path} (it holds keys: keep it safe).`);
    out.info(`Report: ${result.report.csv}`);
    if (s.migrated > 0) out.info('OTAA devices join the target at their next join: power-cycle them or send a downlink if they do not rejoin on their own.');
    out.summary({
      migrated: s.migrated, failed: s.failed, skipped: s.skipped + alreadyMigrated + s.notStarted + s.cancelled, blocked: manifest.blocked.length,
      awaitingReprogram: s.awaitingReprogram, joined: [...run.states.values()].filter((x) => x === 'joined').length, runDir,
    });
    const allDone = s.failed === 0 && s.cancelled === 0 && s.notStarted === 0 && manifest.blocked.length === 0;
    return allDone ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function waitForJoins(run: { states: Map<string, string> }, seconds: number, out: Output) {
  const until = Date.now() + seconds * 1000;
  const waiting = () => [...run.states.values()].filter((s) => s === 'waiting-join').length;
  if (waiting() > 0) out.info(`Waiting up to ${seconds} s for ${waiting()} device(s) to join the target…`);
  while (Date.now() < until && waiting() > 0) await new Promise((r) => setTimeout(r, 250));
}


