// plan, migrate, import and resume: one path from a selection to a finished run.
// Every flag is checked before any keychain access, request or write: bad input changes nothing.
import { gatewaysOfRun } from '../../migration/planner.js';
import { GatewaySecrets } from '../../gateways/secrets.js';
import { DEFAULT_SERVICE, keytarSecretStore } from '../../credentials/index.js';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { redactedJson } from '../../logging/redact.js';
import type { EndDevice } from '../../stack/schemas.js';
import { planMigration, planSelection, type Plan } from '../../migration/planner.js';
import { checkRunDir, createRunDir, newRunId, readManifest, RunDirError, runFiles, userDataDir, writeManifest, type RunManifest } from '../../migration/run-dir.js';
import { openSides, startRun } from '../../migration/session.js';
import { readDevicesJson } from '../../migration/files/devices-json.js';
import { applicationId, checkCommandFlags, concurrencyFlag, deviceSelection, type Flags, gatewaysFromFlags, optionsFromFlags, requireFlag, UsageError, intFlag } from '../args.js';
import { checkRunDeployments, resolveKey, resolveSide } from '../sides.js';
import { triggerFromFlags } from '../trigger-flags.js';
import type { Output } from '../output.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The longest --wait-joins: a week. */
const MAX_WAIT_JOINS = 7 * 24 * 3600;
/** The highest --max-rate (requests per second). */
const MAX_RATE = 100_000;

/** How a run goes: checked from the flags before anything else happens. */
interface RunFlags {
  runId: string;
  /** Where a new run's folder goes (--run-dir, or one under the user-data folder); checked usable. */
  runDir: string | undefined;
  concurrency: number | undefined;
  maxRate: number | undefined;
  waitJoins: number;
}

/** A --run-dir (or the default run folder) that a new run can use, or a usage error in words. */
export async function usableRunDir(dir: string, flagGiven: boolean): Promise<void> {
  if (dir.trim() === '') throw new UsageError('--run-dir needs a folder');
  try {
    await checkRunDir(dir);
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(flagGiven ? `--run-dir ${err.message}` : `the run folder ${err.message} (choose another with --run-dir)`);
    throw err;
  }
}

async function runFlags(flags: Flags, execute: boolean): Promise<RunFlags> {
  const concurrency = concurrencyFlag(flags);
  const maxRate = intFlag('max-rate', flags['max-rate'], 1, MAX_RATE);
  const waitJoins = intFlag('wait-joins', flags['wait-joins'], 0, MAX_WAIT_JOINS) ?? 0;
  const runId = newRunId();
  const given = flags['run-dir'];
  // A plan writes plan.json into --run-dir when given; a run always has a folder.
  const runDir = given ?? (execute ? join(userDataDir(), 'runs', runId) : undefined);
  if (runDir !== undefined) await usableRunDir(runDir, given !== undefined);
  return { runId, runDir, concurrency, maxRate, waitJoins };
}

/** plan (and migrate --dry-run) and migrate from a live source. */
export async function planOrMigrate(flags: Flags, out: Output, opts: { execute: boolean }): Promise<number> {
  checkCommandFlags(opts.execute ? 'migrate' : 'plan', flags);
  // Flags first (a usage error before any keychain or network access, and before any write), then the sides.
  const execute = opts.execute && !flags['dry-run'];
  const options = optionsFromFlags(flags, await triggerFromFlags(flags));
  const selection = deviceSelection(flags);
  const run = await runFlags(flags, execute);
  const source = await resolveSide(flags, 'source');
  const target = await resolveSide(flags, 'target');
  const sourceApp = applicationId('source-app', flags['source-app'] ?? source.appId ?? requireFlag(flags, 'source-app'));
  const targetApp = applicationId('target-app', flags['target-app'] ?? target.appId ?? requireFlag(flags, 'target-app'));
  const manifestBase = {
    source: { kind: 'stack' as const, ...source.target, appId: sourceApp },
    target: { ...target.target, appId: targetApp },
    ...(run.maxRate ? { maxRequestsPerSecond: run.maxRate } : {}),
  };
  const sides = await openSides(manifestBase, { source: source.apiKey, target: target.apiKey }, undefined, { maxRequestsPerSecond: run.maxRate });
  try {
    const sourceSide = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
    const deviceIds = 'all' in selection ? (await sourceSide.client.listDevices(sourceApp, { paths: [] })).devices.map((d) => d.ids.device_id) : selection.ids;
    out.info(`Planning ${deviceIds.length} device(s)…`);
    let plan = await planMigration({ source: sourceSide, target: sides.target, deviceIds, options });
    // --move-gateways served: the gateways that heard the plan's ABP keep-session devices, planned with them.
    const served = flags['move-gateways'] === 'served' ? gatewaysFromFlags(flags, plan.suggestedGateways) : undefined;
    if (served) {
      out.info(`Planning again with ${served.ids.length} gateway(s) that serve ABP devices keeping their session…`);
      plan = await planMigration({ source: sourceSide, target: sides.target, deviceIds, options: { ...options, gateways: served } });
    }
    return await afterPlan({ plan, flags, out, execute, run, manifestBase, sides });
  } finally {
    sides.close();
  }
}

/** import: devices of a devices.json file created on the target through the same path. */
export async function importFile(flags: Flags, out: Output): Promise<number> {
  checkCommandFlags('import', flags);
  const file = resolve(requireFlag(flags, 'file'));
  const options = optionsFromFlags(flags);
  const execute = !flags['dry-run'];
  const run = await runFlags(flags, execute);
  const target = await resolveSide(flags, 'target');
  const targetApp = applicationId('target-app', flags['target-app'] ?? target.appId ?? requireFlag(flags, 'target-app'));
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
  const manifestBase = { source: { kind: 'file' as const, path: file }, target: { ...target.target, appId: targetApp }, ...(run.maxRate ? { maxRequestsPerSecond: run.maxRate } : {}) };
  const sides = await openSides(manifestBase, { target: target.apiKey }, byId, { maxRequestsPerSecond: run.maxRate });
  try {
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: [...byId.keys()], options });
    return await afterPlan({ plan, flags, out, execute, run, manifestBase, sides });
  } finally {
    sides.close();
  }
}

async function afterPlan(args: {
  plan: Plan; flags: Flags; out: Output; execute: boolean; run: RunFlags;
  manifestBase: Pick<RunManifest, 'source' | 'target' | 'maxRequestsPerSecond'>; sides: Awaited<ReturnType<typeof openSides>>;
}): Promise<number> {
  const { plan, flags, out, run } = args;
  out.plan(plan);
  const { ready, blocked, alreadyOnTarget } = planSelection(plan);
  const alreadyMigrated = plan.counts.alreadyMigrated;
  const planBlocked = plan.blockers.length > 0 || (ready.length === 0 && blocked.length > 0);
  if (!args.execute || planBlocked) {
    if (flags['run-dir']) {
      const dir = await createRunDir(flags['run-dir'], run.runId);
      await writeFileAtomic(runFiles(dir).plan, redactedJson(plan, 2)); // the planner removed the keys; the rest is redacted too
    }
    if (planBlocked) out.info('The plan is blocked: nothing was written.');
    out.summary({ migrated: 0, failed: 0, skipped: alreadyMigrated, blocked: blocked.length, runDir: flags['run-dir'] ?? '', dryRun: !args.execute });
    return planBlocked ? EXIT.usage : EXIT.ok;
  }
  const runDir = await createRunDir(run.runDir, run.runId);
  const manifest: RunManifest = {
    version: 1, runId: run.runId, createdAt: new Date().toISOString(), ...args.manifestBase, options: plan.options,
    deviceIds: ready, blocked, alreadyOnTarget, ...(run.concurrency ? { concurrency: run.concurrency } : {}),
    ...(plan.gateways ? { gateways: gatewaysOfRun(plan) } : {}),
  };
  await writeManifest(runDir, manifest);
  await writeFileAtomic(runFiles(runDir).plan, redactedJson(plan, 2));
  return runManifest(runDir, manifest, args.sides, out, alreadyMigrated, { waitJoins: run.waitJoins, concurrency: run.concurrency, resuming: false });
}

/**
 * resume --run-dir: the manifest says what; the environment gives the keys. --concurrency
 * (1 to 256) replaces the run's own for this attempt; --wait-joins as for migrate.
 */
export async function resumeRun(flags: Flags, out: Output): Promise<number> {
  checkCommandFlags('resume', flags);
  const runDir = requireFlag(flags, 'run-dir');
  const concurrency = concurrencyFlag(flags);
  const waitJoins = intFlag('wait-joins', flags['wait-joins'], 0, MAX_WAIT_JOINS) ?? 0;
  const manifest = await readManifest(runDir).catch((err: unknown) => {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  });
  checkRunDeployments(manifest, flags);
  let fileDevices: Map<string, EndDevice> | undefined;
  if (manifest.source.kind === 'file') {
    const path = manifest.source.path;
    const { devices, problems } = await readDevicesJson(path).catch((err: unknown) => {
      throw new UsageError(`the run's devices.json ${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (problems.length > 0) throw new UsageError(`${path} changed since the run started and is no longer valid (device #${problems[0]!.index + 1}: ${problems[0]!.message})`);
    fileDevices = new Map(devices.map((d) => [d.ids.device_id, d]));
  }
  const keys = { source: manifest.source.kind === 'stack' ? await resolveKey(flags, 'source') : undefined, target: await resolveKey(flags, 'target') };
  const sides = await openSides(manifest, keys, fileDevices, { maxRequestsPerSecond: manifest.maxRequestsPerSecond });
  try {
    out.info(`Resuming the run in ${runDir}…`);
    return await runManifest(runDir, manifest, sides, out, 0, { waitJoins, concurrency, resuming: true });
  } finally {
    sides.close();
  }
}

async function runManifest(
  runDir: string, manifest: RunManifest, sides: Awaited<ReturnType<typeof openSides>>, out: Output, alreadyMigrated: number,
  how: { waitJoins: number; concurrency: number | undefined; resuming: boolean },
): Promise<number> {
  const { waitJoins, concurrency, resuming } = how;
  // With triggers the target is watched too: a device seen there needs its source quieted no longer.
  const watchJoins = waitJoins > 0 || manifest.options.trigger !== undefined;
  // Gateway keys go to the keychain only: a run that moves gateways needs it before anything is written.
  const store = keytarSecretStore(process.env.STACK_MIGRATOR_KEYCHAIN_SERVICE || DEFAULT_SERVICE);
  if (manifest.gateways) {
    const { available, message } = await store.check();
    if (!available) throw new UsageError(`this run moves gateways, whose keys are kept only in the OS keychain, which cannot be used: ${message ?? 'unavailable'}`);
  }
  const { run, finished } = startRun({
    runDir, manifest, sides, onEvent: (e) => out.event(e), watchJoins, resuming, ...(concurrency ? { concurrency } : {}),
    gatewaySecrets: (runId) => new GatewaySecrets(store, runId),
  });
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
    if (s.migrated > 0) {
      out.info(manifest.options.trigger
        ? `Re-join triggers: see which devices arrived with \`stack-migrator arrivals --run-dir ${runDir}\` (now, or days later).`
        : 'OTAA devices join the target at their next join: power-cycle them or send a downlink if they do not rejoin on their own.');
    }
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


