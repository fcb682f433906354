#!/usr/bin/env node
// `npm run bench [-- suite…]`: bundles the benchmark (TypeScript, importing src-main's ESM
// sources) with esbuild into bench-results/.build/, then runs it under plain Node.
// Suites: throughput, ratelimit, faults, memory, renderer, arrivals (default: all, in that order).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'bench-results', '.build');
await mkdir(outdir, { recursive: true });

// One bundle per process the benchmark starts: the driver, the simulator host (a child
// process, so its CPU and memory are not the engine's), the memory probe and the renderer run.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    bench: 'bench/main.ts',
    'sim-host': 'bench/lib/sim-host.ts',
    memory: 'bench/memory.ts',
    renderer: 'bench/renderer.ts',
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // node_modules stay outside the bundle (playwright, zod, …) and resolve from the repo.
  packages: 'external',
  logLevel: 'warning',
});

const child = spawn(process.execPath, ['--enable-source-maps', path.join(outdir, 'bench.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
