// Where a connection id leads: its metadata (connections.json, or the demo workspace's
// in-memory pair) and its API key (the keychain, or memory for the demo). Clients are made
// per use and closed after, so a key stays in memory only while it is used.
import { checkRights } from '../migration/preflight.js';
import { StackClient, type ClientOptions } from '../stack/client.js';
import { connectionTargetSchema, ttnCommunity, ttsCloud, type ConnectionTarget } from '../stack/connection.js';
import { ConnectionsFile, type StoredConnection } from '../credentials/connections-file.js';
import type { SecretStore } from '../credentials/secret-store.js';
import { registerSecret } from '../logging/redact.js';
import type { z } from 'zod';
import type { ConnectionInfo, presetSchema } from './contract.js';
import { invalid, notFound } from './errors.js';

export type Preset = z.output<typeof presetSchema>;

/** The deployment a preset stands for. */
export function targetOfPreset(preset: Preset): ConnectionTarget {
  switch (preset.kind) {
    case 'ttn':
      return ttnCommunity(preset.region);
    case 'tts-cloud':
      return ttsCloud(preset.tenant, preset.region);
    case 'custom': {
      const parsed = connectionTargetSchema.safeParse({
        isUrl: preset.isUrl, clusterUrl: preset.clusterUrl, ca: preset.ca ? [preset.ca] : undefined, ...(preset.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
      });
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message ?? 'invalid address';
        throw invalid(/[.!?]$/.test(message) ? message : `Invalid request — ${message}.`);
      }
      return parsed.data;
    }
    case 'demo':
      throw invalid('Demo connections come from the demo workspace (demo:start), not from a preset.');
  }
}

/** What a key cannot do in each role, in words (empty: it can do everything). */
export function missingRights(rights: readonly string[]) {
  const words = (side: 'source' | 'target') => {
    const r = checkRights(side, rights, { rotatesKeys: true });
    return [...r.blockers, ...r.warnings].map((i) => i.message);
  };
  return { missingForSource: words('source'), missingForTarget: words('target') };
}

export function connectionInfo(c: StoredConnection): ConnectionInfo {
  return {
    id: c.id, name: c.name, preset: c.preset.kind, isUrl: c.isUrl, clusterUrl: c.clusterUrl,
    hasCa: c.preset.kind === 'custom' && Boolean(c.preset.ca),
    ...(c.applicationId ? { applicationId: c.applicationId } : {}),
    ...(c.keyId ? { keyId: c.keyId } : {}),
    rights: c.rights, ...missingRights(c.rights), createdAt: c.createdAt,
  };
}

/**
 * The deployment of a saved connection, checked as a new one is: plain http:// to another
 * computer only where the user allowed it (in the app when adding it, or --insecure-http).
 */
export function targetOfConnection(c: StoredConnection, opts: { allowInsecureHttp?: boolean } = {}): ConnectionTarget {
  const custom = c.preset.kind === 'custom' ? c.preset : undefined;
  const parsed = connectionTargetSchema.safeParse({
    isUrl: c.isUrl, clusterUrl: c.clusterUrl, ...(custom?.ca ? { ca: [custom.ca] } : {}),
    ...(custom?.allowInsecureHttp || opts.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
  });
  if (!parsed.success) throw invalid(`Connection "${c.name}": ${parsed.error.issues[0]?.message ?? 'invalid address'}`);
  return parsed.data;
}

export class ConnectionRegistry {
  readonly file: ConnectionsFile;
  /** Demo connections: metadata and key in memory only, gone when the demo stops. */
  private readonly demo = new Map<string, { connection: StoredConnection; apiKey: string }>();

  constructor(userDataDir: string, private readonly secrets: SecretStore, readonly clientOptions: ClientOptions = {}) {
    this.file = new ConnectionsFile(userDataDir);
  }

  async list(): Promise<StoredConnection[]> {
    return [...(await this.file.list()), ...[...this.demo.values()].map((d) => d.connection)];
  }

  isDemo(id: string): boolean {
    return this.demo.has(id);
  }

  async get(id: string): Promise<StoredConnection> {
    const found = this.demo.get(id)?.connection ?? (await this.file.get(id));
    if (!found) throw notFound(`There is no connection with id "${id}".`);
    return found;
  }

  async keyOf(connection: StoredConnection): Promise<string> {
    const key = this.demo.get(connection.id)?.apiKey ?? (await this.secrets.get(connection.id));
    if (!key) throw notFound(`The API key of connection "${connection.name}" is not in the keychain any more: update the connection with its key.`);
    registerSecret(key);
    return key;
  }

  /** A client for one use; the caller closes it. */
  async open(id: string): Promise<{ connection: StoredConnection; client: StackClient }> {
    const connection = await this.get(id);
    const apiKey = await this.keyOf(connection);
    return { connection, client: new StackClient({ ...targetOfConnection(connection), apiKey }, this.clientOptions) };
  }

  async withClient<T>(id: string, use: (client: StackClient, connection: StoredConnection) => Promise<T>): Promise<T> {
    const { connection, client } = await this.open(id);
    try {
      return await use(client, connection);
    } finally {
      client.close();
    }
  }

  addDemo(connection: StoredConnection, apiKey: string): void {
    registerSecret(apiKey);
    this.demo.set(connection.id, { connection, apiKey });
  }

  removeDemo(): string[] {
    const ids = [...this.demo.keys()];
    this.demo.clear();
    return ids;
  }
}
