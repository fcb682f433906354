// A gateway run's folder: `gateway-run.json` (the deployments and the plan: no secret) and the
// journal. Start, resume, status: the keys come from the caller (environment or keychain).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { Journal, readJournal, JournalMissingError, type DeviceJournalState } from '../migration/journal.js';
import { newRunId, RunDirError, runFiles, userDataDir } from '../migration/run-dir.js';
import type { StackClient } from '../stack/client.js';
import { checkConnections, runGatewayActions, type GatewayRunContext } from './run.js';
import { FINAL_GATEWAY_STATES, gatewayStatus, recordOf } from './status.js';
import { gatewayPlanSchema, type GatewayPlan, type GatewayRunStatus, type GatewayStatus } from './schema.js';
import type { GatewaySecrets } from './secrets.js';

const side = z.object({ isUrl: z.string(), clusterUrl: z.string(), ca: z.array(z.string()).optional() });
export const gatewayRunManifestSchema = z.object({
  version: z.literal(1),
  kind: z.literal('gateways'),
  runId: z.string(),
  createdAt: z.string(),
  source: side,
  target: side,
  plan: gatewayPlanSchema,
});
export type GatewayRunManifest = z.infer<typeof gatewayRunManifestSchema>;

export const gatewayRunFile = (runDir: string) => join(runDir, 'gateway-run.json');
export const gatewayRunsDir = (env = process.env) => join(userDataDir(env), 'gateway-runs');

export async function readGatewayRun(runDir: string): Promise<GatewayRunManifest> {
  const text = await readFile(gatewayRunFile(runDir), 'utf8').catch(() => {
    throw new RunDirError(`${runDir} is not a gateway run folder (no gateway-run.json).`);
  });
  return gatewayRunManifestSchema.parse(JSON.parse(text));
}

export interface GatewaySides {
  source: StackClient;
  target: StackClient;
}

export interface GatewayRunOptions extends GatewaySides {
  secrets: (runId: string) => GatewaySecrets;
  ownerTokens?: Record<string, string>;
  signal?: AbortSignal;
  onStatus?: (s: GatewayStatus) => void;
  /** How often the target's connection stats are read while gateways are waiting (ms). */
  pollMs?: number;
  /** Do not wait for connections (the status command checks later). */
  noWait?: boolean;
}

/** Creates the run folder and runs the plan in it. */
export async function startGatewayRun(plan: GatewayPlan, opts: GatewayRunOptions & { runDir?: string; runId?: string; ca?: string[]; onFolder?: (runDir: string) => Promise<void> }): Promise<{ runId: string; runDir: string; status: GatewayRunStatus }> {
  const runId = opts.runId ?? newRunId();
  const runDir = opts.runDir ?? join(gatewayRunsDir(), runId);
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  if (await stat(gatewayRunFile(runDir)).then(() => true, () => false)) throw new RunDirError(`${runDir} already holds a gateway run: resume it or choose another folder`);
  const manifest: GatewayRunManifest = {
    version: 1, kind: 'gateways', runId, createdAt: new Date().toISOString(),
    source: { isUrl: opts.source.target.isUrl, clusterUrl: opts.source.target.clusterUrl, ...(opts.ca ? { ca: opts.ca } : {}) },
    target: { isUrl: opts.target.target.isUrl, clusterUrl: opts.target.target.clusterUrl, ...(opts.ca ? { ca: opts.ca } : {}) },
    plan,
  };
  await writeFileAtomic(gatewayRunFile(runDir), JSON.stringify(manifest, null, 2));
  await opts.onFolder?.(runDir);
  const journal = await Journal.open(runFiles(runDir).journal);
  try {
    await journal.append({ t: 'header', v: 1, runId, createdAt: manifest.createdAt, run: { kind: 'gateways', gateways: plan.gateways.length } });
    const status = await runIn(runDir, manifest, journal, new Map(), opts);
    return { runId, runDir, status };
  } finally {
    await journal.close();
  }
}

/** Continues a gateway run after a crash or a quit (the journal says where each gateway stands). */
export async function resumeGatewayRun(runDir: string, opts: GatewayRunOptions): Promise<GatewayRunStatus> {
  const manifest = await readGatewayRun(runDir);
  const path = runFiles(runDir).journal;
  if (!(await stat(path).then(() => true, () => false))) throw new JournalMissingError(path);
  const prior = (await readJournal(path)).devices;
  const journal = await Journal.open(path);
  try {
    return await runIn(runDir, manifest, journal, prior, opts);
  } finally {
    await journal.close();
  }
}

async function runIn(runDir: string, m: GatewayRunManifest, journal: Journal, prior: Map<string, DeviceJournalState>, opts: GatewayRunOptions): Promise<GatewayRunStatus> {
  const ctx: GatewayRunContext = {
    runId: m.runId, source: opts.source, target: opts.target, plan: m.plan, journal, prior,
    secrets: opts.secrets(m.runId), ownerTokens: opts.ownerTokens, signal: opts.signal, onStatus: opts.onStatus,
  };
  for (const g of m.plan.gateways) opts.onStatus?.(gatewayStatus(g, prior.get(recordOf(g.id))));
  await runGatewayActions(ctx);
  if (!opts.noWait) await waitForConnections(runDir, ctx, opts.pollMs ?? 5000);
  return statusOf(runDir, m, (await readJournal(runFiles(runDir).journal)).devices);
}

/** Reads the target's connection stats until every re-pointed or claimed gateway is connected, or its wait is over. */
async function waitForConnections(runDir: string, ctx: GatewayRunContext, pollMs: number): Promise<void> {
  const limitMs = ctx.plan.options.waitSeconds * 1000;
  for (;;) {
    const records = (await readJournal(runFiles(runDir).journal)).devices;
    await checkConnections(ctx, records);
    const waiting = ctx.plan.gateways.filter((g) => {
      const r = records.get(recordOf(g.id));
      return (r?.step === 'gw-repointed' || r?.step === 'gw-claimed') && Date.now() - (r.gw?.since ?? 0) < limitMs;
    });
    if (waiting.length === 0 || ctx.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, pollMs);
      ctx.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}

function statusOf(runDir: string, m: GatewayRunManifest, records: Map<string, DeviceJournalState>): GatewayRunStatus {
  const gateways = m.plan.gateways.map((g) => gatewayStatus(g, records.get(recordOf(g.id))));
  const finished = gateways.every((s) => FINAL_GATEWAY_STATES.has(s.state) || s.state === 'waiting');
  return { runId: m.runId, runDir, gateways, finished };
}

/** Where each gateway of a run stands; with the target, also reads the connections of those waiting (and journals them). */
export async function gatewayRunStatus(runDir: string, target?: StackClient): Promise<GatewayRunStatus> {
  const m = await readGatewayRun(runDir);
  const path = runFiles(runDir).journal;
  if (!(await stat(path).then(() => true, () => false))) return statusOf(runDir, m, new Map());
  const records = (await readJournal(path)).devices;
  if (target) {
    const journal = await Journal.open(path);
    try {
      await checkConnections({ target, plan: m.plan, journal }, records);
    } finally {
      await journal.close();
    }
  }
  return statusOf(runDir, m, records);
}
