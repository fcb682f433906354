#!/usr/bin/env node
// Builds everything the app and the CLI run from, into dist/:
//   dist/main.cjs      Electron main process   (src-main/main.ts)
//   dist/preload.cjs   sandboxed preload, one CommonJS file (src-main/preload.ts)
//   dist/cli.cjs       headless command line   (src-main/cli.ts)
//   dist/renderer/     React app, built by Vite (vite.config.mts)
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const started = performance.now();

/** @type {import('esbuild').BuildOptions} */
const nodeDefaults = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

const bundles = [
  {
    ...nodeDefaults,
    entryPoints: ['src-main/main.ts'],
    outfile: 'dist/main.cjs',
    external: ['electron', 'keytar'],
  },
  {
    // Sandboxed preloads cannot require files: everything but electron is inlined.
    ...nodeDefaults,
    entryPoints: ['src-main/preload.ts'],
    outfile: 'dist/preload.cjs',
    external: ['electron'],
  },
  {
    ...nodeDefaults,
    entryPoints: ['src-main/cli.ts'],
    outfile: 'dist/cli.cjs',
    external: ['keytar'],
    banner: { js: '#!/usr/bin/env node' },
  },
];

async function describe(file) {
  const { size } = await stat(path.join(root, file));
  return `${file} (${(size / 1024).toFixed(1)} KiB)`;
}

function since(t0) {
  return `${Math.round(performance.now() - t0)} ms`;
}

async function buildNodeBundles() {
  const t0 = performance.now();
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  await chmod(path.join(dist, 'cli.cjs'), 0o755);
  const lines = await Promise.all(bundles.map((b) => describe(b.outfile)));
  for (const line of lines) console.log(`  built ${line}`);
  console.log(`  esbuild: ${since(t0)}`);
}

async function buildRenderer() {
  const t0 = performance.now();
  await viteBuild({
    configFile: path.join(root, 'vite.config.mts'),
    logLevel: 'warn',
  });
  console.log(`  built dist/renderer/ (vite: ${since(t0)})`);
}

try {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  // esbuild and Vite write disjoint paths; run them side by side.
  await Promise.all([buildNodeBundles(), buildRenderer()]);
  console.log(`build done in ${since(started)}`);
} catch (error) {
  // esbuild has already printed its diagnostics; Vite's are in the error.
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
