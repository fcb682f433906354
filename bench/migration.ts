// Suites 1 and 3: migration throughput against its bound, and with faults (the model and the
// run helper are shared with the rate-limit suite, bench/ratelimit.ts).
// The simulators run in a child process (bench/lib/sim-host.ts); the engine runs here.
import { measureMigration, type RunMeasure, type RunSpec } from './lib/migration-run.js';
import { figure, round, type Figure, type SuiteResult } from './lib/results.js';
import type { SimHost } from './lib/sim-client.js';
import type { RateLimitOptions, RateLimitProfile } from '../src-main/sim/index.js';

/** Round trips per device on the engine's critical path (DESIGN.md, Performance model). */
export const ENGINE_ROUND_TRIPS = 6;
/** The official chain: migrate-tool export, then `ttn-lw-cli end-devices create`, one device at a time. */
export const OFFICIAL_ROUND_TRIPS = 9;
export const ADAPTIVE_MAX = 64;

export interface RunRow extends RunMeasure {
  bound: number;
  /** "concurrency", or the rate-limited route that caps the bound ("rate limit on target is.list"). */
  boundBy: string;
  ofBound: number;
  official: number;
  ofOfficial: number;
}

/**
 * Routes whose rate-limit key every device of a run shares (pkg/ratelimit grpc.go
 * grpcEntityFromRequest, as src-main/sim/routes.ts rateLimitEntity keys them): the application
 * for ApplicationRegistry.Get and EndDeviceRegistry.List, no entity at all for AuthInfo,
 * ApplicationRegistry.List and GenerateDevAddr. Every other unary route is keyed per device
 * (method × device × key), and Events.Stream is limited at accept, not per call.
 */
const SHARED_KEY_ROUTES: Record<string, string> = {
  auth_info: 'EntityAccess.AuthInfo',
  'app.list': 'ApplicationRegistry.List',
  'app.get': 'ApplicationRegistry.Get',
  'is.list': 'EndDeviceRegistry.List',
  'ns.dev_addr': 'Ns.GenerateDevAddr',
};

/** The profile that limits a unary method: its own class first, then `grpc:method` (rate_limit.go muxRateLimiter). */
export function profileFor(options: RateLimitOptions | undefined, rpc: string): RateLimitProfile | undefined {
  if (!options) return undefined;
  const byClass = new Map<string, RateLimitProfile>();
  for (const p of options.profiles) for (const a of p.associations) byClass.set(a, p);
  // 'EndDeviceRegistry.List' → '/ttn.lorawan.v3.EndDeviceRegistry/List'
  return byClass.get(`grpc:method:/ttn.lorawan.v3.${rpc.replace('.', '/')}`) ?? byClass.get('grpc:method');
}

/** Requests a profile admits on one key in T seconds: its bucket starts full (burst), then refills at maxPerMin/60 per second. */
export function admitted(profile: RateLimitProfile, seconds: number): number {
  const burst = profile.maxBurst || profile.maxPerMin;
  return burst + (profile.maxPerMin / 60) * seconds;
}

/**
 * The bound C / (6 × RTT), and the official chain's model. A rate limit caps the bound only
 * where it truly binds: on a key every device shares (SHARED_KEY_ROUTES), at what its profile
 * admits over the run ÷ that route's answered requests per device. A per-device key limits
 * one device's calls to one method, which the engine makes about once: no cap from those.
 */
export function withModel(m: RunMeasure): RunRow {
  const rtt = m.rttMs / 1000;
  const c = m.spec.concurrency ?? ADAPTIVE_MAX;
  let bound = c / (ENGINE_ROUND_TRIPS * rtt);
  let boundBy = 'concurrency';
  const seconds = m.runMs / 1000;
  for (const side of ['source', 'target'] as const) {
    const options = side === 'source' ? m.spec.sourceRateLimit : m.spec.targetRateLimit;
    for (const [route, rpc] of Object.entries(SHARED_KEY_ROUTES)) {
      const profile = profileFor(options, rpc);
      const answered = (m.requests[side][route] ?? 0) - (m.rateLimited.byRoute[`${side} ${route}`] ?? 0);
      if (!profile || answered <= 0) continue;
      const cap = admitted(profile, seconds) / seconds / (answered / m.spec.devices);
      if (cap < bound) {
        bound = cap;
        boundBy = `rate limit on ${side} ${route}`;
      }
    }
  }
  const official = 1 / (OFFICIAL_ROUND_TRIPS * rtt);
  return { ...m, bound, boundBy, ofBound: m.devicesPerSecond / bound, official, ofOfficial: m.devicesPerSecond / official };
}

/** Per-device routes called more than once per device on average (each extra call waits for its own bucket). */
export function repeatedDeviceRoutes(m: RunMeasure): string[] {
  const out: string[] = [];
  for (const side of ['source', 'target'] as const) {
    for (const [route, n] of Object.entries(m.requests[side])) {
      if (route === 'events' || route in SHARED_KEY_ROUTES) continue;
      if (n / m.spec.devices > 1.001) out.push(`${side} ${route} ${(n / m.spec.devices).toFixed(2)}/device`);
    }
  }
  return out;
}

const cLabel = (c: number | undefined) => (c === undefined ? 'adaptive' : `C=${c}`);

function log(r: RunRow) {
  console.log(
    `  ${r.spec.label.padEnd(28)} ${String(r.spec.devices).padStart(5)} dev  ${r.devicesPerSecond.toFixed(1).padStart(7)} dev/s  ` +
    `RTT ${r.rttMs.toFixed(2)} ms  ${r.requestsPerDevice.total.toFixed(1)} req/dev  ${r.criticalPathRoundTrips.toFixed(1)} RT/dev  ` +
    `${(r.ofBound * 100).toFixed(0)}% of bound  ${r.ofOfficial.toFixed(1)}× official  C̄=${r.meanConcurrency.toFixed(1)}` +
    `${r.spec.concurrency ? '' : ` (peak ${r.concurrencyTrace.peak} at ${r.concurrencyTrace.secondsToPeak.toFixed(1)} s, ${r.concurrencyTrace.decreases} decreases)`}  ` +
    `cpu engine ${r.cpu.enginePercent.toFixed(0)}% (${r.cpu.engineMsPerDevice.toFixed(2)} ms/dev, waited ${r.cpu.engineRunQueuePercent?.toFixed(0)}%) ` +
    `sims ${r.cpu.simPercent.toFixed(0)}% (${r.cpu.simMsPerDevice.toFixed(2)} ms/dev, waited ${r.cpu.simRunQueuePercent?.toFixed(0)}%)  ` +
    `load ${r.loadAverage.before}→${r.loadAverage.after}  ${r.verify.migrated}/${r.verify.expected} verified`,
  );
}

/** BENCH_ONLY=<regex>: only the runs whose label matches (to look at one case again). */
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;

export async function measure(host: SimHost, spec: RunSpec): Promise<RunRow | undefined> {
  if (only && !only.test(spec.label)) return undefined;
  const row = withModel(await measureMigration(host, spec));
  log(row);
  return row;
}

/** Devices per run: 1,000, fewer where a low concurrency at 50 ms would take minutes. */
function devicesFor(latencyMs: number, c: number | undefined): number {
  if (latencyMs >= 50 && c === 1) return 100;
  if (latencyMs >= 50 && c === 4) return 300;
  if (c === 1) return 300;
  return 1000;
}

export function verifiedFigure(suite: string, r: RunRow): Figure {
  return figure(suite, `${r.spec.label}: devices migrated and verified on both simulators`, r.verify.migrated, 'devices',
    { atLeast: r.spec.devices, label: `= ${r.spec.devices}` }, r.verify.problems.slice(0, 3).join('; ') || undefined);
}

export async function throughputSuite(host: SimHost): Promise<SuiteResult> {
  const t0 = performance.now();
  const rows: RunRow[] = [];
  const figures: Figure[] = [];
  for (const latencyMs of [0, 50]) {
    for (const c of [1, 4, 16, 64, undefined]) {
      const spec: RunSpec = { label: `OTAA ${latencyMs} ms ${cLabel(c)}`, devices: devicesFor(latencyMs, c), mix: 'otaa', latencyMs, ...(c ? { concurrency: c } : {}) };
      const row = await measure(host, spec);
      if (row) rows.push(row);
    }
  }
  const abp = await measure(host, {
    label: 'ABP keep-session 50 ms adaptive', devices: 200, mix: 'abp', latencyMs: 50, options: { abpMode: 'keep-session' },
  });
  if (abp) rows.push(abp);

  const S = 'throughput';
  for (const r of rows) {
    const rt = `${r.criticalPathRoundTrips.toFixed(1)} RTs/device on the critical path, ${r.requestsPerDevice.total.toFixed(1)} requests/device`;
    if (r.spec.latencyMs >= 50) {
      const wait = r.cpu.engineRunQueuePercent === null ? '' : `; the engine waited for a CPU ${r.cpu.engineRunQueuePercent.toFixed(0)}% of the run (load ${r.loadAverage.before})`;
      const abp = r.spec.mix === 'abp' ? '; ABP retirement deletes in two sequential round trips (AS/JS/NS, then IS): 7 in its model' : '';
      const boundNote = `bound ${r.bound.toFixed(1)}/s = ${r.spec.concurrency ?? ADAPTIVE_MAX}/(6×${r.rttMs.toFixed(1)} ms)${r.spec.concurrency ? '' : `, mean C ${r.meanConcurrency.toFixed(1)}`}; ${rt}${wait}${abp}`;
      figures.push(figure(S, `${r.spec.label}: devices/s`, r.devicesPerSecond, '/s', undefined, `${r.spec.devices} devices, ${r.summary.migrated} migrated`));
      figures.push(figure(S, `${r.spec.label}: share of the bound`, r.ofBound * 100, '%', { atLeast: 80, label: '≥ 80 %' }, boundNote));
      if (r.spec.mix === 'otaa' && (r.spec.concurrency === undefined || r.spec.concurrency === 64)) {
        figures.push(figure(S, `${r.spec.label}: × the official chain`, r.ofOfficial, '×', { atLeast: 20, label: '≥ 20 ×' }, `official model 1/(9×RTT) = ${r.official.toFixed(2)}/s`));
      }
    } else {
      figures.push(figure(S, `${r.spec.label}: devices/s`, r.devicesPerSecond, '/s', undefined,
        `RTT ${r.rttMs.toFixed(2)} ms; ${rt}; engine CPU ${r.cpu.enginePercent.toFixed(0)}%, simulators ${r.cpu.simPercent.toFixed(0)}%`));
    }
    if (r.verify.migrated !== r.spec.devices) figures.push(verifiedFigure(S, r));
  }
  const planning = rows.filter((r) => r.spec.devices === 1000 && r.spec.latencyMs === 50);
  for (const r of planning.slice(0, 1)) {
    figures.push(figure(S, `Planning 1,000 devices at 50 ms (not in the run times)`, r.planMs / 1000, 's', undefined, `${(1000 / (r.planMs / 1000)).toFixed(0)} devices/s`));
  }
  return { suite: S, seconds: (performance.now() - t0) / 1000, figures, details: { runs: rows } };
}

export async function faultsSuite(host: SimHost): Promise<SuiteResult> {
  const t0 = performance.now();
  const r = await measure(host, { label: 'OTAA 50 ms adaptive, 5% 5xx + 1% drops', devices: 1000, mix: 'otaa', latencyMs: 50, faults: { errorRate: 0.05, dropRate: 0.01 } });
  const S = 'faults';
  if (!r) return { suite: S, seconds: 0, figures: [], details: {} };
  const reasons = Object.entries(r.retryReasons).map(([k, v]) => `${v} ${k}`).join(', ');
  const figures = [
    figure(S, 'Faults: devices/s', r.devicesPerSecond, '/s', undefined, `${round(r.ofBound * 100, 0)}% of the fault-free bound`),
    figure(S, 'Faults: retries (client onRetry)', r.retries, '', undefined, `${reasons}; ${(r.retries / r.spec.devices).toFixed(2)} per device`),
    figure(S, 'Faults: devices migrated (checked on both simulators)', r.verify.migrated, 'devices', { atLeast: r.spec.devices, label: `= ${r.spec.devices}` },
      `run summary: ${r.summary.migrated} migrated, ${r.summary.failed} failed${r.verify.problems.length ? `; ${r.verify.problems.slice(0, 3).join('; ')}` : ''}`),
  ];
  return { suite: S, seconds: (performance.now() - t0) / 1000, figures, details: { runs: [r] } };
}
