// Two simulated deployments on loopback, ready to migrate between: the demo workspace of the
// app and the ground of `stack-migrator demo`.
import { StackClient } from '../stack/client.js';
import { GatewayApi } from '../stack/gateway-api.js';
import { type Air, type AirDeviceSpec, airSpecsFromSimulator, startAir, startSimulator, startStations, type Simulator, type SimulatorOptions, type Stations } from '../sim/index.js';

export interface DemoSide {
  sim: Simulator;
  appId: string;
  apiKey: string;
}

export interface DemoWorkspace {
  source: DemoSide;
  target: DemoSide;
  /** The source's OTAA devices on the air over source (network 0) and target (network 1); absent with `air: false`. */
  air?: Air;
  /** The source's gateways on the air (Basic Stations asking the source's CUPS, an LNS-only one, a UDP forwarder). */
  stations: Stations;
  close(): Promise<void>;
}

/** The demo's gateways: what each is, as the registry will tell it. */
export const DEMO_GATEWAYS = [
  { id: 'rooftop-north', eui: 'B827EBFFFE61A001', kind: 'cups', name: 'Rooftop north' },
  { id: 'rooftop-south', eui: 'B827EBFFFE61A002', kind: 'cups', name: 'Rooftop south' },
  { id: 'office-indoor', eui: '58A0CBFFFE80A003', kind: 'ttig', name: 'Office (Indoor Gateway)' },
  { id: 'warehouse-lns', eui: 'B827EBFFFE61A004', kind: 'lns', name: 'Warehouse' },
  { id: 'barn-forwarder', eui: 'B827EBFFFE61A005', kind: 'udp', name: 'Barn (packet forwarder)' },
] as const;
/** The users whose keys the demo connections hold (user keys: they see gateways too). */
export const DEMO_SOURCE_USER = 'community-user';
export const DEMO_TARGET_USER = 'cloud-user';

export const DEMO_SOURCE_APP = 'ce-fleet';
/** Demo workspaces above this many devices have no devices on the air (by default). */
export const DEMO_AIR_MAX_DEVICES = 5000;
export const DEMO_TARGET_APP = 'cloud-fleet';
/** The re-join trigger of the demo's devices that have one: the Milesight EM320-TH reboot command. */
export const DEMO_TRIGGER = { brandId: 'milesight-iot', modelId: 'em320-th', fPort: 85, payloadHex: 'ff10ff' } as const;

export interface DemoWorkspaceOptions {
  devices?: number;
  seed?: number;
  sim?: SimulatorOptions;
  /** Put the devices on the air (default: up to DEMO_AIR_MAX_DEVICES devices). */
  air?: boolean;
  /** How often each device uplinks (default 5000 ms). */
  uplinkEveryMs?: number;
  /** Share of seeded devices with a device model (default 0.9, so about a third are EM320-TH). */
  modelShare?: number;
}

/**
 * What each demo device does: EM320-TH devices re-join on their reboot command
 * (every third after a few seconds), one of them never comes back, the others
 * need a power cycle.
 */
export function demoAirSpecs(sim: Simulator, appId: string, uplinkEveryMs: number): AirDeviceSpec[] {
  let withTrigger = 0;
  const specs = airSpecsFromSimulator(sim, appId, (d) => {
    if (d.brandId !== DEMO_TRIGGER.brandId || d.modelId !== DEMO_TRIGGER.modelId) return { reacts: 'power-cycle', uplinkEveryMs };
    const n = withTrigger++;
    return {
      reacts: 'trigger',
      trigger: { fPort: DEMO_TRIGGER.fPort, payloadHex: DEMO_TRIGGER.payloadHex },
      rejoinDelayMs: n % 3 === 2 ? 3000 + (n % 5) * 1000 : 0,
      uplinkEveryMs,
    };
  });
  // Exactly one device never comes back: the first that has a trigger, else the first.
  const gone = specs.find((s) => s.reacts === 'trigger') ?? specs[0];
  if (gone) {
    gone.reacts = 'never';
    delete gone.trigger;
    delete gone.rejoinDelayMs;
  }
  return specs;
}

export async function startDemoWorkspace(opts: DemoWorkspaceOptions = {}): Promise<DemoWorkspace> {
  const source = await startSimulator({ adminRoutes: true, devAddrPrefix: '260B0000/16', ...opts.sim });
  const target = await startSimulator({ adminRoutes: true, devAddrPrefix: '27000000/16', ...opts.sim }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  source.addApplication(DEMO_SOURCE_APP, { name: 'Community Edition fleet' });
  target.addApplication(DEMO_TARGET_APP, { name: 'Cloud fleet' });
  const deviceIds = source.seedDevices(DEMO_SOURCE_APP, opts.devices ?? 50, { seed: opts.seed ?? 1, modelShare: opts.modelShare ?? 0.9 });
  // What a real application carries besides its devices: formatters, webhooks, a pub/sub, packages.
  source.seedIntegrations(DEMO_SOURCE_APP, { devices: deviceIds.slice(0, 2) });
  const all = ['RIGHT_APPLICATION_ALL'];
  const userRights = ['RIGHT_USER_ALL', 'RIGHT_APPLICATION_ALL', 'RIGHT_GATEWAY_ALL'];
  const sourceKey = source.createUserApiKey(DEMO_SOURCE_USER, { rights: userRights, applications: { [DEMO_SOURCE_APP]: all } });
  const targetKey = target.createUserApiKey(DEMO_TARGET_USER, { rights: userRights, applications: { [DEMO_TARGET_APP]: all } });
  const stations = await seedDemoGateways(source, target, deviceIds, sourceKey);
  let air: Air | undefined;
  // The air is the re-join story of a fleet of a few hundred; a demo of tens of thousands of
  // devices shows selection and throughput, and would spend the machine on simulated uplinks.
  if (opts.air ?? (opts.devices ?? 50) <= DEMO_AIR_MAX_DEVICES) {
    air = startAir({ networks: [source, target] });
    for (const spec of demoAirSpecs(source, DEMO_SOURCE_APP, opts.uplinkEveryMs ?? 5000)) air.addDevice(spec);
  }
  return {
    source: { sim: source, appId: DEMO_SOURCE_APP, apiKey: sourceKey },
    target: { sim: target, appId: DEMO_TARGET_APP, apiKey: targetKey },
    ...(air ? { air } : {}),
    stations,
    close: async () => {
      air?.stop();
      stations.stop();
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/** What each simulated device was programmed with (its join key and nonce memory), read before the move. */
export type ProgrammedDevices = Map<string, ReturnType<Simulator['deviceState']>>;

export function programmedDevices(side: DemoSide): ProgrammedDevices {
  return new Map(side.sim.listDeviceIds(side.appId).map((id) => [id, side.sim.deviceState(side.appId, id)]));
}

/**
 * The device "power-cycles" and joins a deployment with what it holds: its key, its next
 * DevNonce, and the last JoinNonce it accepted (a re-programmed device: what the target gave it).
 */
export function joinAsDevice(sim: Simulator, appId: string, deviceId: string, programmed: ReturnType<Simulator['deviceState']>) {
  const device = programmed ?? sim.deviceState(appId, deviceId);
  return sim.simulateJoin(appId, deviceId, device ? { key: device.key, devNonce: device.lastDevNonce + 1, deviceLastJoinNonce: device.lastJoinNonce } : {});
}

/**
 * The source user's gateways and the stations behind them; a few ABP devices were last heard
 * through the rooftop gateways, so a plan keeping their sessions offers to move those gateways.
 */
async function seedDemoGateways(source: Simulator, target: Simulator, deviceIds: string[], userKey: string): Promise<Stations> {
  for (const g of DEMO_GATEWAYS) {
    const station = g.kind === 'cups' || g.kind === 'ttig' || g.kind === 'lns';
    // The LNS key the Console would store in the gateway (a gateway key with the link right).
    source.addGateway({
      gateway: {
        ids: { gateway_id: g.id, eui: g.eui }, name: g.name, frequency_plan_ids: ['EU_863_870_TTN'], gateway_server_address: source.clusterHost,
        attributes: { site: g.id.split('-')[0]! }, ...(station ? { require_authenticated_connection: true } : {}),
        ...(g.kind === 'ttig' ? { version_ids: { brand_id: 'the-things-industries', model_id: 'the-things-indoor-gateway' } } : {}),
      },
      owner: { userId: DEMO_SOURCE_USER },
      ...(g.kind === 'cups' || g.kind === 'ttig' ? { cups: { station: '2.0.6' } } : {}),
    });
  }
  const stations = startStations({ deployments: [source, target] });
  const client = new StackClient({ isUrl: source.url, clusterUrl: source.clusterUrl, apiKey: userKey });
  const api = new GatewayApi(client);
  for (const g of DEMO_GATEWAYS) {
    if (g.kind === 'udp') stations.add({ eui: g.eui, kind: 'udp', home: source });
    else {
      const key = source.createGatewayApiKey(g.id, ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK']);
      await api.update(g.id, { lbs_lns_secret: { value: Buffer.from(key).toString('base64') } }, ['lbs_lns_secret']);
      // A demo's CUPS stations check every few seconds, so a re-point shows within the demo.
      stations.add({ eui: g.eui, kind: g.kind === 'lns' ? 'lns' : 'cups', home: source, key: g.kind === 'lns' ? key : undefined, cupsEveryMs: 4000 });
    }
  }
  client.close();
  let heard = 0;
  for (const id of deviceIds) {
    if (heard >= 4) break;
    const ns = source.inspect(DEMO_SOURCE_APP, id)?.ns as { supports_join?: boolean; multicast?: boolean } | undefined;
    if (!ns || ns.supports_join || ns.multicast) continue;
    if (source.simulateUplink(DEMO_SOURCE_APP, id, { gatewayIds: [heard % 2 === 0 ? 'rooftop-north' : 'rooftop-south'] }).delivered) heard++;
  }
  return stations;
}
