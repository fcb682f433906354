// The gateway channels through the dispatch chokepoint, as the renderer calls them: the list
// (kinds from the registry and the Gateway Server), a plan, a run with its progress events, a
// quit in the middle and "Last gateway run" resuming it, status, rollback — and no key in any
// answer or event.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { eventually, startGatewayFleet, type GatewayFleet } from '../../support/gateway-fleet.js';

let h: Harness | undefined;
let fleet: GatewayFleet | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await fleet?.close();
  fleet = undefined;
});

async function connect(harness: Harness, f: GatewayFleet) {
  const add = (name: string, url: string, apiKey: string) =>
    harness.call('connections:add', { name, preset: { kind: 'custom', isUrl: url, clusterUrl: url }, apiKey }).then((r) => r.connection.id);
  return { source: await add('Community', f.source.url, f.sourceKey), target: await add('Cloud', f.target.url, f.targetKey) };
}

describe('gateways over IPC', () => {
  it('lists with kinds, plans, runs, survives a quit, resumes, rolls back; no key crosses', async () => {
    fleet = await startGatewayFleet({ gateways: { cups: 2, lns: 1, udp: 1 }, cupsEveryMs: 150 });
    const f = fleet;
    await eventually(() => f.gateways.every((g) => f.stations.view(g.eui)?.connectedTo === f.source.clusterHost), 10_000, 'stations on the source');
    h = await startHarness();
    const ids = await connect(h, f);
    const listed = await h.call('gateways:list', { connectionId: ids.source });
    expect(listed.problem).toBeUndefined();
    expect(Object.fromEntries(listed.gateways.map((g) => [g.id, g.kind]))).toEqual({ 'gw-cups-01': 'cups', 'gw-cups-02': 'cups', 'gw-lns-01': 'lns', 'gw-udp-01': 'udp' });

    const { planId, plan } = await h.call('gateways:plan', { source: ids.source, target: ids.target, gatewayIds: f.gateways.map((g) => g.id), options: { waitSeconds: 60 } });
    expect(plan.counts.ready).toBe(4);
    // The app quits as soon as the run has its folder (gateways still being moved, or waiting).
    const started = await h.call('gateways:start', { planId });
    const userDataDir = h.userDataDir;
    const service = h.service;
    await h.close(true);
    h = await startHarness({ userDataDir, service });
    const runs = await h.call('gateways:runs', {});
    expect(runs.runs[0]).toMatchObject({ runId: started.runId, source: ids.source, target: ids.target });
    // "Last gateway run": resumed when unfinished; either way its status reads the target's connections.
    if (!runs.runs[0]!.finished) await h.call('gateways:resume', { runId: started.runId });
    let states: Record<string, string> = {};
    await h.waitFor(() => states['gw-cups-01'] === 'connected' && states['gw-cups-02'] === 'connected', 'CUPS gateways connected', 20_000, async () => {
      const { status } = await h!.call('gateways:status', { runId: started.runId });
      states = Object.fromEntries(status.gateways.map((g) => [g.id, g.state]));
    });
    expect(states).toMatchObject({ 'gw-lns-01': 'sheet', 'gw-udp-01': 'sheet' });
    expect(f.target.gatewayApiKeys('gw-cups-01').length).toBe(1);

    const saved = await h.call('gateways:sheet-save', { runId: started.runId });
    expect(saved).toHaveProperty('savedTo');
    const rb = await h.call('gateways:rollback', { runId: started.runId, gatewayIds: ['gw-cups-01'] });
    expect(rb).toEqual({ restored: ['gw-cups-01'], failed: [] });
    const now = f.source.inspectGateway('gw-cups-01')!;
    expect({ gateway_server_address: now.gateway_server_address, lbs_lns_secret: now.lbs_lns_secret }).toEqual(f.before.get('gw-cups-01'));

    // No key in any answer or event; the LNS keys are in the keychain (this run's accounts).
    const accounts = (await h.keychainAccounts()).filter((a) => a.startsWith('gateway-'));
    expect(accounts.some((a) => a.startsWith(`gateway-lns-key:${started.runId}:gw-lns-01`))).toBe(true);
    const lnsKey = (await h.keychainSecret(`gateway-lns-key:${started.runId}:gw-lns-01`))!;
    const crossed = JSON.stringify([h.results, h.events]);
    for (const k of [lnsKey, f.sourceKey, f.targetKey]) {
      expect(crossed.includes(k)).toBe(false);
      expect(crossed.includes(Buffer.from(k).toString('base64'))).toBe(false);
    }
    expect(h.badEvents).toEqual([]);
  }, 60_000);

  it('an application key sees no gateways: the list says which key is needed', async () => {
    fleet = await startGatewayFleet({ gateways: { udp: 1 }, devices: 1 });
    h = await startHarness();
    const appKey = fleet.source.createApiKey('ce-fleet', ['RIGHT_APPLICATION_ALL']);
    const { connection } = await h.call('connections:add', { name: 'App key', preset: { kind: 'custom', isUrl: fleet.source.url, clusterUrl: fleet.source.url }, apiKey: appKey });
    const listed = await h.call('gateways:list', { connectionId: connection.id });
    expect(listed.gateways).toEqual([]);
    expect(listed.problem).toMatch(/application API key.*user or organization API key/);
  }, 30_000);
});
