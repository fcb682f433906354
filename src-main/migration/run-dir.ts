// A run's folder: its manifest (what was asked, no secrets), journal, plan, report and
// re-programming sheet. The manifest is what `resume` needs besides the API keys.
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { migrationOptionsSchema } from './options.js';

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
  concurrency: z.number().int().positive().optional(),
  /** The user's cap on requests per second to each deployment. */
  maxRequestsPerSecond: z.number().positive().optional(),
});
export type RunManifest = z.output<typeof runManifestSchema>;

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

export async function createRunDir(runDir: string | undefined, runId: string): Promise<string> {
  const dir = runDir ?? join(userDataDir(), 'runs', runId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function writeManifest(runDir: string, manifest: RunManifest): Promise<void> {
  // Atomic: a run killed while starting leaves no run.json or a whole one, never a torn one.
  await writeFileAtomic(runFiles(runDir).manifest, JSON.stringify(manifest, null, 2));
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  let text: string;
  try {
    text = await readFile(runFiles(runDir).manifest, 'utf8');
  } catch {
    throw new Error(`${runDir} is not a run folder (no run.json).`);
  }
  const parsed = runManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${runFiles(runDir).manifest} is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
