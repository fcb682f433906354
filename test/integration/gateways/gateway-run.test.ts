// Moving gateways against two simulators over loopback, in process: the plan says what the
// registry tells, CUPS stations follow the source's re-point to the target, the others get their
// sheets, claimable gateways are claimed with their owner token, a rollback restores the source
// exactly — and gateway keys live in the (real) keychain only.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keytarSecretStore } from '../../../src-main/credentials/index.js';
import { StackClient } from '../../../src-main/stack/client.js';
import { planGateways } from '../../../src-main/gateways/plan.js';
import { GatewaySecrets } from '../../../src-main/gateways/secrets.js';
import { gatewayRunStatus, startGatewayRun } from '../../../src-main/gateways/session.js';
import { rollbackGateways } from '../../../src-main/gateways/rollback.js';
import { gatewaySheet } from '../../../src-main/gateways/sheet.js';
import { eventually, startGatewayFleet, type GatewayFleet } from '../../support/gateway-fleet.js';

const SERVICE = `org.stackmigrator.test-gw-${process.pid}`;
const store = keytarSecretStore(SERVICE);
let fleet: GatewayFleet | undefined;
const clients: StackClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await fleet?.close();
  fleet = undefined;
});

function sides(f: GatewayFleet) {
  const source = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: f.sourceKey });
  const target = new StackClient({ isUrl: f.target.url, clusterUrl: f.target.clusterUrl, apiKey: f.targetKey });
  clients.push(source, target);
  return { source, target };
}

describe('gateways: plan, run, status, sheet, rollback', () => {
  it('moves every kind; CUPS stations reconnect to the target; a rollback restores the source exactly', async () => {
    fleet = await startGatewayFleet({ gateways: { cups: 3, ttig: 1, lns: 2, udp: 2, claimable: 1 } });
    const f = fleet;
    await eventually(() => f.gateways.filter((g) => g.kind !== 'claimable').every((g) => f.stations.view(g.eui)?.connectedTo === f.source.clusterHost), 10_000, 'stations on the source');
    const { source, target } = sides(f);
    const claimable = f.gateways.find((g) => g.kind === 'claimable')!;
    const writesBefore = f.source.writeCount() + f.target.writeCount();
    const plan = await planGateways({ source, target, ids: f.gateways.map((g) => g.id), options: { claimWithToken: [claimable.id], waitSeconds: 3 } });
    expect(f.source.writeCount() + f.target.writeCount()).toBe(writesBefore); // planning writes nothing
    expect(plan.blockers).toEqual([]);
    const byId = new Map(plan.gateways.map((g) => [g.id, g]));
    for (const g of f.gateways) {
      const expected = { cups: ['cups', 'repoint'], ttig: ['ttig', 'repoint'], lns: ['lns', 'lns-files'], udp: ['udp', 'udp-sheet'], claimable: ['claimable', 'claim'] }[g.kind];
      expect([byId.get(g.id)?.kind, byId.get(g.id)?.action], g.id).toEqual(expected);
      expect(byId.get(g.id)?.status).toBe('ready');
    }
    expect(plan.packetBroker).toMatch(/routing policy/);
    expect(plan.targetServerAddress).toBe(f.target.clusterHost);

    const runDir = mkdtempSync(join(tmpdir(), 'sm-gw-run-'));
    const { runId, status } = await startGatewayRun(plan, {
      source, target, runDir, pollMs: 100, secrets: (id) => new GatewaySecrets(store, id), ownerTokens: { [claimable.id]: claimable.ownerToken! },
    });
    const states = new Map(status.gateways.map((g) => [g.id, g.state]));
    for (const g of f.gateways) {
      expect(states.get(g.id), g.id).toBe(g.kind === 'lns' || g.kind === 'udp' ? 'sheet' : g.kind === 'claimable' ? 'waiting' : 'connected');
      expect(f.target.inspectGateway(g.id)?.ids, g.id).toMatchObject({ eui: g.eui });
    }
    // CUPS stations followed the re-point; the source keeps their registration.
    for (const g of f.gateways.filter((x) => x.kind === 'cups' || x.kind === 'ttig')) {
      expect(f.stations.view(g.eui)?.connectedTo).toBe(f.target.clusterHost);
      expect(f.source.inspectGateway(g.id)?.gateway_server_address).toBe(f.target.clusterHost);
      expect(f.target.gatewayApiKeys(g.id).map((k) => k.rights.sort())).toEqual([['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK']]);
    }
    // The target copy: same EUI, name, frequency plans, the user's attributes, not the server's.
    const copy = f.target.inspectGateway('gw-cups-01')!;
    expect(copy).toMatchObject({ name: 'Gateway gw-cups-01', frequency_plan_ids: ['EU_863_870_TTN'], attributes: { site: 'roof' } });
    expect(Object.keys(copy.attributes as object)).toEqual(['site']);
    // The claimable gateway is claimed on the target; unclaiming kept the source registration (grpc_gateways.go Unclaim).
    expect(f.target.inspectGateway(claimable.id)).toMatchObject({ require_authenticated_connection: true });
    expect(f.source.inspectGateway(claimable.id)).toBeDefined();
    expect(f.controller.claimedBy(claimable.eui)).toBe(f.target.url);

    // The sheet: LNS files with the key from the keychain; UDP addresses.
    const sheet = await gatewaySheet(runDir, (id) => new GatewaySecrets(store, id));
    const lnsKey = await new GatewaySecrets(store, runId).lnsKey('gw-lns-01');
    expect(lnsKey).toBeTruthy();
    expect(sheet).toContain(`Authorization: Bearer ${lnsKey}`);
    expect(sheet).toContain(`server_address ${f.target.clusterHost}`);
    // An LNS station given its files connects to the target.
    f.stations.installLns(f.gateways.find((g) => g.id === 'gw-lns-01')!.eui, `wss://${f.target.clusterHost}`, `Authorization: Bearer ${lnsKey}\r\n`);
    await eventually(() => f.stations.view(f.gateways.find((g) => g.id === 'gw-lns-01')!.eui)?.connectedTo === f.target.clusterHost, 5000, 'LNS station on the target');
    const later = await gatewayRunStatus(runDir, target);
    expect(later.gateways.find((g) => g.id === 'gw-lns-01')?.state).toBe('connected');

    // No key in the run folder.
    const keys = [lnsKey!, f.sourceKey, f.targetKey, claimable.ownerToken!];
    for (const file of readdirSync(runDir)) {
      const text = readFileSync(join(runDir, file), 'utf8');
      for (const k of keys) {
        expect(text.includes(k), `${file} holds a key`).toBe(false);
        expect(text.includes(Buffer.from(k).toString('base64')), `${file} holds a key (base64)`).toBe(false);
      }
    }

    // Rollback: the source gets exactly what it had; the target key is revoked; the station goes home.
    const cups = f.gateways.find((g) => g.id === 'gw-cups-01')!;
    const r = await rollbackGateways(runDir, [cups.id, claimable.id], { source, target, secrets: (id) => new GatewaySecrets(store, id) });
    expect(r.restored).toEqual([cups.id]);
    expect(r.failed.map((x) => x.id)).toEqual([claimable.id]);
    const restored = f.source.inspectGateway(cups.id)!;
    expect({ gateway_server_address: restored.gateway_server_address, lbs_lns_secret: restored.lbs_lns_secret }).toEqual(f.before.get(cups.id));
    expect(f.target.gatewayApiKeys(cups.id)).toEqual([]);
    await eventually(() => f.stations.view(cups.eui)?.connectedTo === f.source.clusterHost, 5000, 'station back on the source');
    expect(await new GatewaySecrets(store, runId).lnsKey(cups.id)).toBeUndefined();
    for (const g of f.gateways) await new GatewaySecrets(store, runId).forget(g.id);
  }, 60_000);

  it('a taken EUI on the target fails that gateway in words naming the contact; the others move', async () => {
    fleet = await startGatewayFleet({ gateways: { udp: 2 } });
    const f = fleet;
    const taken = f.gateways[0]!;
    f.target.addGateway({ gateway: { ids: { gateway_id: 'someone-elses', eui: taken.eui }, frequency_plan_ids: ['EU_863_870_TTN'] }, owner: { userId: 'neighbour' } });
    const { source, target } = sides(f);
    const plan = await planGateways({ source, target, ids: f.gateways.map((g) => g.id) });
    const { status } = await startGatewayRun(plan, { source, target, runDir: mkdtempSync(join(tmpdir(), 'sm-gw-taken-')), pollMs: 100, secrets: (id) => new GatewaySecrets(store, id) });
    const failed = status.gateways.find((g) => g.id === taken.id)!;
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(new RegExp(`EUI ${taken.eui}.*"someone-elses".*neighbour`));
    expect(status.gateways.find((g) => g.id !== taken.id)?.state).toBe('sheet');
  }, 30_000);

  it('an application key sees no gateways and the plan says which key is needed', async () => {
    fleet = await startGatewayFleet({ gateways: { udp: 1 }, devices: 1 });
    const f = fleet;
    const appKey = f.source.createApiKey('ce-fleet', ['RIGHT_APPLICATION_ALL']);
    const source = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: appKey });
    const { target } = sides(f);
    clients.push(source);
    const plan = await planGateways({ source, target, ids: ['gw-udp-01'] });
    expect(plan.blockers.map((b) => b.message).join(' ')).toMatch(/application API key: it sees no gateways.*user or organization/);
  }, 30_000);
});

describe('gateway plan conflicts', () => {
  it('an EUI the target key already has under another id blocks that gateway in the plan, before any write', async () => {
    fleet = await startGatewayFleet({ gateways: { udp: 2 } });
    const f = fleet;
    const g = f.gateways[0]!;
    f.target.addGateway({ gateway: { ids: { gateway_id: 'moved-by-hand', eui: g.eui }, frequency_plan_ids: ['EU_863_870_TTN'] }, owner: { userId: 'cloud-admin' } });
    const { source, target } = sides(f);
    const plan = await planGateways({ source, target, ids: f.gateways.map((x) => x.id) });
    const entry = plan.gateways.find((x) => x.id === g.id)!;
    expect(entry.status).toBe('blocked');
    expect(entry.blockers.map((b) => b.message).join(' ')).toMatch(/as your gateway "moved-by-hand"/);
    expect(plan.gateways.find((x) => x.id !== g.id)?.status).toBe('ready');
  }, 30_000);

  it('a claimable gateway the target cannot claim is done by hand, and the plan says so', async () => {
    fleet = await startGatewayFleet({ gateways: { claimable: 1 }, targetClaims: false });
    const f = fleet;
    const g = f.gateways[0]!;
    const { source, target } = sides(f);
    const plan = await planGateways({ source, target, ids: [g.id], options: { claimWithToken: [g.id] } });
    const entry = plan.gateways[0]!;
    expect(entry.kind).toBe('claimable');
    expect(entry.action).toBe('manual');
    expect(entry.warnings.map((w) => w.code)).toContain('TARGET_CANNOT_CLAIM');
  }, 30_000);
});
