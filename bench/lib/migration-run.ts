// One measured migration: two simulated deployments in the host process, the engine here,
// planned with planMigration (timed apart), then run with startRun (only the run is timed).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planMigration } from '../../src-main/migration/planner.js';
import { migrationOptionsSchema, type MigrationOptionsInput } from '../../src-main/migration/options.js';
import { newRunId, runManifestSchema, writeManifest, type RunManifest } from '../../src-main/migration/run-dir.js';
import { openSides, startRun } from '../../src-main/migration/session.js';
import type { ProgressEvent } from '../../src-main/migration/progress.js';
import type { ResponseInfo } from '../../src-main/stack/http.js';
import type { Faults, RateLimitOptions } from '../../src-main/sim/index.js';
import { StackClient, type ClientOptions } from '../../src-main/stack/client.js';
import { RateLimitWatch, type RateLimitTally } from './rate-watch.js';
import { loadAverage, median, schedStat } from './results.js';
import type { SimHost } from './sim-client.js';
import type { VerifyResult } from './sim-protocol.js';

export interface RunSpec {
  label: string;
  devices: number;
  mix: 'otaa' | 'abp';
  options?: MigrationOptionsInput;
  /** Fixed concurrency, or undefined for the runner's adaptive default. */
  concurrency?: number;
  latencyMs: number;
  /**
   * Rate-limit profiles (pkg/ratelimit: one GCRA bucket per gRPC method × entity × API key) on
   * the target / the source deployment, switched on after planning: the run starts with full
   * buckets, as a run started a while after its plan does.
   */
  targetRateLimit?: RateLimitOptions;
  sourceRateLimit?: RateLimitOptions;
  /** Options for both engine clients (default: the engine's own, as the app uses them). */
  clientOptions?: ClientOptions;
  /** Faults on both deployments, switched on after planning. */
  faults?: Omit<Faults, 'latencyMs'>;
}

export interface RunMeasure {
  spec: RunSpec;
  rttMs: number;
  planMs: number;
  runMs: number;
  reportMs: number;
  devicesPerSecond: number;
  summary: { migrated: number; failed: number; notStarted: number; cancelled: number };
  requests: { source: Record<string, number>; target: Record<string, number> };
  requestsPerDevice: { source: number; target: number; total: number; byRoute: Record<string, number> };
  /** Median and p95 time of one device from its first read to its source retired, in RTTs. */
  deviceLatencyMs: { p50: number; p95: number };
  criticalPathRoundTrips: number;
  meanConcurrency: number;
  maxConcurrency: number;
  /** The runner's concurrency limit over the run (adaptive): seconds to reach its peak, and its decreases. */
  concurrencyTrace: { peak: number; secondsToPeak: number; decreases: number; samples: [number, number][] };
  /**
   * CPU: share of one core used by the engine / the simulator process during the run, CPU time per
   * device, and the share of the run the engine's main thread waited for a core (run queue).
   */
  cpu: { enginePercent: number; simPercent: number; engineMsPerDevice: number; simMsPerDevice: number; engineRunQueuePercent: number | null; simRunQueuePercent: number | null };
  loadAverage: { before: number; after: number };
  status: Record<string, number>;
  retries: number;
  retryReasons: Record<string, number>;
  /** 429s the clients saw during the run, by route, and those after the first burst. */
  rateLimited: RateLimitTally;
  verify: VerifyResult;
}

const ALL = ['RIGHT_APPLICATION_ALL'];
const SOURCE_APP = 'ce-fleet';
const TARGET_APP = 'cloud-fleet';

/** Median time of a small authenticated request, as the engine sees it: the RTT of the run. */
async function probeRtt(url: string, apiKey: string): Promise<number> {
  const client = new StackClient({ isUrl: url, clusterUrl: url, apiKey });
  const times: number[] = [];
  try {
    for (let i = 0; i < 23; i++) {
      const t0 = performance.now();
      await client.authInfo();
      if (i >= 3) times.push(performance.now() - t0);
    }
  } finally {
    client.close();
  }
  return median(times);
}

export async function measureMigration(host: SimHost, spec: RunSpec): Promise<RunMeasure> {
  await host.closeAll();
  const source = await host.start('source', { devAddrPrefix: '260B0000/16', faults: { latencyMs: spec.latencyMs } });
  const target = await host.start('target', { devAddrPrefix: '27000000/16', faults: { latencyMs: spec.latencyMs } });
  await source.addApplication(SOURCE_APP);
  await target.addApplication(TARGET_APP);
  const deviceIds = await source.seedDevices(SOURCE_APP, spec.devices, { seed: 11, mix: spec.mix });
  const sourceKey = await source.createApiKey(SOURCE_APP, ALL);
  const targetKey = await target.createApiKey(TARGET_APP, ALL);
  await source.snapshot(SOURCE_APP);
  const rttMs = await probeRtt(source.url, sourceKey);

  const manifestBase = {
    source: { kind: 'stack' as const, isUrl: source.url, clusterUrl: source.url, appId: SOURCE_APP },
    target: { isUrl: target.url, clusterUrl: target.url, appId: TARGET_APP },
  };
  const options = migrationOptionsSchema.parse(spec.options ?? {});
  // The engine's own defaults for the clients (backoff, timeouts, pacing): what the app uses.
  const sides = await openSides(manifestBase, { source: sourceKey, target: targetKey }, undefined, spec.clientOptions);
  // The journal is fsynced on every step: where it lives matters (BENCH_RUN_DIR=/dev/shm shows the cost).
  const runDir = await mkdtemp(path.join(process.env.BENCH_RUN_DIR ?? os.tmpdir(), 'sm-bench-'));
  try {
    const p0 = performance.now();
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds, options });
    const planMs = performance.now() - p0;
    if (plan.blockers.length > 0) throw new Error(`plan blocked: ${plan.blockers.map((b) => b.message).join(' ')}`);
    const ready = plan.devices.filter((d) => d.status === 'ready').map((d) => d.sourceId);
    if (ready.length !== spec.devices) throw new Error(`only ${ready.length} of ${spec.devices} devices are ready to migrate`);
    // Through the schema, so that fields with defaults are filled in as the app's manifests are.
    const manifest: RunManifest = runManifestSchema.parse({
      version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...manifestBase, options,
      deviceIds: ready, blocked: [],
    });
    await writeManifest(runDir, manifest);

    if (spec.faults) {
      await source.setFaults({ latencyMs: spec.latencyMs, ...spec.faults });
      await target.setFaults({ latencyMs: spec.latencyMs, ...spec.faults });
    }
    // A fresh limiter (every bucket full): the RTT probe and the planning are not rate limited.
    if (spec.sourceRateLimit) await source.setRateLimit(spec.sourceRateLimit);
    if (spec.targetRateLimit) await target.setRateLimit(spec.targetRateLimit);
    await Promise.all([source.resetCounters(), target.resetCounters()]);

    // What the clients saw: statuses, retries, 429s (and when each 429's request was sent).
    const status: Record<string, number> = {};
    const retryReasons: Record<string, number> = {};
    let retries = 0;
    const limits = new RateLimitWatch();
    const observer = (side: 'source' | 'target') => {
      const watch = limits.observer(side);
      return {
        onResponse(info: ResponseInfo) {
          const key = `${side} ${info.status}`;
          status[key] = (status[key] ?? 0) + 1;
          watch.onResponse?.(info);
        },
        onRetry(info: { route: string; reason: string }) {
          retries++;
          const reason = /429|rate limit/i.test(info.reason) ? 'rate limited' : /50[234]|unavailable|gateway/i.test(info.reason) ? '5xx' : /socket|ECONNRESET|hang up|network/i.test(info.reason) ? 'connection dropped' : 'other';
          retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
        },
      };
    };
    const unobserve = [
      sides.source.kind === 'stack' ? sides.source.client.transport.observe(observer('source')) : () => false,
      sides.target.client.transport.observe(observer('target')),
    ];

    const startedAt = new Map<string, number>();
    const latencies: number[] = [];
    const concurrency: { at: number; value: number }[] = [];
    const onEvent = (e: ProgressEvent) => {
      const now = performance.now();
      if (e.type === 'device') {
        if (e.state === 'reading' && !startedAt.has(e.deviceId)) startedAt.set(e.deviceId, now);
        if (e.state === 'waiting-join' || e.state === 'awaiting-reprogram') {
          const t = startedAt.get(e.deviceId);
          if (t !== undefined) latencies.push(now - t);
        }
      } else if (e.type === 'totals') {
        concurrency.push({ at: now, value: e.concurrency });
      }
    };

    const load0 = loadAverage();
    const cpu0 = process.cpuUsage();
    const sched0 = schedStat();
    const simUsage0 = await host.usage();
    const sim0 = simUsage0.cpu;
    const t0 = performance.now();
    const { run, finished } = startRun({ runDir, manifest, sides, onEvent, ...(spec.concurrency ? { concurrency: spec.concurrency } : {}) });
    const summary = await run.done;
    const runMs = performance.now() - t0;
    const cpu1 = process.cpuUsage(cpu0);
    const sched1 = schedStat();
    const simUsage1 = await host.usage();
    const sim1 = simUsage1.cpu;
    const load1 = loadAverage();
    const r0 = performance.now();
    await finished;
    const reportMs = performance.now() - r0;
    for (const u of unobserve) u();

    const [sourceCounts, targetCounts] = await Promise.all([source.counters(), target.counters()]);
    const byRoute: Record<string, number> = {};
    const perDevice = (counts: Record<string, number>, side: string) => {
      let n = 0;
      for (const [route, c] of Object.entries(counts)) {
        if (c === 0) continue;
        byRoute[`${side} ${route}`] = c / spec.devices;
        n += c;
      }
      return n / spec.devices;
    };
    const src = perDevice(sourceCounts, 'source');
    const tgt = perDevice(targetCounts, 'target');
    const verify = await host.verify({ source: 'source', sourceApp: SOURCE_APP, target: 'target', targetApp: TARGET_APP, mode: spec.mix === 'abp' ? 'abp-keep' : 'otaa-rotate' });

    // Time-weighted mean of the runner's concurrency limit over the run.
    let weighted = 0;
    for (let i = 0; i < concurrency.length; i++) {
      const end = concurrency[i + 1]?.at ?? t0 + runMs;
      weighted += concurrency[i]!.value * Math.max(0, end - concurrency[i]!.at);
    }
    const firstAt = concurrency[0]?.at ?? t0;
    const meanConcurrency = spec.concurrency ?? (t0 + runMs - firstAt > 0 ? weighted / (t0 + runMs - firstAt) : NaN);

    const peak = Math.max(0, ...concurrency.map((c) => c.value));
    const peakAt = concurrency.find((c) => c.value === peak)?.at ?? t0;
    let decreases = 0;
    for (let i = 1; i < concurrency.length; i++) if (concurrency[i]!.value < concurrency[i - 1]!.value) decreases++;
    // At most ~40 samples, for the report.
    const every = Math.max(1, Math.ceil(concurrency.length / 40));
    const samples = concurrency.filter((_, i) => i % every === 0).map((c): [number, number] => [Math.round(c.at - t0) / 1000, c.value]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
    return {
      spec, rttMs, planMs, runMs, reportMs,
      devicesPerSecond: summary.migrated / (runMs / 1000),
      summary: { migrated: summary.migrated, failed: summary.failed, notStarted: summary.notStarted, cancelled: summary.cancelled },
      requests: { source: sourceCounts, target: targetCounts },
      requestsPerDevice: { source: src, target: tgt, total: src + tgt, byRoute },
      deviceLatencyMs: { p50: p(0.5), p95: p(0.95) },
      criticalPathRoundTrips: p(0.5) / rttMs,
      meanConcurrency,
      maxConcurrency: spec.concurrency ?? peak,
      concurrencyTrace: { peak, secondsToPeak: (peakAt - t0) / 1000, decreases, samples },
      cpu: {
        enginePercent: ((cpu1.user + cpu1.system) / 1000 / runMs) * 100,
        simPercent: ((sim1.user - sim0.user + sim1.system - sim0.system) / 1000 / runMs) * 100,
        engineMsPerDevice: (cpu1.user + cpu1.system) / 1000 / spec.devices,
        simMsPerDevice: (sim1.user - sim0.user + sim1.system - sim0.system) / 1000 / spec.devices,
        engineRunQueuePercent: sched0 && sched1 ? ((sched1.waitMs - sched0.waitMs) / runMs) * 100 : null,
        simRunQueuePercent: simUsage0.sched && simUsage1.sched ? ((simUsage1.sched.waitMs - simUsage0.sched.waitMs) / runMs) * 100 : null,
      },
      loadAverage: { before: load0, after: load1 },
      status, retries, retryReasons,
      rateLimited: limits.tally,
      verify,
    };
  } finally {
    sides.close();
    await rm(runDir, { recursive: true, force: true });
  }
}
