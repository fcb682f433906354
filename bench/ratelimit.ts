// Suite 2: the engine under The Things Stack's rate limits as the server keys them
// (pkg/ratelimit: one GCRA bucket per gRPC method × entity × API key; the HTTP API reaches the
// handlers through grpc-gateway, so each HTTP route is its gRPC method).
//
// 1. A migration under a per-method limit on both deployments: each device's buckets are its
//    own, and the engine is meant to call each method once per device, so the limit should not
//    slow the run: measured against the concurrency bound C/(6×RTT), and 429s during the run
//    (plus a diagnostic run with the clients' pacing off, to tell the server's cost from the
//    client's).
// 2. A limit a run does hit: EndDeviceRegistry.List is keyed by the application, so listing a
//    large application pages through one bucket. Measured: the share of that limit used, and
//    429s after the first burst.
import type { RateLimitOptions } from '../src-main/sim/index.js';
import { StackClient } from '../src-main/stack/client.js';
import { measure, profileFor, admitted, repeatedDeviceRoutes, verifiedFigure, ADAPTIVE_MAX } from './migration.js';
import { byRouteText, RateLimitWatch, type RateLimitTally } from './lib/rate-watch.js';
import { figure, loadAverage, median, type Figure, type SuiteResult } from './lib/results.js';
import type { RemoteSim, SimHost } from './lib/sim-client.js';

const S = 'ratelimit';

/** One call per device and method at once, then one a second (every unary method). */
export const PER_DEVICE_LIMIT: RateLimitOptions = { profiles: [{ maxPerMin: 60, maxBurst: 1, associations: ['grpc:method'] }] };

const LIST_RPC = 'EndDeviceRegistry.List';
/** Ten pages a second, bursts of ten, on the application's device list only. */
export const LIST_LIMIT: RateLimitOptions = {
  profiles: [{ maxPerMin: 600, maxBurst: 10, associations: [`grpc:method:/ttn.lorawan.v3.${LIST_RPC.replace('.', '/')}`] }],
};

const LIST_APP = 'big-fleet';
const LIST_DEVICES = 5000;
const LIST_PAGE_SIZE = 100;
const LIST_LATENCY_MS = 50;
const LIST_REPEATS = 3;

interface ListRun {
  seconds: number;
  pages: number;
  /** is.list requests the simulator counted (429s included). */
  requests: number;
  devices: number;
  /** What the limit admits over the listing: burst + rate × T. */
  admitted: number;
  share: number;
  rateLimited: RateLimitTally;
  loadAverage: number;
}

/** Lists the application once with a fresh client (fresh pacers); the simulator's limiter is fresh too. */
async function listOnce(sim: RemoteSim, apiKey: string, limit: RateLimitOptions | undefined): Promise<ListRun> {
  await sim.setRateLimit(limit);
  await sim.resetCounters();
  const client = new StackClient({ isUrl: sim.url, clusterUrl: sim.url, apiKey });
  const watch = new RateLimitWatch();
  const unobserve = client.transport.observe(watch.observer('source'));
  try {
    const load = loadAverage();
    const t0 = performance.now();
    const { devices } = await client.listDevices(LIST_APP, { pageSize: LIST_PAGE_SIZE });
    const seconds = (performance.now() - t0) / 1000;
    const counts = await sim.counters();
    const pages = watch.tally.accepted.source ?? 0;
    const profile = profileFor(limit, LIST_RPC);
    const adm = profile ? admitted(profile, seconds) : NaN;
    return {
      seconds, pages, requests: counts['is.list'] ?? 0, devices: devices.length, admitted: adm,
      share: pages / adm, rateLimited: watch.tally, loadAverage: load,
    };
  } finally {
    unobserve();
    client.close();
  }
}

export async function rateLimitSuite(host: SimHost): Promise<SuiteResult> {
  const t0 = performance.now();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { perDeviceLimit: PER_DEVICE_LIMIT, listLimit: LIST_LIMIT };

  // 1. Per method × device × key, on both deployments.
  const r = await measure(host, {
    label: 'OTAA 50 ms adaptive, 1/s per method × device', devices: 250, mix: 'otaa', latencyMs: 50,
    sourceRateLimit: PER_DEVICE_LIMIT, targetRateLimit: PER_DEVICE_LIMIT,
  });
  if (r) {
    details.runs = [r];
    const repeated = repeatedDeviceRoutes(r);
    const wait = r.cpu.engineRunQueuePercent === null ? '' : `; the engine waited for a CPU ${r.cpu.engineRunQueuePercent.toFixed(0)}% of the run (load ${r.loadAverage.before})`;
    figures.push(figure(S, 'Per method × device limit (60/min, burst 1) on both: share of the bound C/(6×RTT)', r.ofBound * 100, '%', { atLeast: 80, label: '≥ 80 %' },
      `${r.devicesPerSecond.toFixed(1)} devices/s; bound ${r.bound.toFixed(1)}/s = ${ADAPTIVE_MAX}/(6×${r.rttMs.toFixed(1)} ms) by the ${r.boundBy}, mean C ${r.meanConcurrency.toFixed(1)}; ` +
      `${r.criticalPathRoundTrips.toFixed(1)} RTs/device on the critical path, ${r.requestsPerDevice.total.toFixed(1)} requests/device; ` +
      `methods called more than once per device: ${repeated.length > 0 ? repeated.join(', ') : 'none'}; ` +
      `target is.create answered at ${((r.requests.target['is.create'] ?? 0) / (r.runMs / 1000)).toFixed(2)}/s${wait}`));
    figures.push(figure(S, 'Per method × device limit: 429s during the run', r.rateLimited.total, '', { below: 1, label: '0' },
      `by route: ${byRouteText(r.rateLimited.byRoute)}; ${r.rateLimited.afterFirstBurst} sent after the first 429 came back`));
    if (r.verify.migrated !== r.spec.devices) figures.push(verifiedFigure(S, r));
  }
  // The same with the clients' pacing off (diagnostic): what the server's buckets alone cost,
  // apart from what the client's pacing adds; 429s then show which calls a bucket refused.
  const d = await measure(host, {
    label: 'OTAA 50 ms adaptive, 1/s per method × device, client pacing off', devices: 250, mix: 'otaa', latencyMs: 50,
    sourceRateLimit: PER_DEVICE_LIMIT, targetRateLimit: PER_DEVICE_LIMIT, clientOptions: { paceToRateLimit: false },
  });
  if (d) {
    details.runs = [...((details.runs as unknown[] | undefined) ?? []), d];
    figures.push(figure(S, 'Same, the clients\' pacing off (diagnostic): share of the bound', d.ofBound * 100, '%', undefined,
      `${d.devicesPerSecond.toFixed(1)} devices/s, ${d.criticalPathRoundTrips.toFixed(1)} RTs/device, mean C ${d.meanConcurrency.toFixed(1)}; ` +
      `${d.rateLimited.total} 429s by route: ${byRouteText(d.rateLimited.byRoute)}; ${d.verify.migrated}/${d.spec.devices} verified`));
    if (d.verify.migrated !== d.spec.devices) figures.push(verifiedFigure(S, d));
  }

  // 2. EndDeviceRegistry.List: one bucket for the whole application.
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
  const listLabel = `List ${LIST_DEVICES} devices, pages of ${LIST_PAGE_SIZE}, 50 ms`;
  if (!only || only.test(listLabel)) {
    await host.closeAll();
    const sim = await host.start('source', { faults: { latencyMs: LIST_LATENCY_MS } });
    await sim.addApplication(LIST_APP);
    await sim.seedDevices(LIST_APP, LIST_DEVICES, { seed: 11, mix: 'otaa' });
    const key = await sim.createApiKey(LIST_APP, ['RIGHT_APPLICATION_ALL']);
    const free = await listOnce(sim, key, undefined);
    const runs: ListRun[] = [];
    for (let i = 0; i < LIST_REPEATS; i++) runs.push(await listOnce(sim, key, LIST_LIMIT));
    await host.closeAll();
    const ok = runs.every((l) => l.devices === LIST_DEVICES) && free.devices === LIST_DEVICES;
    const shares = runs.map((l) => l.share * 100);
    const mid = runs[shares.indexOf(median(shares))]!;
    const rate = LIST_LIMIT.profiles[0]!.maxPerMin / 60;
    const late = runs.reduce((n, l) => n + l.rateLimited.afterFirstBurst, 0);
    const total = runs.reduce((n, l) => n + l.rateLimited.total, 0);
    figures.push(figure(S, `List limit (600/min, burst 10): share used listing ${LIST_DEVICES.toLocaleString('en')} devices in pages of ${LIST_PAGE_SIZE}`, median(shares), '%', { atLeast: 90, label: '≥ 90 %' },
      `median of ${LIST_REPEATS} listings (${shares.map((v) => v.toFixed(1)).join(' / ')} %); median: ${mid.pages} pages in ${mid.seconds.toFixed(2)} s = ${(mid.pages / mid.seconds).toFixed(1)} pages/s ` +
      `(at most ${mid.admitted.toFixed(1)} admitted in that time: 10 + ${rate}/s × T); unlimited the same listing takes ${free.seconds.toFixed(2)} s (${(free.pages / free.seconds).toFixed(0)} pages/s)` +
      `${ok ? '' : '; NOT every device listed'}`));
    figures.push(figure(S, 'List limit: 429s after the first burst', late, '', { below: 1, label: '0' },
      `over ${LIST_REPEATS} listings: ${total} 429s in all (${runs.map((l) => `${l.rateLimited.total - l.rateLimited.afterFirstBurst}+${l.rateLimited.afterFirstBurst}`).join(', ')} in the first burst + after)`));
    details.list = { unlimited: free, limited: runs };
    details.table = [{
      title: `Listing ${LIST_DEVICES} devices, pages of ${LIST_PAGE_SIZE}, 50 ms, under ${LIST_RPC} 600/min burst 10`,
      headers: ['listing', 'load', 'pages', 'requests', 's', 'pages/s', 'admitted (10 + 10 × T)', 'share used', '429s', 'after the first burst'],
      rows: [free, ...runs].map((l, i) => [
        i === 0 ? 'unlimited' : `limited #${i}`, String(l.loadAverage), String(l.pages), String(l.requests), l.seconds.toFixed(2), (l.pages / l.seconds).toFixed(1),
        Number.isFinite(l.admitted) ? l.admitted.toFixed(1) : '—', Number.isFinite(l.share) ? `${(l.share * 100).toFixed(1)} %` : '—',
        String(l.rateLimited.total), String(l.rateLimited.afterFirstBurst),
      ]),
    }];
  }
  return { suite: S, seconds: (performance.now() - t0) / 1000, figures, details };
}
