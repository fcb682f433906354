// Two simulated deployments on loopback, ready to migrate between: the demo workspace of the
// app and the ground of `stack-migrator demo`.
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';

export interface DemoSide {
  sim: Simulator;
  appId: string;
  apiKey: string;
}

export interface DemoWorkspace {
  source: DemoSide;
  target: DemoSide;
  close(): Promise<void>;
}

export const DEMO_SOURCE_APP = 'ce-fleet';
export const DEMO_TARGET_APP = 'cloud-fleet';

export async function startDemoWorkspace(opts: { devices?: number; seed?: number; sim?: SimulatorOptions } = {}): Promise<DemoWorkspace> {
  const source = await startSimulator({ adminRoutes: true, devAddrPrefix: '260B0000/16', ...opts.sim });
  const target = await startSimulator({ adminRoutes: true, devAddrPrefix: '27000000/16', ...opts.sim }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  source.addApplication(DEMO_SOURCE_APP, { name: 'Community Edition fleet' });
  target.addApplication(DEMO_TARGET_APP, { name: 'Cloud fleet' });
  source.seedDevices(DEMO_SOURCE_APP, opts.devices ?? 50, { seed: opts.seed ?? 1 });
  const all = ['RIGHT_APPLICATION_ALL'];
  return {
    source: { sim: source, appId: DEMO_SOURCE_APP, apiKey: source.createApiKey(DEMO_SOURCE_APP, all, { id: 'demo-source' }) },
    target: { sim: target, appId: DEMO_TARGET_APP, apiKey: target.createApiKey(DEMO_TARGET_APP, all, { id: 'demo-target' }) },
    close: async () => {
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
