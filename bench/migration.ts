// Suites 1–3: migration throughput against its bound, under a rate limit, and with faults.
// The simulators run in a child process (bench/lib/sim-host.ts); the engine runs here.
import { measureMigration, type RunMeasure, type RunSpec } from './lib/migration-run.js';
import { figure, round, type Figure, type SuiteResult } from './lib/results.js';
import type { SimHost } from './lib/sim-client.js';

/** Round trips per device on the engine's critical path (DESIGN.md, Performance model). */
export const ENGINE_ROUND_TRIPS = 6;
/** The official chain: migrate-tool export, then `ttn-lw-cli end-devices create`, one device at a time. */
export const OFFICIAL_ROUND_TRIPS = 9;
const ADAPTIVE_MAX = 64;

export interface RunRow extends RunMeasure {
  bound: number;
  boundBy: 'concurrency' | 'rate limit';
  ofBound: number;
  official: number;
  ofOfficial: number;
}

/** The bound C / (6 × RTT), capped by the target's rate limit; and the official chain's model. */
export function withModel(m: RunMeasure): RunRow {
  const rtt = m.rttMs / 1000;
  const c = m.spec.concurrency ?? ADAPTIVE_MAX;
  let bound = c / (ENGINE_ROUND_TRIPS * rtt);
  let boundBy: RunRow['boundBy'] = 'concurrency';
  const rl = m.spec.targetRateLimit;
  if (rl && m.rateLimited.targetAccepted > 0) {
    // What the server admits over the run (its bucket starts full), per device's accepted requests.
    const admittedPerSecond = rl.limit / rl.periodSeconds + rl.limit / (m.runMs / 1000);
    const cap = admittedPerSecond / (m.rateLimited.targetAccepted / m.spec.devices);
    if (cap < bound) {
      bound = cap;
      boundBy = 'rate limit';
    }
  }
  const official = 1 / (OFFICIAL_ROUND_TRIPS * rtt);
  return { ...m, bound, boundBy, ofBound: m.devicesPerSecond / bound, official, ofOfficial: m.devicesPerSecond / official };
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

async function measure(host: SimHost, spec: RunSpec): Promise<RunRow | undefined> {
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

function verifiedFigure(suite: string, r: RunRow): Figure {
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

export async function rateLimitSuite(host: SimHost): Promise<SuiteResult> {
  const t0 = performance.now();
  const limit = { limit: 100, periodSeconds: 1 };
  const r = await measure(host, { label: 'OTAA 50 ms adaptive, target 100 req/s', devices: 250, mix: 'otaa', latencyMs: 50, targetRateLimit: limit });
  const S = 'ratelimit';
  if (!r) return { suite: S, seconds: 0, figures: [], details: {} };
  const seconds = r.runMs / 1000;
  // The bucket starts full: over T seconds the server admits at most limit × T + limit requests.
  const admissible = (limit.limit / limit.periodSeconds) * seconds + limit.limit;
  const used = (r.rateLimited.targetAccepted / admissible) * 100;
  const figures = [
    figure(S, 'Target rate limit used (100 req/s)', used, '%', { atLeast: 90, label: '≥ 90 %' },
      `${r.rateLimited.targetAccepted} target requests answered in ${seconds.toFixed(1)} s of at most ${Math.round(admissible)} admissible; ${r.devicesPerSecond.toFixed(1)} devices/s, bound ${r.bound.toFixed(1)}/s by the ${r.boundBy}`),
    figure(S, '429s beyond the first burst', r.rateLimited.afterFirstBurst, '', { below: 1, label: '0' },
      `${r.rateLimited.total} 429s in all; "beyond the first burst" = sent after the first 429 came back`),
    figure(S, 'Rate-limited run: share of the bound', r.ofBound * 100, '%', { atLeast: 80, label: '≥ 80 %' }, `bound ${r.bound.toFixed(1)}/s`),
  ];
  if (r.verify.migrated !== r.spec.devices) figures.push(verifiedFigure(S, r));
  return { suite: S, seconds: (performance.now() - t0) / 1000, figures, details: { runs: [r], limit } };
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
