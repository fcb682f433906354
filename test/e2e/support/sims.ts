// Two simulated deployments on loopback for the e2e tests, with application API keys.
import { startSimulator, type SeedOptions, type Simulator } from '../../../src-main/sim/index';

export interface SimSide {
  sim: Simulator;
  appId: string;
  apiKey: string;
}

export interface SimPair {
  source: SimSide;
  target: SimSide;
  close(): Promise<void>;
}

export const SOURCE_APP = 'ce-fleet';
export const TARGET_APP = 'cloud-fleet';

export async function startSimPair(opts: { devices: number; seed?: SeedOptions }): Promise<SimPair> {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16' });
  const target = await startSimulator({ devAddrPrefix: '27000000/16' });
  source.addApplication(SOURCE_APP, { name: 'Community Edition fleet' });
  target.addApplication(TARGET_APP, { name: 'Cloud fleet' });
  if (opts.devices > 0) source.seedDevices(SOURCE_APP, opts.devices, { seed: 7, ...opts.seed });
  const all = ['RIGHT_APPLICATION_ALL'];
  return {
    source: { sim: source, appId: SOURCE_APP, apiKey: source.createApiKey(SOURCE_APP, all, { id: 'e2e-source' }) },
    target: { sim: target, appId: TARGET_APP, apiKey: target.createApiKey(TARGET_APP, all, { id: 'e2e-target' }) },
    close: async () => {
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/** The AppKey each source device was programmed with: what the real device joins with. */
export function programmedAppKeys(side: SimSide, ids: readonly string[]): Map<string, string | undefined> {
  return new Map(ids.map((id) => [id, side.sim.inspect(side.appId, id)?.js?.root_keys?.app_key?.key as string | undefined]));
}
