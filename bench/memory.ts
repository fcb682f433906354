// Suite 4: resident memory of the main-process code under plain Node (run with --expose-gc),
// after listing 50,000 devices and after planning and migrating 10,000, against simulators
// that run in a child process (their memory is not counted).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planMigration } from '../src-main/migration/planner.js';
import { migrationOptionsSchema } from '../src-main/migration/options.js';
import { newRunId, runManifestSchema, writeManifest, type RunManifest } from '../src-main/migration/run-dir.js';
import { openSides, startRun } from '../src-main/migration/session.js';
import { StackClient } from '../src-main/stack/client.js';
import { figure, loadAverage, type SuiteResult } from './lib/results.js';
import { SimHost } from './lib/sim-client.js';

const LISTED = 50_000;
const MIGRATED = 10_000;
const LIMIT_MB = 300;
const MB = 2 ** 20;

/** Resident memory after a full collection (when --expose-gc is given). */
function settledRss(): { rssMB: number; heapUsedMB: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB };
}

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: memory.mjs <result.json>');
  const t0 = performance.now();
  const host = new SimHost();
  let peakMB = 0;
  const sampler = setInterval(() => (peakMB = Math.max(peakMB, process.memoryUsage().rss / MB)), 50);
  const load0 = loadAverage();
  const points: { point: string; rssMB: number; heapUsedMB: number; seconds?: number }[] = [];
  const mark = (point: string, seconds?: number) => {
    const m = settledRss();
    points.push({ point, ...m, ...(seconds !== undefined ? { seconds } : {}) });
    console.log(`  ${point}: rss ${m.rssMB.toFixed(0)} MB, heap ${m.heapUsedMB.toFixed(0)} MB${seconds !== undefined ? ` (${seconds.toFixed(1)} s)` : ''}`);
  };
  try {
    const source = await host.start('source', { devAddrPrefix: '260B0000/16' });
    const target = await host.start('target', { devAddrPrefix: '27000000/16' });
    await source.addApplication('big-fleet');
    await source.addApplication('ce-fleet');
    await target.addApplication('cloud-fleet');
    await source.seedDevices('big-fleet', LISTED, { seed: 3, mix: 'mixed' });
    const deviceIds = await source.seedDevices('ce-fleet', MIGRATED, { seed: 5, mix: 'otaa' });
    const bigKey = await source.createApiKey('big-fleet', ['RIGHT_APPLICATION_ALL']);
    const sourceKey = await source.createApiKey('ce-fleet', ['RIGHT_APPLICATION_ALL']);
    const targetKey = await target.createApiKey('cloud-fleet', ['RIGHT_APPLICATION_ALL']);
    mark('baseline (engine loaded, nothing listed)');

    const client = new StackClient({ isUrl: source.url, clusterUrl: source.url, apiKey: bigKey });
    const l0 = performance.now();
    const listed = await client.listDevices('big-fleet');
    if (listed.devices.length !== LISTED) throw new Error(`listed ${listed.devices.length} devices, expected ${LISTED}`);
    mark(`after listing ${LISTED.toLocaleString('en')} devices (list kept)`, (performance.now() - l0) / 1000);

    const manifestBase = {
      source: { kind: 'stack' as const, isUrl: source.url, clusterUrl: source.url, appId: 'ce-fleet' },
      target: { isUrl: target.url, clusterUrl: target.url, appId: 'cloud-fleet' },
    };
    const options = migrationOptionsSchema.parse({});
    const sides = await openSides(manifestBase, { source: sourceKey, target: targetKey });
    const runDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-mem-'));
    try {
      const p0 = performance.now();
      const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds, options });
      mark(`after planning ${MIGRATED.toLocaleString('en')} devices (plan kept)`, (performance.now() - p0) / 1000);
      const manifest: RunManifest = runManifestSchema.parse({
        version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...manifestBase, options,
        deviceIds: plan.devices.filter((d) => d.status === 'ready').map((d) => d.sourceId), blocked: [],
      });
      await writeManifest(runDir, manifest);
      let events = 0;
      const r0 = performance.now();
      const { run, finished } = startRun({ runDir, manifest, sides, onEvent: () => events++ });
      const { summary } = await finished;
      const runSeconds = (performance.now() - r0) / 1000;
      if (summary.migrated !== MIGRATED) throw new Error(`migrated ${summary.migrated} of ${MIGRATED}`);
      mark(`after migrating ${MIGRATED.toLocaleString('en')} devices (list, plan and run kept)`, runSeconds);
      console.log(`  ${summary.migrated} migrated at ${(summary.migrated / runSeconds).toFixed(0)}/s, ${events} progress events; peak rss ${peakMB.toFixed(0)} MB`);
      void run.states.size; // the run (10,000 device states) stays referenced up to here, as in the app
      void listed.devices.length;
    } finally {
      sides.close();
      client.close();
      await rm(runDir, { recursive: true, force: true });
    }
  } finally {
    clearInterval(sampler);
    await host.stop();
  }

  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const S = 'memory';
  const at = (prefix: string) => points.find((p) => p.point.startsWith(prefix))!;
  const gcNote = (globalThis as { gc?: () => void }).gc ? 'after gc()' : 'without --expose-gc: no forced collection';
  const result: SuiteResult = {
    suite: S,
    seconds: (performance.now() - t0) / 1000,
    figures: [
      figure(S, `RSS after listing ${LISTED.toLocaleString('en')} devices`, at('after listing').rssMB, 'MB', { below: LIMIT_MB },
        `${gcNote}; heap ${at('after listing').heapUsedMB.toFixed(0)} MB; baseline ${at('baseline').rssMB.toFixed(0)} MB`),
      figure(S, `RSS after migrating ${MIGRATED.toLocaleString('en')} devices`, at('after migrating').rssMB, 'MB', { below: LIMIT_MB },
        `${gcNote}, the 50,000-device list still held; heap ${at('after migrating').heapUsedMB.toFixed(0)} MB`),
      figure(S, 'Peak RSS during the whole suite', Math.max(peakMB, maxRssMB), 'MB', { below: LIMIT_MB }, 'process.resourceUsage().maxRSS and 50 ms samples, no forced gc'),
    ],
    details: {
      points, peakMB, maxRssMB, loadAverage: { before: load0, after: loadAverage() },
      table: [{
        title: 'Memory of the main-process code (Node, simulators in a child process)',
        headers: ['point', 'RSS MB', 'heap used MB', 'seconds'],
        rows: points.map((p) => [p.point, p.rssMB.toFixed(0), p.heapUsedMB.toFixed(0), p.seconds?.toFixed(1) ?? '']),
      }],
    },
  };
  await writeFile(out, JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
