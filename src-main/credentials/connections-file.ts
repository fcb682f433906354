// Connection metadata in <userData>/connections.json: name, preset, URLs, application id,
// key id and rights — never the key (that is in the keychain, account = connection id).
// Validated with zod on every read; written atomically (temp file, fsync, rename), mode 0600.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { presetSchema } from '../ipc/contract.js';

export { writeFileAtomic };

export const storedConnectionSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(100),
  preset: presetSchema,
  isUrl: z.string(),
  clusterUrl: z.string(),
  applicationId: z.string().optional(),
  keyId: z.string().optional(),
  rights: z.array(z.string()),
  createdAt: z.string(),
});
export type StoredConnection = z.infer<typeof storedConnectionSchema>;

export const connectionsFileSchema = z.object({ version: z.literal(1), connections: z.array(storedConnectionSchema) });

export const CONNECTIONS_FILE_NAME = 'connections.json';

/** connections.json exists but cannot be used: the message says where and why. */
export class ConnectionsFileError extends Error {
  override readonly name = 'ConnectionsFileError';
}



export class ConnectionsFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(userDataDir: string) {
    this.path = join(userDataDir, CONNECTIONS_FILE_NAME);
  }

  async list(): Promise<StoredConnection[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ConnectionsFileError(`${this.path} cannot be read (${(err as Error).message}).`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConnectionsFileError(`${this.path} is damaged (not JSON). Move it away to start with no connections.`);
    }
    const parsed = connectionsFileSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ConnectionsFileError(`${this.path} is damaged (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}). Move it away to start with no connections.`);
    }
    return parsed.data.connections;
  }

  async get(id: string): Promise<StoredConnection | undefined> {
    return (await this.list()).find((c) => c.id === id);
  }

  /** Read, change and write under one lock, so that two changes at once cannot lose one. */
  update<T>(change: (connections: StoredConnection[]) => { connections: StoredConnection[]; result: T } | Promise<{ connections: StoredConnection[]; result: T }>): Promise<T> {
    const next = this.queue.then(async () => {
      const { connections, result } = await change(await this.list());
      const file = connectionsFileSchema.parse({ version: 1, connections });
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
