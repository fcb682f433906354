// Command-line flags, parsed strictly: unknown flags and bad values are usage errors (exit 2).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectionTargetSchema, type ConnectionTarget } from '../stack/connection.js';
import { migrationOptionsSchema, type MigrationOptions } from '../migration/options.js';

export class UsageError extends Error {}

export const FLAGS = {
  source: { type: 'string' }, target: { type: 'string' },
  'source-is': { type: 'string' }, 'source-cluster': { type: 'string' },
  'target-is': { type: 'string' }, 'target-cluster': { type: 'string' },
  'source-app': { type: 'string' }, 'target-app': { type: 'string' },
  'source-connection': { type: 'string' }, 'target-connection': { type: 'string' },
  devices: { type: 'string' }, all: { type: 'boolean' },
  'otaa-source-action': { type: 'string' }, 'abp-mode': { type: 'string' },
  'id-prefix': { type: 'string' }, 'generate-keys': { type: 'boolean' },
  'dry-run': { type: 'boolean' }, concurrency: { type: 'string' }, 'max-rate': { type: 'string' }, 'run-dir': { type: 'string' },
  ca: { type: 'string', multiple: true }, json: { type: 'boolean' },
  'wait-joins': { type: 'string' }, out: { type: 'string' }, 'with-session': { type: 'boolean' },
  file: { type: 'string' }, port: { type: 'string' }, app: { type: 'string' }, 'latency-ms': { type: 'string' },
  'rate-limit': { type: 'string' }, 'error-rate': { type: 'string' }, 'drop-rate': { type: 'string' }, admin: { type: 'boolean' },
  seed: { type: 'string' }, 'separate-cluster': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
}

export function parseCommandLine(argv: string[]): { command: string | undefined; flags: Flags } {
  try {
    const { values, positionals } = parse(argv);
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    return { command: positionals[0], flags: values };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return n;
}

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
  const parsed = connectionTargetSchema.safeParse({ isUrl: is, clusterUrl: cluster, ...(ca.length ? { ca } : {}) });
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

export function requireFlag(flags: Flags, name: 'source-app' | 'target-app' | 'run-dir' | 'out' | 'file'): string {
  const v = flags[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

export function optionsFromFlags(flags: Flags): MigrationOptions {
  const parsed = migrationOptionsSchema.safeParse({
    otaaSourceAction: flags['otaa-source-action'],
    abpMode: flags['abp-mode'],
    idMapping: flags['id-prefix'] ? { kind: 'prefix', prefix: flags['id-prefix'] } : { kind: 'same' },
    generateKeysForExternalJoinServer: flags['generate-keys'] ?? false,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { otaaSourceAction: '--otaa-source-action (rotate-keys|delete)', abpMode: '--abp-mode (new-session|keep-session)', idMapping: '--id-prefix' }[String(issue?.path[0])] ?? 'options';
    throw new UsageError(`${flag}: ${issue?.message}`);
  }
  return parsed.data;
}

export function deviceSelection(flags: Flags): { all: true } | { ids: string[] } {
  if (flags.all && flags.devices) throw new UsageError('give either --devices or --all, not both');
  if (flags.all) return { all: true };
  const ids = (flags.devices ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('select devices with --devices id1,id2 or --all');
  return { ids: [...new Set(ids)] };
}
