// Suite 6: the arrivals check of a 10,000-device run against simulators at 50 ms per request
// (issue 11: under a minute). The worst case: no device proven by the journal or by a last-seen
// time after its move, so besides one listing of each side every device's target session is read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkArrivals } from '../src-main/arrivals/check.js';
import { readJournal } from '../src-main/migration/journal.js';
import { StackClient } from '../src-main/stack/client.js';
import { figure, loadAverage, type SuiteResult } from './lib/results.js';
import type { SimHost } from './lib/sim-client.js';

const S = 'arrivals';
const DEVICES = 10_000;
const LATENCY_MS = 50;

export async function arrivalsSuite(host: SimHost): Promise<SuiteResult> {
  const t0 = performance.now();
  const load0 = loadAverage();
  const source = await host.start('arrivals-source', { devAddrPrefix: '260B0000/16' });
  const target = await host.start('arrivals-target', { devAddrPrefix: '27000000/16' });
  await source.addApplication('ce-fleet');
  await target.addApplication('cloud-fleet');
  // The same ids on both sides, as a finished run leaves them.
  const ids = await source.seedDevices('ce-fleet', DEVICES, { seed: 21, mix: 'otaa' });
  await target.seedDevices('cloud-fleet', DEVICES, { seed: 21, mix: 'otaa' });
  const sourceKey = await source.createApiKey('ce-fleet', ['RIGHT_APPLICATION_ALL']);
  const targetKey = await target.createApiKey('cloud-fleet', ['RIGHT_APPLICATION_ALL']);
  await source.setFaults({ latencyMs: LATENCY_MS });
  await target.setFaults({ latencyMs: LATENCY_MS });
  // A journal that says every device was moved just now (and none seen joining).
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-arrivals-'));
  const journalPath = path.join(dir, 'journal.jsonl');
  const now = Date.now();
  await writeFile(journalPath, ids.map((d) => `${JSON.stringify({ t: 'step', d, s: 'retired', at: now, facts: { targetId: d, activation: 'otaa', lorawan11: false, retireAction: 'rotate-keys' } })}\n`).join(''));
  const sourceClient = new StackClient({ isUrl: source.url, clusterUrl: source.url, apiKey: sourceKey });
  const targetClient = new StackClient({ isUrl: target.url, clusterUrl: target.url, apiKey: targetKey });
  try {
    const { devices } = await readJournal(journalPath);
    const c0 = performance.now();
    const report = await checkArrivals({
      runDir: dir, deviceIds: ids, journal: devices,
      sides: { source: { client: sourceClient, appId: 'ce-fleet' }, target: { client: targetClient, appId: 'cloud-fleet' } },
    });
    const seconds = (performance.now() - c0) / 1000;
    const counts = { source: await source.counters(), target: await target.counters() };
    const requests = Object.values(counts.source).reduce((a, b) => a + b, 0) + Object.values(counts.target).reduce((a, b) => a + b, 0);
    console.log(`  arrivals of ${DEVICES} devices at ${LATENCY_MS} ms: ${seconds.toFixed(1)} s, ${requests} requests, ${JSON.stringify(report.counts)}`);
    if (report.rows.length !== DEVICES) throw new Error(`the check gave ${report.rows.length} rows for ${DEVICES} devices`);
    const figures = [
      figure(S, `Arrivals check of a ${DEVICES.toLocaleString('en')}-device run at ${LATENCY_MS} ms per request (every target session read)`, seconds, 's', { below: 60, label: '< 60 s' },
        `${requests} requests; ${report.counts.joined} joined, ${report.counts.stragglers} stragglers; load ${load0} → ${loadAverage()}`),
    ];
    return { suite: S, seconds: (performance.now() - t0) / 1000, figures, details: { seconds, requests, counts: report.counts, problems: report.problems } };
  } finally {
    sourceClient.close();
    targetClient.close();
    await rm(dir, { recursive: true, force: true });
  }
}
