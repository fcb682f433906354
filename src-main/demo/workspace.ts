// Two simulated deployments on loopback, ready to migrate between: the demo workspace of the
// app and the ground of `stack-migrator demo`.
import { type Air, type AirDeviceSpec, airSpecsFromSimulator, startAir, startSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';

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
  close(): Promise<void>;
}

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
  let air: Air | undefined;
  // The air is the re-join story of a fleet of a few hundred; a demo of tens of thousands of
  // devices shows selection and throughput, and would spend the machine on simulated uplinks.
  if (opts.air ?? (opts.devices ?? 50) <= DEMO_AIR_MAX_DEVICES) {
    air = startAir({ networks: [source, target] });
    for (const spec of demoAirSpecs(source, DEMO_SOURCE_APP, opts.uplinkEveryMs ?? 5000)) air.addDevice(spec);
  }
  return {
    source: { sim: source, appId: DEMO_SOURCE_APP, apiKey: source.createApiKey(DEMO_SOURCE_APP, all, { id: 'demo-source' }) },
    target: { sim: target, appId: DEMO_TARGET_APP, apiKey: target.createApiKey(DEMO_TARGET_APP, all, { id: 'demo-target' }) },
    ...(air ? { air } : {}),
    close: async () => {
      air?.stop();
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
