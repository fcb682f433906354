// Where the CLI gets a deployment and its API key: from --source/--target flags and the
// environment, or from a connection saved by the desktop app (its key from the keychain).
import { ConnectionsFile, keytarSecretStore, DEFAULT_SERVICE } from '../credentials/index.js';
import { targetOfConnection } from '../ipc/connection-registry.js';
import { registerSecret } from '../logging/redact.js';
import { userDataDir } from '../migration/run-dir.js';
import { connectionTargetSchema, type ConnectionTarget } from '../stack/connection.js';
import type { RunManifest } from '../migration/run-dir.js';
import { apiKeyFor, connectionFlags, type Flags, UsageError } from './args.js';

type Side = 'source' | 'target';

async function savedConnection(name: string, env: NodeJS.ProcessEnv) {
  const file = new ConnectionsFile(userDataDir(env));
  const all = await file.list();
  const found = all.find((c) => c.id === name || c.name === name);
  if (!found) {
    const names = all.map((c) => `"${c.name}"`).join(', ');
    throw new UsageError(`no saved connection "${name}" in ${file.path}${names ? ` (saved: ${names})` : ''}`);
  }
  // The service name can be changed for tests only; the app and the CLI share the default.
  const secrets = keytarSecretStore(env.STACK_MIGRATOR_KEYCHAIN_SERVICE || DEFAULT_SERVICE);
  const apiKey = await secrets.get(found.id);
  if (!apiKey) throw new UsageError(`the keychain holds no API key for the connection "${found.name}": add it again in the app`);
  registerSecret(apiKey); // from here on, redacted from every message, file and line printed
  return { connection: found, apiKey };
}

/** A side's deployment, key and default application. */
export async function resolveSide(flags: Flags, side: Side, env = process.env): Promise<{ target: ConnectionTarget; apiKey: string; appId?: string }> {
  const saved = flags[`${side}-connection`];
  if (!saved) return { target: connectionFlags(flags, side), apiKey: registered(apiKeyFor(side, env)) };
  if (flags[side] || flags[`${side}-is`] || flags[`${side}-cluster`]) throw new UsageError(`give either --${side}-connection or --${side} URL, not both`);
  const { connection, apiKey } = await savedConnection(saved, env);
  let target: ConnectionTarget;
  try {
    target = targetOfConnection(connection, { allowInsecureHttp: flags['insecure-http'] });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return { target, apiKey, appId: connection.applicationId };
}

/** Only the key of a side (resume, retire: the run folder knows the deployments). */
export async function resolveKey(flags: Flags, side: Side, env = process.env): Promise<string> {
  const saved = flags[`${side}-connection`];
  return saved ? (await savedConnection(saved, env)).apiKey : registered(apiKeyFor(side, env));
}

/** An API key from the environment, registered for redaction before it is used. */
function registered(apiKey: string): string {
  registerSecret(apiKey);
  return apiKey;
}

/**
 * resume and retire: the run folder names the deployments; they pass the same check as on
 * the command line (plain http:// elsewhere than this computer needs --insecure-http again).
 */
export function checkRunDeployments(manifest: Pick<RunManifest, 'source' | 'target'>, flags: Flags): void {
  const sides = [['source', manifest.source], ['target', manifest.target]] as const;
  for (const [side, t] of sides) {
    if ('kind' in t && t.kind !== 'stack') continue;
    const d = t as { isUrl: string; clusterUrl: string };
    const parsed = connectionTargetSchema.safeParse({ isUrl: d.isUrl, clusterUrl: d.clusterUrl, ...(flags['insecure-http'] ? { allowInsecureHttp: true } : {}) });
    if (!parsed.success) throw new UsageError(`the run's ${side}: ${parsed.error.issues[0]?.message}`);
  }
}
