// A run's folder: its manifest (what was asked, no secrets), journal, plan, report and
// re-programming sheet. The manifest is what `resume` needs besides the API keys.
import { constants } from 'node:fs';
import { access, mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { migrationOptionsSchema } from './options.js';
import { gatewayPlanSchema } from '../gateways/schema.js';

export const runManifestSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('stack'), isUrl: z.string(), clusterUrl: z.string(), appId: z.string(), ca: z.array(z.string()).optional() }),
    z.object({ kind: z.literal('file'), path: z.string() }),
  ]),
  target: z.object({ isUrl: z.string(), clusterUrl: z.string(), appId: z.string(), ca: z.array(z.string()).optional() }),
  options: migrationOptionsSchema,
  /** Devices to migrate (source ids), and those the plan blocked with the reasons. */
  deviceIds: z.array(z.string()),
  blocked: z.array(z.object({ deviceId: z.string(), reasons: z.array(z.string()) })).default([]),
  /** Devices the plan found on the target already (left alone; in the report). */
  alreadyOnTarget: z.array(z.string()).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  /** The user's cap on requests per second to each deployment. */
  maxRequestsPerSecond: z.number().positive().optional(),
  /** Gateways moved first in this run (options.gateways): their plan, and per device the gateways it waits for. */
  gateways: z.object({ plan: gatewayPlanSchema, servedBy: z.record(z.string(), z.array(z.string())) }).optional(),
});
export type RunManifest = z.output<typeof runManifestSchema>;

/** Devices migrated at once when the user fixes it: the same bounds as the IPC contract's. */
export const CONCURRENCY_RANGE = { min: 1, max: 256 } as const;

/** The app's user-data folder, where Electron's app.getPath('userData') also points. */
export function userDataDir(env = process.env, platform = process.platform): string {
  if (env.STACK_MIGRATOR_DATA_DIR) return env.STACK_MIGRATOR_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Stack Migrator');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Stack Migrator');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Stack Migrator');
}

export const runFiles = (runDir: string) => ({
  manifest: join(runDir, 'run.json'),
  journal: join(runDir, 'journal.jsonl'),
  plan: join(runDir, 'plan.json'),
  sheet: join(runDir, 'reprogram-sheet.csv'),
});

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-').replace('Z', '')}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A run folder that cannot be used, in words; the message starts with the folder. */
export class RunDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirError';
  }
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

/**
 * Checks, before anything is written or sent, that a new run can use `dir`: it is a folder
 * (or can be made one) this user may write in, and holds no other run. Changes nothing.
 */
export async function checkRunDir(dir: string): Promise<void> {
  const info = await stat(dir).catch((err: unknown) => {
    if (codeOf(err) === 'ENOENT') return undefined;
    if (codeOf(err) === 'ENOTDIR') return null; // a parent is a file: found below
    if (codeOf(err) === 'EACCES' || codeOf(err) === 'EPERM') throw new RunDirError(`${dir}: cannot look into it (permission denied)`);
    throw new RunDirError(`${dir}: cannot be used (${(err as Error).message})`);
  });
  if (info) {
    if (!info.isDirectory()) throw new RunDirError(`${dir} exists and is a file, not a folder`);
    for (const [file, what] of [[runFiles(dir).manifest, 'a run (run.json)'], [runFiles(dir).journal, 'the journal of a run (journal.jsonl)']] as const) {
      if (await stat(file).then(() => true, () => false)) {
        throw new RunDirError(`${dir} already holds ${what}: resume it with \`stack-migrator resume --run-dir ${dir}\` or choose another folder`);
      }
    }
    await writable(dir, dir);
    return;
  }
  // Not there yet: the nearest entry above it that exists must be a folder this user may write in.
  for (let above = dirname(resolve(dir)); ; above = dirname(above)) {
    const a = await stat(above).catch((err: unknown) => {
      if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') return undefined; // further up
      throw new RunDirError(`${dir}: cannot look into ${above} (${codeOf(err) === 'EACCES' ? 'permission denied' : (err as Error).message})`);
    });
    if (a && !a.isDirectory()) throw new RunDirError(`${dir}: ${above} is a file, not a folder`);
    if (a) return writable(dir, above);
    if (dirname(above) === above) throw new RunDirError(`${dir}: no folder of this path exists`);
  }
}

async function writable(dir: string, folder: string): Promise<void> {
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    const why = codeOf(err) === 'EROFS' ? 'a read-only file system' : codeOf(err) === 'EACCES' || codeOf(err) === 'EPERM' ? 'permission denied' : (err as Error).message;
    throw new RunDirError(`${dir}: cannot write in ${folder} (${why})`);
  }
}

export async function createRunDir(runDir: string | undefined, runId: string): Promise<string> {
  const dir = runDir ?? join(userDataDir(), 'runs', runId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Checked again as it is taken: another run may have started there since the first check.
  if (await stat(runFiles(dir).manifest).then(() => true, () => false)) {
    throw new RunDirError(`${dir} already holds a run (run.json): resume it with \`stack-migrator resume --run-dir ${dir}\` or choose another folder`);
  }
  return dir;
}

export async function writeManifest(runDir: string, manifest: RunManifest): Promise<void> {
  // Atomic: a run killed while starting leaves no run.json or a whole one, never a torn one.
  await writeFileAtomic(runFiles(runDir).manifest, JSON.stringify(manifest, null, 2));
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  const file = runFiles(runDir).manifest;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`${file} cannot be read: permission denied (${code}). Run as the user who started the run, or give this user read access to the run folder.`);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${runDir} is not a run folder (no run.json).`);
    throw new Error(`${file} cannot be read (${(err as Error).message}).`);
  }
  if (text.trim() === '') throw new Error(`${file} is empty: the run was interrupted while it was being created, so it has nothing to resume. Start the migration again.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is damaged: it is not complete JSON (cut short, or edited by hand).`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== 1) {
    throw new Error(`${file} was written by another version of Stack Migrator (run folder version ${JSON.stringify(version ?? 'none')}; this version reads version 1). Resume it with the version that started it.`);
  }
  const parsed = runManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is damaged: ${issue ? `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}
