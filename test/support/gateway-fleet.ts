// Two simulated deployments with gateways of every kind, the physical gateways (stations) that
// connect to them, and optionally an application whose ABP devices (keeping their session) were
// heard through some of the gateways: what a user moving a community fleet to Cloud has.
import {
  createGatewayController, startSimulator, startStations, type GatewayController, type Simulator, type Stations,
} from '../../src-main/sim/index.js';
import { StackClient } from '../../src-main/stack/client.js';
import { GatewayApi } from '../../src-main/stack/gateway-api.js';

export const SOURCE_USER = 'ce-user';
export const TARGET_USER = 'cloud-admin';
export const SOURCE_APP = 'ce-fleet';
export const TARGET_APP = 'cloud-fleet';

export type Kind = 'cups' | 'ttig' | 'lns' | 'udp' | 'claimable';

export interface FleetGateway {
  id: string;
  eui: string;
  kind: Kind;
  /** claimable: the owner token on its label. */
  ownerToken?: string;
}

export interface GatewayFleetOptions {
  gateways: Partial<Record<Kind, number>>;
  /** Devices in the source application (mix), and how many ABP keep-session ones were heard through `behind`. */
  devices?: number;
  abpBehind?: { gateways: string[]; count: number };
  cupsEveryMs?: number;
  /** false: the target's claiming server has no gateway controller (it cannot claim). */
  targetClaims?: boolean;
}

export interface GatewayFleet {
  source: Simulator;
  target: Simulator;
  sourceKey: string;
  targetKey: string;
  stations: Stations;
  controller: GatewayController;
  gateways: FleetGateway[];
  /** ABP devices heard through `abpBehind.gateways`. */
  abpDevices: string[];
  /** The source gateways' re-point fields as seeded, per id (a rollback must restore them exactly). */
  before: Map<string, { gateway_server_address?: unknown; lbs_lns_secret?: unknown }>;
  close(): Promise<void>;
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

export async function startGatewayFleet(opts: GatewayFleetOptions): Promise<GatewayFleet> {
  const all: FleetGateway[] = [];
  let n = 0;
  for (const kind of ['cups', 'ttig', 'lns', 'udp', 'claimable'] as Kind[]) {
    for (let i = 1; i <= (opts.gateways[kind] ?? 0); i++) {
      n++;
      all.push({ id: `gw-${kind}-${String(i).padStart(2, '0')}`, eui: kind === 'ttig' ? `58A0CBFFFE80${hex(n, 4)}` : `B827EBFFFE${hex(n, 6)}`, kind, ...(kind === 'claimable' ? { ownerToken: `owner-token-of-${kind}-${i}-xyzzy` } : {}) });
    }
  }
  const controller = createGatewayController(all.filter((g) => g.kind === 'claimable').map((g) => ({ eui: g.eui, ownerToken: g.ownerToken! })));
  const source = await startSimulator({ devAddrPrefix: '260B0000/16', gatewayController: controller });
  const target = await startSimulator({ devAddrPrefix: '27000000/16', tenantId: 'acme', ...(opts.targetClaims === false ? {} : { gatewayController: controller }) });
  const devices = opts.devices ?? 0;
  const withApp = devices > 0;
  if (withApp) {
    source.addApplication(SOURCE_APP, { name: 'Community Edition fleet' });
    target.addApplication(TARGET_APP, { name: 'Cloud fleet' });
  }
  const sourceKey = source.createUserApiKey(SOURCE_USER, { rights: ['RIGHT_ALL'], ...(withApp ? { applications: { [SOURCE_APP]: ['RIGHT_APPLICATION_ALL'] } } : {}) });
  const targetKey = target.createUserApiKey(TARGET_USER, { rights: ['RIGHT_ALL'], ...(withApp ? { applications: { [TARGET_APP]: ['RIGHT_APPLICATION_ALL'] } } : {}) });

  const client = new StackClient({ isUrl: source.url, clusterUrl: source.clusterUrl, apiKey: sourceKey });
  const api = new GatewayApi(client);
  const before = new Map<string, { gateway_server_address?: unknown; lbs_lns_secret?: unknown }>();
  for (const g of all) {
    source.addGateway({
      gateway: {
        ids: { gateway_id: g.id, eui: g.eui }, name: `Gateway ${g.id}`, description: `a ${g.kind} gateway`, frequency_plan_ids: ['EU_863_870_TTN'],
        attributes: { site: 'roof' }, antennas: [{ gain: 3, location: { latitude: 52.37, longitude: 4.89, altitude: 12 } }],
        gateway_server_address: source.clusterHost,
        ...(g.kind === 'ttig' ? { version_ids: { brand_id: 'the-things-industries', model_id: 'the-things-indoor-gateway' } } : {}),
        ...(g.kind === 'lns' || g.kind === 'cups' || g.kind === 'ttig' ? { require_authenticated_connection: true } : {}),
      },
      owner: { userId: SOURCE_USER },
      ...(g.kind === 'cups' || g.kind === 'ttig' ? { cups: { station: '2.0.6', model: g.kind === 'ttig' ? 'TTIG' : 'rak7246' } } : {}),
    });
    if (g.kind === 'cups' || g.kind === 'ttig' || g.kind === 'lns') {
      // The station's LNS key on the source, as the Console stores it in the gateway.
      const lnsKey = source.createGatewayApiKey(g.id, ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK']);
      await api.update(g.id, { lbs_lns_secret: { value: Buffer.from(lnsKey).toString('base64') } }, ['lbs_lns_secret']);
    }
    if (g.kind === 'claimable') controller.markClaimed(g.eui, source.url);
    const stored = source.inspectGateway(g.id)!;
    before.set(g.id, { gateway_server_address: stored.gateway_server_address, lbs_lns_secret: stored.lbs_lns_secret });
  }
  client.close();

  const stations = startStations({ deployments: [source, target] });
  for (const g of all) {
    if (g.kind === 'cups' || g.kind === 'ttig') stations.add({ eui: g.eui, kind: 'cups', home: source, cupsEveryMs: opts.cupsEveryMs ?? 300 });
    else if (g.kind === 'lns') stations.add({ eui: g.eui, kind: 'lns', home: source });
    else if (g.kind === 'udp') stations.add({ eui: g.eui, kind: 'udp', home: source });
  }

  const abpDevices: string[] = [];
  if (withApp) {
    const ids = source.seedDevices(SOURCE_APP, devices, { seed: 11, mix: 'mixed' });
    const behind = opts.abpBehind;
    if (behind) {
      for (const id of ids) {
        if (abpDevices.length >= behind.count) break;
        if (source.inspect(SOURCE_APP, id)?.ns?.supports_join === true || source.inspect(SOURCE_APP, id)?.ns?.multicast === true) continue;
        const r = source.simulateUplink(SOURCE_APP, id, { gatewayIds: [behind.gateways[abpDevices.length % behind.gateways.length]!] });
        if (r.delivered) abpDevices.push(id);
      }
    }
  }

  return {
    source, target, sourceKey, targetKey, stations, controller, gateways: all, abpDevices, before,
    async close() {
      stations.stop();
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/** Polls until `check` holds (or throws after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
