// The CLI as a separate process (the real bundle, built once per test file with esbuild),
// so tests can run it as a user does, and kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

let built: string | undefined;

export async function buildCli(): Promise<string> {
  if (built) return built;
  // Inside the repository, so that the external keytar resolves from its node_modules.
  const out = fileURLToPath(new URL(`../../test-output/cli-${process.pid}/cli.cjs`, import.meta.url));
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url))], outfile: out, bundle: true, platform: 'node',
    format: 'cjs', target: 'node20', external: ['keytar'], logLevel: 'error',
  });
  built = out;
  return out;
}

function withoutKeys(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !/^STACK_MIGRATOR_/.test(e[0])));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(cli: string, args: string[], env: Record<string, string>): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [cli, ...args], {
    // The test run's environment (its private Secret Service among it), minus any API key.
    env: { ...withoutKeys(process.env), STACK_MIGRATOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sm-data-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const result = new Promise<CliResult>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, result };
}

export const runCli = (cli: string, args: string[], env: Record<string, string>) => startCli(cli, args, env).result;

/** The `{"summary": …}` line of --json output. */
export function summaryOf(stdout: string): Record<string, number | string> | undefined {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"summary"'));
  return line ? JSON.parse(line).summary : undefined;
}

/** The environment that hands a fleet's two API keys to the CLI (never on the command line). */
export const keysOf = (f: { sourceKey: string; targetKey: string }) => ({ STACK_MIGRATOR_SOURCE_API_KEY: f.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: f.targetKey });

/** The connection flags of a fleet's two simulators (IS and cluster on one host). */
export const connectionOf = (f: { source: { url: string }; target: { url: string }; sourceApp: string; targetApp: string }) =>
  ['--source', f.source.url, '--target', f.target.url, '--source-app', f.sourceApp, '--target-app', f.targetApp];

/**
 * A resume refused because the kill came after run.json but before the journal (by design
 * since issue 10): the user starts a new migration of the same devices, as the message says.
 */
export const refusedForMissingJournal = (r: CliResult) => r.signal === null && r.code === 1 && /journal .* is missing/.test(r.stderr);

/** Each record's last journaled step in a run folder (a torn last line ignored); empty without a journal. */
export function lastSteps(runDir: string): Map<string, string> {
  const file = join(runDir, 'journal.jsonl');
  const last = new Map<string, string>();
  if (!existsSync(file)) return last;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const r = JSON.parse(line) as { t: string; d?: string; s?: string };
      if (r.t === 'step' && r.d && r.s) last.set(r.d, r.s);
    } catch {
      // a torn last line
    }
  }
  return last;
}
