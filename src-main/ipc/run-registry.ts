// The runs the app knows: those running or watched in this session (in memory), and the
// run folders under <userData>/runs. Each app run folder holds, next to run.json, the ids of
// the connections it uses (app-run.json) — never a key: keys come from the keychain.
import { GatewaySecrets } from '../gateways/secrets.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createRunDir, newRunId, readManifest, runFiles, writeManifest, type RunManifest } from '../migration/run-dir.js';
import { openSides, startRun, type FinishedRun, type Sides } from '../migration/session.js';
import type { MigrationRun } from '../migration/runner.js';
import { deviceStateSchema, type DeviceState, type ProgressEvent } from '../migration/progress.js';
import { targetDeviceId } from '../migration/options.js';
import { writeFileAtomic } from '../credentials/connections-file.js';
import type { Logger } from '../logging/log-file.js';
import { redact, redactedJson } from '../logging/redact.js';
import type { RunInfo } from './contract.js';
import { targetOfConnection, type ConnectionRegistry } from './connection-registry.js';
import type { StoredConnection } from '../credentials/connections-file.js';
import { conflict, IpcFailure, notFound } from './errors.js';
import type { HandlerDeps } from './handlers.js';

export const RUN_SIDE_FILE = 'app-run.json';
/** Run ids as newRunId() makes them; anything else never becomes a path. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

const sideRef = z.object({ connectionId: z.string(), applicationId: z.string(), name: z.string() });
export const runSideSchema = z.object({ version: z.literal(1), source: sideRef, target: sideRef, demo: z.boolean() });
export type RunSide = z.infer<typeof runSideSchema>;

/** What happens around a demo run: the simulated devices join and send uplinks. */
export interface RunHooks {
  onWaitingJoin(sourceId: string, targetId: string): void;
  onRetired(targetIds: string[]): void;
}

const WAITING: ReadonlySet<DeviceState> = new Set(['waiting-join', 'awaiting-reprogram']);

export const labelOf = (ref: RunSide['source']) => `${ref.name} · ${ref.applicationId}`;

/**
 * A progress event as the renderer gets it: errors and notices redacted, and totals with a
 * count for every state (the contract's record of states is exhaustive; the runner only
 * counts the states present).
 */
export function redactEvent(e: ProgressEvent): ProgressEvent {
  if ((e.type === 'device' || e.type === 'application') && e.error) return { ...e, error: redact(e.error) };
  if (e.type === 'notice') return { ...e, message: redact(e.message) };
  if (e.type === 'totals') return { ...e, counts: Object.fromEntries(deviceStateSchema.options.map((s) => [s, e.counts[s] ?? 0])) as typeof e.counts };
  return e;
}

export class ActiveRun {
  run!: MigrationRun;
  finished!: Promise<FinishedRun | undefined>;
  /** From start until the report is written. */
  running = false;
  /** The runner has said "finished" or "cancelled" (the report may still be being written). */
  ended = false;

  constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly manifest: RunManifest,
    readonly side: RunSide,
    public sides: Sides | undefined,
    private readonly env: { deps: HandlerDeps; log: Logger; hooks?: RunHooks },
  ) {}

  /** Running and not yet ended: it still starts devices. */
  get busy(): boolean {
    return this.running && !this.ended;
  }

  /** Waits for the end of an attempt that has ended but is still writing its report. */
  async settled(): Promise<void> {
    if (this.running && this.ended) await this.finished;
  }

  get hooks(): RunHooks | undefined {
    return this.env.hooks;
  }

  /** Starts (or, on the same folder, resumes and retries) the run of the manifest. */
  startAttempt(sides: Sides, resuming: boolean): void {
    this.sides = sides;
    this.running = true;
    this.ended = false;
    const { deps, log, hooks } = this.env;
    const { run, finished } = startRun({
      runDir: this.runDir, manifest: this.manifest, sides, watchJoins: true, resuming,
      gatewaySecrets: (runId) => new GatewaySecrets(deps.secrets, runId),
      onEvent: (e) => {
        if (e.type === 'run' && (e.state === 'finished' || e.state === 'cancelled')) this.ended = true;
        deps.emit('run:progress', { runId: this.runId, event: redactEvent(e) });
        if (e.type === 'device' && e.state === 'waiting-join') hooks?.onWaitingJoin(e.deviceId, e.targetId ?? targetDeviceId(e.deviceId, this.manifest.options.idMapping));
        if (e.type === 'device' && !this.running) this.releaseWhenSettled();
      },
    });
    this.run = run;
    this.finished = finished.then(
      (result) => {
        const s = result.summary;
        log.info(`run ${this.runId} ended: ${s.migrated} migrated, ${s.awaitingReprogram} awaiting re-programming, ${s.failed} failed, ${s.cancelled + s.notStarted} not done`);
        return result;
      },
      (err: unknown) => {
        log.error(`run ${this.runId}: the report could not be written`, err);
        deps.emit('run:progress', { runId: this.runId, event: { type: 'notice', level: 'error', message: 'The run ended, but its report could not be written (see the log file).', at: Date.now() } });
        return undefined;
      },
    ).finally(() => {
      this.running = false;
      this.releaseWhenSettled();
    });
  }

  /** Once nothing is left to watch, the event stream closes and the keys leave memory. */
  private releaseWhenSettled(): void {
    if (this.running || !this.sides) return;
    if ([...this.run.states.values()].some((s) => WAITING.has(s))) return;
    this.release();
  }

  release(): void {
    this.run?.stopWatching();
    this.sides?.close();
    this.sides = undefined;
  }

  info(): RunInfo {
    const counts: Record<string, number> = {};
    for (const s of this.run.states.values()) counts[s] = (counts[s] ?? 0) + 1;
    return {
      runId: this.runId, runDir: this.runDir, createdAt: this.manifest.createdAt,
      sourceLabel: labelOf(this.side.source), targetLabel: labelOf(this.side.target),
      total: this.manifest.deviceIds.length, counts, finished: !this.running,
      ...(this.manifest.options.application ? { carriesApplication: true } : {}),
    };
  }
}

export class RunRegistry {
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: HandlerDeps, private readonly log: Logger) {}

  get runsDir(): string {
    return join(this.deps.userDataDir, 'runs');
  }

  dirOf(runId: string): string {
    if (!RUN_ID_PATTERN.test(runId)) throw notFound(`There is no run "${runId}".`);
    return join(this.runsDir, runId);
  }

  get(runId: string): ActiveRun | undefined {
    return this.active.get(runId);
  }

  require(runId: string): ActiveRun {
    const run = this.active.get(runId);
    if (!run) throw notFound(`There is no run "${runId}" in progress.`);
    return run;
  }

  anyRunning(): boolean {
    return [...this.active.values()].some((r) => r.busy);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Whether a run of this session still needs the connection (running or watching joins). */
  usesConnection(connectionId: string): boolean {
    return [...this.active.values()].some((r) => (r.running || r.sides) && (r.side.source.connectionId === connectionId || r.side.target.connectionId === connectionId));
  }

  /** Creates the run folder: manifest, plan (keys redacted) and the connection ids. */
  async create(args: { manifest: Omit<RunManifest, 'runId' | 'createdAt' | 'version'>; side: RunSide; plan: unknown }): Promise<{ runId: string; runDir: string; manifest: RunManifest }> {
    const runId = newRunId();
    const runDir = await createRunDir(this.dirOf(runId), runId);
    const manifest: RunManifest = { version: 1, runId, createdAt: new Date().toISOString(), ...args.manifest };
    await writeFileAtomic(runFiles(runDir).plan, redactedJson(args.plan, 2));
    await writeFileAtomic(join(runDir, RUN_SIDE_FILE), JSON.stringify(args.side, null, 2));
    await writeManifest(runDir, manifest);
    return { runId, runDir, manifest };
  }

  async start(args: { runId: string; runDir: string; manifest: RunManifest; side: RunSide; sides: Sides; hooks?: RunHooks; /** A later attempt on the folder: its journal must be readable. */ resuming?: boolean }): Promise<ActiveRun> {
    if (this.anyRunning()) throw conflict('A run is in progress: wait for it to finish or cancel it first.');
    await Promise.all([...this.active.values()].map((r) => r.settled()));
    const previous = this.active.get(args.runId);
    previous?.release();
    const run = new ActiveRun(args.runId, args.runDir, args.manifest, args.side, undefined, { deps: this.deps, log: this.log, hooks: args.hooks });
    run.startAttempt(args.sides, args.resuming ?? false);
    this.active.set(args.runId, run);
    this.log.info(`run ${args.runId} started: ${args.manifest.deviceIds.length} device(s) in ${args.runDir}`);
    return run;
  }

  /** A run folder on disk (for runs of earlier sessions). */
  async readFolder(runId: string): Promise<{ runDir: string; manifest: RunManifest; side?: RunSide }> {
    const runDir = this.dirOf(runId);
    let manifest: RunManifest;
    try {
      manifest = await readManifest(runDir);
    } catch {
      throw notFound(`There is no run "${runId}".`);
    }
    return { runDir, manifest, side: await readSide(runDir) };
  }

  async listFolders(): Promise<string[]> {
    try {
      return (await readdir(this.runsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && RUN_ID_PATTERN.test(d.name)).map((d) => d.name);
    } catch {
      return [];
    }
  }

  /** Stops the runs that match (the demo's, when its servers are about to go; all, on quit). */
  async stopWhere(pred: (r: ActiveRun) => boolean): Promise<void> {
    const runs = [...this.active.values()].filter(pred);
    await Promise.all(runs.map((r) => this.stop(r)));
    for (const r of runs) this.active.delete(r.runId);
  }

  async stopAll(): Promise<void> {
    await this.stopWhere(() => true);
  }

  private async stop(r: ActiveRun): Promise<void> {
    if (r.running) {
      r.run.cancel();
      // Devices in flight finish their current write and roll back; do not wait forever.
      await Promise.race([r.finished, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    }
    r.release();
  }
}

export async function readSide(runDir: string): Promise<RunSide | undefined> {
  try {
    const parsed = runSideSchema.safeParse(JSON.parse(await readFile(join(runDir, RUN_SIDE_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A base URL as the client uses it ("https://host", no trailing slash or /api/v3), or undefined. */
function baseOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url.includes('://') ? url.trim() : `https://${url.trim()}`);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '')}`;
  } catch {
    return undefined;
  }
}

/**
 * The deployment of a run's side: the saved connection's own addresses and CA, never those
 * in the run folder (a run.json edited to name another host must not receive the keychain's
 * key). Refused, in words, when run.json names other addresses or another application.
 */
function sideTarget(which: 'source' | 'target', named: { isUrl: string; clusterUrl: string; appId: string }, connection: StoredConnection, ref: RunSide['source']) {
  const own = targetOfConnection(connection);
  for (const [field, words] of [['isUrl', 'Identity Server'], ['clusterUrl', 'cluster']] as const) {
    if (baseOf(named[field]) !== baseOf(own[field])) {
      throw conflict(
        `run.json names ${JSON.stringify(String(named[field]))} as the ${which}'s ${words}, but the connection "${connection.name}" is at ${own[field]}: ` +
        'the run folder does not match its connection, so the run was not opened and nothing was sent (a run folder cannot send a saved connection\'s key to another address).',
      );
    }
  }
  if (named.appId !== ref.applicationId) {
    throw conflict(`run.json names the application ${JSON.stringify(named.appId)} as the ${which}, but the run was started with "${ref.applicationId}": the run folder does not match its connection, so the run was not opened.`);
  }
  return { ...own, appId: ref.applicationId };
}

/**
 * Both sides of a run, with the keys of its connections (from the keychain, or the demo's
 * memory), at the connections' own addresses.
 */
export async function openRunSides(connections: ConnectionRegistry, manifest: Pick<RunManifest, 'source' | 'target'>, side: RunSide): Promise<Sides> {
  const [source, target] = await Promise.all([connections.get(side.source.connectionId), connections.get(side.target.connectionId)]).catch((err: unknown) => {
    if (err instanceof IpcFailure && err.code === 'not-found') throw notFound(`A connection of this run no longer exists (${side.source.name} or ${side.target.name}): add it again to continue the run.`);
    throw err;
  });
  if (manifest.source.kind !== 'stack') throw conflict('This run imported a devices.json file: continue it with `stack-migrator resume`.');
  // Checked before any key leaves the keychain.
  const deployments = {
    source: { kind: 'stack' as const, ...sideTarget('source', manifest.source, source, side.source) },
    target: sideTarget('target', manifest.target, target, side.target),
  };
  const [sourceKey, targetKey] = await Promise.all([connections.keyOf(source), connections.keyOf(target)]);
  return openSides(deployments, { source: sourceKey, target: targetKey }, undefined, connections.clientOptions);
}
