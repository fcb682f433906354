// Command-line flags, parsed strictly: unknown flags and bad values are usage errors (exit 2).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectionTargetSchema, type ConnectionTarget } from '../stack/connection.js';
import { migrationOptionsSchema, type MigrationOptions } from '../migration/options.js';
import { CONCURRENCY_RANGE } from '../migration/run-dir.js';
import { ID_PATTERN } from '../stack/schemas.js';
import { gatewayOptionsSchema } from '../gateways/schema.js';
import type { z } from 'zod';
import type { triggerOptionsSchema } from '../triggers/commands.js';
import type { applicationOptionsSchema } from '../application/options.js';

type TriggerOptionsInput = z.input<typeof triggerOptionsSchema>;

export class UsageError extends Error {}

export const FLAGS = {
  source: { type: 'string' }, target: { type: 'string' },
  'source-is': { type: 'string' }, 'source-cluster': { type: 'string' },
  'target-is': { type: 'string' }, 'target-cluster': { type: 'string' },
  'source-app': { type: 'string' }, 'target-app': { type: 'string' },
  'source-connection': { type: 'string' }, 'target-connection': { type: 'string' },
  devices: { type: 'string' }, all: { type: 'boolean' },
  'otaa-source-action': { type: 'string' }, 'abp-mode': { type: 'string' }, 'downlinks-off': { type: 'string' },
  'id-prefix': { type: 'string' }, 'generate-keys': { type: 'boolean' },
  'dry-run': { type: 'boolean' }, concurrency: { type: 'string' }, 'max-rate': { type: 'string' }, 'run-dir': { type: 'string' },
  ca: { type: 'string', multiple: true }, 'insecure-http': { type: 'boolean' }, json: { type: 'boolean' },
  'wait-joins': { type: 'string' }, out: { type: 'string' }, 'with-session': { type: 'boolean' },
  file: { type: 'string' }, port: { type: 'string' }, app: { type: 'string' }, 'latency-ms': { type: 'string' },
  'rate-limit': { type: 'string' }, 'error-rate': { type: 'string' }, 'drop-rate': { type: 'string' }, admin: { type: 'boolean' },
  seed: { type: 'string' }, 'separate-cluster': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  'trigger-rejoin': { type: 'boolean' }, 'trigger-command': { type: 'string' }, 'trigger-fport': { type: 'string' },
  'trigger-payload': { type: 'string' }, 'trigger-wait': { type: 'string' }, 'trigger-library': { type: 'string' },
  'with-application': { type: 'boolean' }, 'create-target-app': { type: 'string' }, 'webhook-downlink-keys': { type: 'string' },
  'overwrite-app-items': { type: 'string' },
  gateways: { type: 'string' }, 'target-owner': { type: 'string' }, 'gateway-kind': { type: 'string', multiple: true },
  'gateway-wait': { type: 'string' }, 'owner-tokens': { type: 'string' }, 'poll-ms': { type: 'string' }, 'move-gateways': { type: 'string' },
} as const;

export type Flags = ReturnType<typeof parse>['values'];
type FlagName = keyof typeof FLAGS;

const side = (s: 'source' | 'target') => [s, `${s}-is`, `${s}-cluster`, `${s}-app`, `${s}-connection`] as const;
const COMMON = ['json', 'help'] as const;
const RUN = ['otaa-source-action', 'abp-mode', 'downlinks-off', 'id-prefix', 'generate-keys', 'dry-run', 'concurrency', 'max-rate', 'run-dir', 'wait-joins', 'ca', 'insecure-http'] as const;
const TRIGGER = ['trigger-rejoin', 'trigger-command', 'trigger-fport', 'trigger-payload', 'trigger-wait', 'trigger-library'] as const;
const APPLICATION = ['with-application', 'create-target-app', 'webhook-downlink-keys', 'overwrite-app-items'] as const;
const WITH_GATEWAYS = ['move-gateways', 'target-owner', 'gateway-wait'] as const;
/** The flags each command uses. A flag given to a command that would ignore it is a usage error. */
const COMMAND_FLAGS: Record<string, readonly FlagName[]> = {
  plan: [...COMMON, ...side('source'), ...side('target'), 'devices', 'all', ...RUN, ...TRIGGER, ...APPLICATION, ...WITH_GATEWAYS],
  migrate: [...COMMON, ...side('source'), ...side('target'), 'devices', 'all', ...RUN, ...TRIGGER, ...APPLICATION, ...WITH_GATEWAYS],
  'app-plan': [...COMMON, ...side('source'), ...side('target'), 'devices', 'all', 'ca', 'insecure-http', ...APPLICATION],
  import: [...COMMON, ...side('target'), 'file', ...RUN],
  // The run folder holds the deployments, options and rate cap; the keys come from the environment or a saved connection.
  resume: [...COMMON, 'run-dir', 'source-connection', 'target-connection', 'concurrency', 'wait-joins', 'insecure-http'],
  retire: [...COMMON, 'run-dir', 'source-connection', 'target-connection', 'devices', 'all', 'insecure-http'],
  export: [...COMMON, ...side('source'), 'devices', 'all', 'out', 'with-session', 'ca', 'insecure-http'],
  sim: [...COMMON, 'port', 'devices', 'app', 'latency-ms', 'rate-limit', 'error-rate', 'drop-rate', 'admin', 'seed', 'separate-cluster'],
  demo: [...COMMON, 'devices', 'separate-cluster', 'run-dir'],
  arrivals: [...COMMON, 'run-dir', 'source-connection', 'target-connection', 'insecure-http'],
  'gateways plan': [...COMMON, ...side('source'), ...side('target'), 'gateways', 'all', 'target-owner', 'gateway-kind', 'gateway-wait', 'owner-tokens', 'ca', 'insecure-http'],
  'gateways migrate': [...COMMON, ...side('source'), ...side('target'), 'gateways', 'all', 'target-owner', 'gateway-kind', 'gateway-wait', 'owner-tokens', 'ca', 'insecure-http', 'run-dir', 'dry-run', 'poll-ms'],
  'gateways resume': [...COMMON, 'run-dir', 'source-connection', 'target-connection', 'owner-tokens', 'insecure-http', 'poll-ms'],
  'gateways status': [...COMMON, 'run-dir', 'target-connection', 'insecure-http'],
  'gateways rollback': [...COMMON, 'run-dir', 'source-connection', 'target-connection', 'gateways', 'all', 'insecure-http'],
  'gateways sheet': [...COMMON, 'run-dir', 'out'],
};
const KNOWN = new Set(Object.values(COMMAND_FLAGS).flat());

/** Refuses flags that `command` would silently ignore (a flag no list names yet is let through). */
export function checkCommandFlags(command: keyof typeof COMMAND_FLAGS, flags: Flags): void {
  const allowed = new Set<string>(COMMAND_FLAGS[command] ?? []);
  const extra = Object.keys(flags).filter((f) => KNOWN.has(f as FlagName) && !allowed.has(f));
  if (extra.length > 0) throw new UsageError(`${extra.map((f) => `--${f}`).join(', ')} ${extra.length === 1 ? 'does' : 'do'} not apply to "${command}"`);
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
}

export function parseCommandLine(argv: string[]): { command: string | undefined; flags: Flags } {
  try {
    const { values, positionals } = parse(argv);
    // One command, or "gateways <subcommand>".
    const command = positionals[0] === 'gateways' && positionals[1] ? `gateways ${positionals[1]}` : positionals[0];
    const max = positionals[0] === 'gateways' ? 2 : 1;
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
    return { command, flags: values };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A whole number in digits ("8", not "8.0", "0x8" or "1e1"), at least `min` and at most `max`. */
export function intFlag(name: string, value: string | undefined, min = 0, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UsageError(`--${name} must be a whole number${max !== undefined ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : ''}`);
  }
  return n;
}

/** --concurrency: devices at once, bounded as the desktop app bounds it (1 to 256). */
export const concurrencyFlag = (flags: Flags): number | undefined => intFlag('concurrency', flags.concurrency, CONCURRENCY_RANGE.min, CONCURRENCY_RANGE.max);

export function rateFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be between 0 and 1`);
  return n;
}

/** A deployment from --X URL, or --X-is and --X-cluster, plus --ca files. */
export function connectionFlags(flags: Flags, side: 'source' | 'target'): ConnectionTarget {
  const both = flags[side];
  const is = flags[`${side}-is`] ?? both;
  const cluster = flags[`${side}-cluster`] ?? both;
  if (!is || !cluster) throw new UsageError(`give --${side} URL (or --${side}-is and --${side}-cluster)`);
  const ca = (flags.ca ?? []).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`cannot read the CA file ${file}`);
    }
  });
  const parsed = connectionTargetSchema.safeParse({ isUrl: is, clusterUrl: cluster, ...(ca.length ? { ca } : {}), ...(flags['insecure-http'] ? { allowInsecureHttp: true } : {}) });
  if (!parsed.success) throw new UsageError(`--${side}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The API key of a side, from the environment only: never from the command line. */
export function apiKeyFor(side: 'source' | 'target', env = process.env): string {
  const name = `STACK_MIGRATOR_${side.toUpperCase()}_API_KEY`;
  const key = env[name]?.trim();
  if (!key) throw new UsageError(`set ${name} to the ${side} API key (keys are never taken from the command line)`);
  return key;
}

export function requireFlag(flags: Flags, name: 'source-app' | 'target-app' | 'run-dir' | 'out' | 'file' | 'gateways'): string {
  const v = flags[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

/** --with-application and its choices (the others need it). */
export function applicationFromFlags(flags: Flags): z.input<typeof applicationOptionsSchema> | undefined {
  const given = ['create-target-app', 'webhook-downlink-keys', 'overwrite-app-items'].filter((f) => flags[f as keyof Flags] !== undefined);
  if (!flags['with-application']) {
    if (given.length > 0) throw new UsageError(`${given.map((f) => `--${f}`).join(', ')} need${given.length === 1 ? 's' : ''} --with-application`);
    return undefined;
  }
  const owner = flags['create-target-app'];
  const m = owner === undefined ? undefined : /^(user|org|organization):([a-z0-9](?:-?[a-z0-9])+)$/.exec(owner);
  if (owner !== undefined && !m) throw new UsageError('--create-target-app must be user:USER_ID or org:ORGANIZATION_ID');
  const keys = flags['webhook-downlink-keys'];
  if (keys !== undefined && keys !== 'create' && keys !== 'leave-empty') throw new UsageError('--webhook-downlink-keys must be create or leave-empty');
  const overwrite = flags['overwrite-app-items']?.split(',').map((k) => k.trim()).filter(Boolean);
  return {
    ...(m ? { createTarget: { kind: m[1] === 'user' ? 'user' as const : 'organization' as const, id: m[2]! } } : {}),
    ...(keys ? { webhookDownlinkKeys: keys } : {}), ...(overwrite ? { overwrite } : {}),
  };
}

/** --move-gateways ID,ID (or "served": those that served the plan's ABP keep-session devices) with --target-owner, --gateway-wait. */
export function gatewaysFromFlags(flags: Flags, served?: string[]): MigrationOptions['gateways'] | undefined {
  const v = flags['move-gateways'];
  if (v === undefined) {
    const given = ['target-owner', 'gateway-wait'].filter((f) => flags[f as keyof Flags] !== undefined);
    if (given.length > 0) throw new UsageError(`${given.map((f) => `--${f}`).join(', ')} need${given.length === 1 ? 's' : ''} --move-gateways`);
    return undefined;
  }
  const ids = v === 'served' ? served ?? [] : v.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) return undefined;
  const owner = flags['target-owner'];
  const m = owner === undefined ? undefined : /^(user|org):([a-z0-9](?:-?[a-z0-9])+)$/.exec(owner);
  if (owner !== undefined && !m) throw new UsageError('--target-owner must be user:ID or org:ID');
  const wait = intFlag('gateway-wait', flags['gateway-wait'], 0, 86_400);
  return {
    ids,
    options: gatewayOptionsSchema.parse({
      ...(m ? { targetOwner: { kind: m[1] === 'user' ? 'user' : 'organization', id: m[2] } } : {}),
      ...(wait !== undefined ? { waitSeconds: wait } : {}),
    }),
  };
}

export function optionsFromFlags(flags: Flags, trigger?: TriggerOptionsInput): MigrationOptions {
  const application = applicationFromFlags(flags);
  const gateways = flags['move-gateways'] === 'served' ? undefined : gatewaysFromFlags(flags);
  const parsed = migrationOptionsSchema.safeParse({
    ...(gateways ? { gateways } : {}),
    ...(trigger ? { trigger } : {}),
    ...(application ? { application } : {}),
    otaaSourceAction: flags['otaa-source-action'],
    abpMode: flags['abp-mode'],
    idMapping: flags['id-prefix'] ? { kind: 'prefix', prefix: flags['id-prefix'] } : { kind: 'same' },
    generateKeysForExternalJoinServer: flags['generate-keys'] ?? false,
    sourceDownlinksOff: { keep: 'keep-off', 'turn-on': 'turn-on' }[flags['downlinks-off'] ?? ''] ?? flags['downlinks-off'],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { otaaSourceAction: '--otaa-source-action (rotate-keys|delete)', abpMode: '--abp-mode (new-session|keep-session)', idMapping: '--id-prefix', sourceDownlinksOff: '--downlinks-off (keep|turn-on)' }[String(issue?.path[0])] ?? 'options';
    throw new UsageError(`${flag}: ${issue?.message}`);
  }
  return parsed.data;
}

/** An application id (from --source-app/--target-app or a saved connection), checked as the server checks it. */
export function applicationId(flag: 'source-app' | 'target-app', value: string): string {
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value.length > 36 || !ID_PATTERN.test(value)) throw new UsageError(`--${flag}: ${shown} is not an application id (lower-case letters, digits and dashes, 3 to 36 characters)`);
  return value;
}

/** The most ids --devices takes (as the desktop app's plans). */
export const MAX_DEVICE_IDS = 100_000;

/**
 * --devices id1,id2 or --all. Every id is checked as The Things Stack checks device ids
 * (lower-case letters, digits and dashes, 3 to 36 characters); an empty id or an id given
 * twice is a mistake in the list, said as such rather than silently dropped.
 */
export function deviceSelection(flags: Flags): { all: true } | { ids: string[] } {
  if (flags.all && flags.devices !== undefined) throw new UsageError('give either --devices or --all, not both');
  if (flags.all) return { all: true };
  if (flags.devices === undefined || flags.devices.trim() === '') throw new UsageError('select devices with --devices id1,id2 or --all');
  const ids = flags.devices.split(',').map((s) => s.trim());
  if (ids.length > MAX_DEVICE_IDS) throw new UsageError(`--devices: at most ${MAX_DEVICE_IDS} ids (use --all for a whole application)`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === '') throw new UsageError('--devices: an empty id (two commas in a row?): give the ids separated by single commas');
    const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
    if (id.length > 36) throw new UsageError(`--devices: ${shown} is longer than 36 characters, the most a device id has`);
    if (!ID_PATTERN.test(id)) throw new UsageError(`--devices: ${shown} is not a device id (lower-case letters, digits and dashes, 3 to 36 characters)`);
    if (seen.has(id)) throw new UsageError(`--devices: ${shown} is given twice`);
    seen.add(id);
  }
  return { ids };
}
