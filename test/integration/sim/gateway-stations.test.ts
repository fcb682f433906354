// Physical gateways between two simulated deployments: CUPS re-pointing, LNS and UDP stations,
// connection stats, and claiming through a shared Gateway Controller.
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, type Stations, createGatewayController, startSimulator, startStations } from '../../../src-main/sim/index.js';
import { callAt, errorName } from './helpers.js';

const EUI = '58A0CBFFFE800001';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const LNS = ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK'];
let sims: Simulator[] = [];
let stations: Stations | undefined;
afterEach(async () => {
  stations?.stop();
  stations = undefined;
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function two(opts: Parameters<typeof startSimulator>[0] = {}): Promise<[Simulator, Simulator]> {
  const a = await startSimulator({ separateCluster: true, ...opts });
  const b = await startSimulator({ separateCluster: true, ...opts });
  sims = [a, b];
  return [a, b];
}

function seedBoth(source: Simulator, target: Simulator, extra: Record<string, unknown> = {}) {
  source.addGateway({ gateway: { ids: { gateway_id: 'roof', eui: EUI }, frequency_plan_ids: ['EU_863_870_TTN'], ...extra }, owner: { userId: 'alice' }, cups: {} });
  const srcLns = source.createGatewayApiKey('roof', LNS);
  const src = source.createUserApiKey('alice', { rights: ['RIGHT_ALL'] });
  // The source gateway points at its own cluster with its own LNS key (the usual setup).
  const put = (gateway: object, paths: string[]) =>
    callAt(source.url, src, 'PUT', '/gateways/roof', { gateway: { ids: { gateway_id: 'roof' }, ...gateway }, field_mask: { paths } });
  target.addGateway({ gateway: { ids: { gateway_id: 'roof-t', eui: EUI }, frequency_plan_ids: ['EU_863_870_TTN'] }, owner: { userId: 'alice' } });
  return { srcLns, put };
}

describe('cups station', () => {
  it('follows gateway_server_address + lbs_lns_secret to the target; shows in the target stats only', async () => {
    const [source, target] = await two();
    const { srcLns, put } = seedBoth(source, target);
    await put({ gateway_server_address: source.clusterHost, lbs_lns_secret: { value: b64(srcLns) } }, ['gateway_server_address', 'lbs_lns_secret']);
    stations = startStations({ deployments: [source, target] });
    stations.add({ eui: EUI, kind: 'cups', home: source, cupsEveryMs: 50 });
    expect(stations.view(EUI)).toMatchObject({ connectedTo: source.clusterHost, protocol: 'ws' });
    expect(source.inspectGateway('roof')?.attributes).toHaveProperty('cups-last-seen');
    const tgtKey = target.createGatewayApiKey('roof-t', LNS);
    await put({ gateway_server_address: target.clusterHost, lbs_lns_secret: { value: b64(tgtKey) } }, ['gateway_server_address', 'lbs_lns_secret']);
    stations.reboot(EUI);
    expect(stations.view(EUI)).toMatchObject({ connectedTo: target.clusterHost, protocol: 'ws' });
    expect(target.gatewayConnection('roof-t')).toMatchObject({ protocol: 'ws' });
    expect(source.gatewayConnection('roof')).toBeUndefined();
    const reader = target.createGatewayApiKey('roof-t', ['RIGHT_GATEWAY_STATUS_READ']);
    const stats = await callAt(target.clusterUrl, reader, 'GET', '/gs/gateways/roof-t/connection/stats');
    expect(stats.status).toBe(200);
    const srcStats = await callAt(source.clusterUrl, source.createGatewayApiKey('roof', ['RIGHT_GATEWAY_STATUS_READ']), 'GET', '/gs/gateways/roof/connection/stats');
    expect(errorName(srcStats)).toBe('not_connected');
    // On the IS host the GS route does not exist.
    expect((await callAt(target.url, reader, 'GET', '/gs/gateways/roof-t/connection/stats')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 700));
    const later = await callAt(target.clusterUrl, reader, 'GET', '/gs/gateways/roof-t/connection/stats');
    expect(Number(later.body.uplink_count)).toBeGreaterThan(0);
    expect(later.body.last_status_received_at).toEqual(expect.any(String));
  });

  it('a key without LINK: error and no target connection; lns_credentials_not_found keeps the connection', async () => {
    const [source, target] = await two();
    const { srcLns, put } = seedBoth(source, target);
    await put({ gateway_server_address: source.clusterHost, lbs_lns_secret: { value: b64(srcLns) } }, ['gateway_server_address', 'lbs_lns_secret']);
    stations = startStations({ deployments: [source, target] });
    stations.add({ eui: EUI, kind: 'cups', home: source });
    const wrong = target.createGatewayApiKey('roof-t', ['RIGHT_GATEWAY_INFO']);
    await put({ gateway_server_address: target.clusterHost, lbs_lns_secret: { value: b64(wrong) } }, ['gateway_server_address', 'lbs_lns_secret']);
    stations.reboot(EUI);
    expect(stations.view(EUI)).toMatchObject({ error: 'insufficient_gateway_rights' });
    expect(stations.view(EUI)?.connectedTo).toBeUndefined();
    expect(target.gatewayConnection('roof-t')).toBeUndefined();
    // Without an LNS secret CUPS refuses; the station keeps what it has.
    await put({ gateway_server_address: source.clusterHost, lbs_lns_secret: { value: b64(srcLns) } }, ['gateway_server_address', 'lbs_lns_secret']);
    stations.reboot(EUI);
    expect(stations.view(EUI)?.connectedTo).toBe(source.clusterHost);
    await put({}, ['lbs_lns_secret']);
    stations.reboot(EUI);
    expect(stations.view(EUI)).toMatchObject({ connectedTo: source.clusterHost, error: 'lns_credentials_not_found' });
  });
});

describe('lns and udp stations', () => {
  it('installLns moves an LNS station', async () => {
    const [source, target] = await two();
    seedBoth(source, target);
    stations = startStations({ deployments: [source, target] });
    stations.add({ eui: EUI, kind: 'lns', home: source });
    expect(stations.view(EUI)?.connectedTo).toBe(source.clusterHost);
    stations.installLns(EUI, `wss://${target.clusterHost}`, `Authorization: Bearer ${target.createGatewayApiKey('roof-t', LNS)}\r\n`);
    expect(stations.view(EUI)).toMatchObject({ connectedTo: target.clusterHost, protocol: 'ws' });
    expect(source.gatewayConnection('roof')).toBeUndefined();
  });

  it('setUdpServer moves a UDP forwarder; require_authenticated_connection refuses it', async () => {
    const [source, target] = await two();
    seedBoth(source, target);
    stations = startStations({ deployments: [source, target] });
    stations.add({ eui: EUI, kind: 'udp', home: source });
    expect(stations.view(EUI)).toMatchObject({ connectedTo: source.clusterHost, protocol: 'udp' });
    const port = Number(target.clusterUrl.split(':').pop());
    stations.setUdpServer(EUI, '127.0.0.1', port);
    expect(stations.view(EUI)?.connectedTo).toBe(target.clusterHost);
    const alice = target.createUserApiKey('alice', { rights: ['RIGHT_ALL'] });
    await callAt(target.url, alice, 'PUT', '/gateways/roof-t', {
      gateway: { ids: { gateway_id: 'roof-t' }, require_authenticated_connection: true },
      field_mask: { paths: ['require_authenticated_connection'] },
    });
    stations.reboot(EUI);
    expect(stations.view(EUI)).toMatchObject({ error: 'unauthenticated_gateway_connection' });
    expect(target.gatewayConnection('roof-t')).toBeUndefined();
  });
});

describe('claiming through a shared Gateway Controller', () => {
  it('info, claim with the owner token, wrong token, claimed elsewhere, unclaim', async () => {
    const controller = createGatewayController([{ eui: EUI, ownerToken: 'TOKEN-1' }]);
    const [a, b] = await two({ gatewayController: controller });
    controller.markClaimed(EUI, a.url);
    const bob = b.createUserApiKey('bob', { rights: ['RIGHT_USER_GATEWAYS_CREATE', 'RIGHT_GATEWAY_ALL'] });
    const info = await callAt(b.clusterUrl, bob, 'POST', '/gcls/claim/info', { eui: EUI });
    expect(info.body).toEqual({ eui: EUI, supports_claiming: true, is_managed: true });
    expect((await callAt(b.clusterUrl, bob, 'POST', '/gcls/claim/info', { eui: '0000000000000001' })).body).toEqual({ eui: '0000000000000001' });
    const claim = (token: string) =>
      callAt(b.clusterUrl, bob, 'POST', '/gcls/claim', {
        authenticated_identifiers: { gateway_eui: EUI, authentication_code: b64(token) },
        collaborator: { user_ids: { user_id: 'bob' } },
        target_gateway_id: 'claimed',
        target_gateway_server_address: b.clusterHost,
        target_frequency_plan_ids: ['EU_863_870_TTN'],
      });
    const elsewhere = await claim('TOKEN-1');
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.details[0].cause.name).toBe('gateway_claimed');
    const aliceA = a.createUserApiKey('alice', { rights: ['RIGHT_ALL'] });
    a.addGateway({ gateway: { ids: { gateway_id: 'on-a', eui: EUI } }, owner: { userId: 'alice' } });
    expect((await callAt(a.clusterUrl, aliceA, 'DELETE', '/gcls/claim/on-a')).status).toBe(200);
    expect(controller.claimedBy(EUI)).toBeUndefined();
    expect(a.inspectGateway('on-a')).toBeDefined();
    const wrong = await claim('WRONG');
    expect(wrong.body.details[0].cause.name).toBe('owner_token');
    const ok = await claim('TOKEN-1');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ gateway_id: 'claimed', eui: EUI });
    expect(controller.claimedBy(EUI)).toBe(b.url);
    expect(b.inspectGateway('claimed')).toMatchObject({ require_authenticated_connection: true, enforce_duty_cycle: true, gateway_server_address: b.clusterHost });
    expect(errorName(await claim('TOKEN-1'))).toBe('gateway_already_exists');
  });
});
