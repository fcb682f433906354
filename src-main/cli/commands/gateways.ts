// stack-migrator gateways plan|migrate|resume|status|rollback|sheet: moving gateways with the
// conventions of the device commands (dry run, JSON lines, exit codes, run folder). Keys minted
// on the target and the source's old LNS keys go to the OS keychain only.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_SERVICE, keytarSecretStore, type SecretStore } from '../../credentials/index.js';
import { redact, redactValue } from '../../logging/redact.js';
import { StackClient } from '../../stack/client.js';
import { GatewayApi } from '../../stack/gateway-api.js';
import { keyOwner, listProblem, planGateways } from '../../gateways/plan.js';
import { gatewayKindSchema, gatewayIdSchema, type GatewayPlan, type GatewayRunStatus, type GatewayStatus } from '../../gateways/schema.js';
import { GatewaySecrets, both } from '../../gateways/secrets.js';
import { gatewayRunStatus, readGatewayRun, resumeGatewayRun, startGatewayRun } from '../../gateways/session.js';
import { rollbackGateways } from '../../gateways/rollback.js';
import { gatewaySheet } from '../../gateways/sheet.js';
import { checkCommandFlags, intFlag, requireFlag, type Flags, UsageError } from '../args.js';
import { resolveKey, resolveSide } from '../sides.js';
import { connectionTargetSchema } from '../../stack/connection.js';
import { EXIT } from './migrate.js';

type Sub = 'plan' | 'migrate' | 'resume' | 'status' | 'rollback' | 'sheet';

const print = (json: boolean, o: unknown, human: string): void => void process.stdout.write(json ? `${JSON.stringify(redactValue(o))}\n` : `${redact(human)}\n`);

function keychain(env = process.env): SecretStore {
  return keytarSecretStore(env.STACK_MIGRATOR_KEYCHAIN_SERVICE || DEFAULT_SERVICE);
}

async function requireKeychain(store: SecretStore): Promise<void> {
  const { available, message } = await store.check();
  if (!available) throw new UsageError(`gateway keys are kept only in the OS keychain, which cannot be used: ${message ?? 'unavailable'}`);
}

function ownerFlag(v: string | undefined) {
  if (!v) return undefined;
  const m = /^(user|org):([a-z0-9](?:-?[a-z0-9])+)$/.exec(v);
  if (!m) throw new UsageError('--target-owner must be user:ID or org:ID');
  return { kind: m[1] === 'user' ? ('user' as const) : ('organization' as const), id: m[2]! };
}

function kindsFlag(values: string[] | undefined): Record<string, z.infer<typeof gatewayKindSchema>> {
  const out: Record<string, z.infer<typeof gatewayKindSchema>> = {};
  for (const v of (values ?? []).flatMap((s) => s.split(','))) {
    const [id, kind] = v.split('=');
    const parsed = gatewayKindSchema.safeParse(kind);
    if (!id || !parsed.success) throw new UsageError(`--gateway-kind takes ID=KIND with KIND one of ${gatewayKindSchema.options.join(', ')}`);
    out[id] = parsed.data;
  }
  return out;
}

/** Owner tokens come from a JSON file ({"gateway-id": "token"}): never from the command line. */
function ownerTokensFlag(file: string | undefined): Record<string, string> | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UsageError(`cannot read the owner tokens file ${file} (JSON: {"gateway-id": "token"})`);
  }
  const r = z.record(z.string(), z.string().min(1)).safeParse(parsed);
  if (!r.success) throw new UsageError(`${file}: expected {"gateway-id": "token"}`);
  for (const t of Object.values(r.data)) both(t);
  return r.data;
}

async function client(flags: Flags, s: 'source' | 'target'): Promise<StackClient> {
  const { target, apiKey } = await resolveSide(flags, s);
  return new StackClient({ ...target, apiKey });
}

function statusLine(s: GatewayStatus): string {
  const since = s.since ? ` (${Math.round((Date.now() - s.since) / 1000)} s since re-pointing)` : '';
  const what = s.state === 'waiting' ? `waiting for the gateway to reconnect${since}` : s.state === 'connected' ? `connected (${s.protocol ?? '?'}) at ${s.connectedAt}` : s.state;
  return `${s.id}: ${what}${s.error ? ` — ${s.error}` : ''}`;
}

function printPlan(plan: GatewayPlan, json: boolean): void {
  if (json) return print(true, { type: 'gateway-plan', plan }, '');
  const lines = [`Gateways to ${plan.targetServerAddress} (owner ${plan.targetOwner.kind} "${plan.targetOwner.id}"):`];
  for (const g of plan.gateways) {
    lines.push(`  ${g.id} [${g.kind}] ${g.status} → ${g.action}: ${g.kindReason}`);
    for (const b of g.blockers) lines.push(`    blocked: ${b.message}`);
    for (const w of g.warnings) lines.push(`    warning: ${w.message}`);
    for (const m of g.manual) lines.push(`    by hand: ${m}`);
  }
  for (const b of plan.blockers) lines.push(`blocked: ${b.message}`);
  lines.push(`Packet Broker: ${plan.packetBroker}`);
  print(false, null, lines.join('\n'));
}

function exitOf(status: GatewayRunStatus): number {
  return status.gateways.some((g) => g.state === 'failed' || g.state === 'waiting' || g.state === 'pending') ? EXIT.failed : EXIT.ok;
}

function printStatus(status: GatewayRunStatus, json: boolean): void {
  if (json) for (const g of status.gateways) print(true, { type: 'gateway', gateway: g }, '');
  else print(false, null, status.gateways.map(statusLine).join('\n'));
  print(json, { summary: { runDir: status.runDir, gateways: status.gateways.length, states: countStates(status) } }, `Run folder: ${status.runDir}`);
}

const countStates = (s: GatewayRunStatus) => s.gateways.reduce<Record<string, number>>((acc, g) => ({ ...acc, [g.state]: (acc[g.state] ?? 0) + 1 }), {});

async function manifestSides(flags: Flags, runDir: string, which: ('source' | 'target')[]) {
  const m = await readGatewayRun(runDir);
  const out: Partial<Record<'source' | 'target', StackClient>> = {};
  for (const s of which) {
    const t = connectionTargetSchema.parse({ isUrl: m[s].isUrl, clusterUrl: m[s].clusterUrl, ...(m[s].ca ? { ca: m[s].ca } : {}), ...(flags['insecure-http'] ? { allowInsecureHttp: true } : {}) });
    out[s] = new StackClient({ ...t, apiKey: await resolveKey(flags, s) });
  }
  return out;
}

export async function gatewaysCommand(sub: string, flags: Flags): Promise<number> {
  if (!['plan', 'migrate', 'resume', 'status', 'rollback', 'sheet'].includes(sub)) throw new UsageError(`unknown gateways command "${sub}" (plan, migrate, resume, status, rollback, sheet)`);
  checkCommandFlags(`gateways ${sub}` as never, flags);
  const json = Boolean(flags.json);
  const secrets = (store: SecretStore) => (runId: string) => new GatewaySecrets(store, runId);
  const pollMs = intFlag('poll-ms', flags['poll-ms'], 50, 600_000);
  switch (sub as Sub) {
    case 'plan':
    case 'migrate': {
      const source = await client(flags, 'source');
      const target = await client(flags, 'target');
      try {
        let ids: string[];
        if (flags.all) {
          const owner = await keyOwner(source);
          const problem = listProblem(owner);
          if (problem) throw new UsageError(problem);
          ids = (await new GatewayApi(source).list(undefined)).map((g) => g.ids.gateway_id);
        } else {
          ids = requireFlag(flags, 'gateways').split(',').map((s) => s.trim()).filter(Boolean);
          for (const id of ids) if (!gatewayIdSchema.safeParse(id).success) throw new UsageError(`"${id}" is not a gateway id`);
        }
        if (ids.length === 0) throw new UsageError('no gateways selected');
        const tokens = ownerTokensFlag(flags['owner-tokens']);
        const plan = await planGateways({
          source, target, ids,
          options: { targetOwner: ownerFlag(flags['target-owner']), kinds: kindsFlag(flags['gateway-kind']), waitSeconds: intFlag('gateway-wait', flags['gateway-wait'], 0, 86_400), claimWithToken: Object.keys(tokens ?? {}) },
        });
        printPlan(plan, json);
        const blocked = plan.blockers.length > 0 || plan.counts.ready === 0 && plan.counts.alreadyMigrated === 0;
        if (sub === 'plan' || flags['dry-run']) return blocked || plan.counts.blocked > 0 ? EXIT.usage : EXIT.ok;
        if (plan.blockers.length > 0) return EXIT.usage;
        const store = keychain();
        await requireKeychain(store);
        const { status } = await startGatewayRun(plan, {
          source, target, secrets: secrets(store), ownerTokens: tokens, runDir: flags['run-dir'], pollMs,
          onStatus: (s) => print(json, { type: 'gateway', gateway: s }, statusLine(s)),
        });
        printStatus(status, json);
        return plan.counts.blocked > 0 ? EXIT.failed : exitOf(status);
      } finally {
        source.close();
        target.close();
      }
    }
    case 'resume': {
      const runDir = requireFlag(flags, 'run-dir');
      const { source, target } = await manifestSides(flags, runDir, ['source', 'target']);
      const store = keychain();
      await requireKeychain(store);
      try {
        const status = await resumeGatewayRun(runDir, {
          source: source!, target: target!, secrets: secrets(store), ownerTokens: ownerTokensFlag(flags['owner-tokens']), pollMs,
          onStatus: (s) => print(json, { type: 'gateway', gateway: s }, statusLine(s)),
        });
        printStatus(status, json);
        return exitOf(status);
      } finally {
        source!.close();
        target!.close();
      }
    }
    case 'status': {
      const runDir = requireFlag(flags, 'run-dir');
      const { target } = await manifestSides(flags, runDir, ['target']);
      try {
        const status = await gatewayRunStatus(runDir, target);
        printStatus(status, json);
        return exitOf(status);
      } finally {
        target!.close();
      }
    }
    case 'rollback': {
      const runDir = requireFlag(flags, 'run-dir');
      const m = await readGatewayRun(runDir);
      const ids = flags.all ? m.plan.gateways.map((g) => g.id) : requireFlag(flags, 'gateways').split(',').map((s) => s.trim()).filter(Boolean);
      const { source, target } = await manifestSides(flags, runDir, ['source', 'target']);
      const store = keychain();
      await requireKeychain(store);
      try {
        const r = await rollbackGateways(runDir, ids, { source: source!, target: target!, secrets: secrets(store) });
        print(json, { type: 'rollback', ...r }, [...r.restored.map((id) => `${id}: restored on the source, target key revoked`), ...r.failed.map((f) => `${f.id}: not rolled back — ${f.error}`)].join('\n'));
        return r.failed.length > 0 ? EXIT.failed : EXIT.ok;
      } finally {
        source!.close();
        target!.close();
      }
    }
    case 'sheet': {
      const runDir = requireFlag(flags, 'run-dir');
      const out = requireFlag(flags, 'out');
      const store = keychain();
      await requireKeychain(store);
      // The user asked for this file: it may hold tc.key contents (written 0600).
      await writeFile(out, await gatewaySheet(runDir, secrets(store)), { mode: 0o600 });
      print(json, { type: 'sheet', savedTo: out }, `Sheet written to ${out} (it may hold LNS keys: keep it safe).`);
      return EXIT.ok;
    }
  }
}
