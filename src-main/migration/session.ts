// Glue shared by the CLI and the desktop app: clients for both sides, a run started from a
// manifest, and the files written when it ends.
import type { GatewaySecrets } from '../gateways/secrets.js';
import { StackClient, type ClientOptions } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import { SERVER_ADDRESS_FIELDS, type ServerAddresses } from './shape.js';
import { hasRight, RIGHT } from './preflight.js';
import type { SourceSide, TargetSide } from './pipeline.js';
import type { EndDevice } from '../stack/schemas.js';
import { MigrationRun, type RunSummary } from './runner.js';
import { runFiles, type RunManifest } from './run-dir.js';
import { readJournal } from './journal.js';
import { buildReport, writeReport, writeReprogramSheet } from './files/report.js';
import type { ProgressEvent } from './progress.js';
import { buildUpdateSheet, UPDATE_SHEET_FILE } from '../application/sheet.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { join } from 'node:path';

export interface Sides {
  source: SourceSide;
  target: TargetSide;
  close(): void;
}

/** Opens both sides; `canReadKeys` comes from each key's rights. */
export async function openSides(
  manifest: Pick<RunManifest, 'source' | 'target'>,
  keys: { source?: string; target: string },
  fileDevices?: ReadonlyMap<string, EndDevice>,
  clientOptions: ClientOptions = {},
): Promise<Sides> {
  const target = new StackClient({ ...manifest.target, apiKey: keys.target }, clientOptions);
  const clients = [target];
  let source: SourceSide;
  if (manifest.source.kind === 'stack') {
    if (!keys.source) throw new Error('The source API key is missing.');
    const client = new StackClient({ ...manifest.source, apiKey: keys.source }, clientOptions);
    clients.push(client);
    const rights = await client.applicationRights(manifest.source.appId);
    source = { kind: 'stack', client, appId: manifest.source.appId, canReadKeys: hasRight(rights, RIGHT.readKeys) };
  } else {
    if (!fileDevices) throw new Error('The devices of the file are missing.');
    source = { kind: 'file', devices: fileDevices };
  }
  // A target application a run is to create has no rights yet (the runner asks again once it exists).
  const targetRights = await target.applicationRights(manifest.target.appId).catch((err: unknown) => {
    if (err instanceof StackError && (err.is('NotFound') || err.is('PermissionDenied'))) return [] as string[];
    throw err;
  });
  return {
    source,
    target: {
      client: target, appId: manifest.target.appId, canReadKeys: hasRight(targetRights, RIGHT.readKeys),
      addresses: await applicationAddresses(target, manifest.target.appId),
    },
    close: () => clients.forEach((c) => c.close()),
  };
}

/**
 * The server addresses the target application names (the IS refuses devices whose addresses
 * differ). Unknown when the key may not read the application: the cluster host is used then.
 */
async function applicationAddresses(client: StackClient, appId: string): Promise<ServerAddresses | undefined> {
  try {
    const app = await client.getApplication(appId, [...SERVER_ADDRESS_FIELDS]);
    return Object.fromEntries(SERVER_ADDRESS_FIELDS.filter((f) => app[f]).map((f) => [f, app[f]]));
  } catch (err) {
    if (err instanceof StackError && err.kind === 'api') return undefined;
    throw err;
  }
}

export interface FinishedRun {
  summary: RunSummary;
  report: { json: string; csv: string };
  sheet?: { path: string; devices: number };
}

/** Starts (or resumes) the run of a manifest; `finished` also writes the report and sheet. */
export function startRun(args: {
  runDir: string;
  manifest: RunManifest;
  sides: Sides;
  onEvent: (e: ProgressEvent) => void;
  watchJoins?: boolean;
  concurrency?: number;
  /** Resuming an earlier attempt: its journal must be there and readable. */
  resuming?: boolean;
  /** Where the keys of moved gateways go (the keychain); required when the manifest moves gateways. */
  gatewaySecrets?: (runId: string) => GatewaySecrets;
}): { run: MigrationRun; finished: Promise<FinishedRun> } {
  const { runDir, manifest, sides } = args;
  const files = runFiles(runDir);
  const run = new MigrationRun({
    runDir, journalPath: files.journal, source: sides.source, target: sides.target, options: manifest.options,
    deviceIds: manifest.deviceIds, concurrency: args.concurrency ?? manifest.concurrency, watchJoins: args.watchJoins, onEvent: args.onEvent,
    resuming: args.resuming,
    ...(manifest.gateways && args.gatewaySecrets ? {
      gateways: { ...manifest.gateways, runId: manifest.runId, secrets: args.gatewaySecrets(manifest.runId), pollMs: gatewayPollMs() },
    } : {}),
  });
  const finished = (async () => {
    const summary = await run.done;
    return { summary, ...(await writeRunFiles(runDir, manifest, sides.target, sides)) };
  })();
  return { run, finished };
}

/** Report (always) and re-programming sheet (when devices need one), from the journal. */
export async function writeRunFiles(runDir: string, manifest: RunManifest, target: TargetSide, sides?: Pick<Sides, 'source'>) {
  const files = runFiles(runDir);
  const left = new Map<string, { outcome: string; error?: string }>([
    ...manifest.blocked.map((b): [string, { outcome: string; error?: string }] => [b.deviceId, { outcome: 'blocked', error: b.reasons.join(' ') }]),
    ...(manifest.alreadyOnTarget ?? []).map((id): [string, { outcome: string }] => [id, { outcome: 'already on the target' }]),
  ]);
  const rows = await buildReport(files.journal, [...manifest.deviceIds, ...left.keys()], left);
  const report = await writeReport(runDir, rows);
  const { devices } = await readJournal(files.journal);
  if (manifest.options.application && sides?.source.kind === 'stack') {
    // What the user must still do by hand (MQTT username and host, webhooks' receivers, API keys).
    const sheet = await buildUpdateSheet({
      source: { client: sides.source.client, appId: sides.source.appId }, target: { client: target.client, appId: target.appId },
      journal: devices, webhookDownlinkKeys: manifest.options.application.webhookDownlinkKeys,
    }).catch(() => undefined);
    if (sheet) await writeFileAtomic(join(runDir, UPDATE_SHEET_FILE), sheet, 0o600);
  }
  const needSheet = [...devices.values()]
    .filter((d) => d.facts.targetId && (d.facts.reprogram === true) && ['awaiting-reprogram', 'retired', 'joined'].includes(d.step ?? ''))
    .map((d) => d.facts.targetId!);
  if (needSheet.length === 0) return { report };
  const count = await writeReprogramSheet(files.sheet, { client: target.client, appId: target.appId }, needSheet);
  return { report, sheet: { path: files.sheet, devices: count } };
}

/** How often a run reads the target's gateway connections (STACK_MIGRATOR_GATEWAY_POLL_MS: tests and the demo poll faster). */
export function gatewayPollMs(env = process.env): number {
  const n = Number(env.STACK_MIGRATOR_GATEWAY_POLL_MS);
  return Number.isInteger(n) && n >= 50 ? n : 5000;
}
