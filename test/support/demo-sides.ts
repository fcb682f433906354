// Two simulators and the engine's sides over them, for the migration tests.
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src-main/sim/index.js';
import { openSides, type Sides } from '../../src-main/migration/session.js';
import type { RunManifest } from '../../src-main/migration/run-dir.js';
import { getAtPath } from '../../src-main/stack/paths.js';

export interface Fleet {
  source: Simulator;
  target: Simulator;
  sourceKey: string;
  targetKey: string;
  sourceApp: string;
  targetApp: string;
  manifestBase: Pick<RunManifest, 'source' | 'target'>;
  /** The keys programmed into each device (root keys and ABP session), read before migrating. */
  programmed: Map<string, { appKey?: string; nwkKey?: string; devAddr?: string; nwkSKey?: string; appSKey?: string; scheduleDownlinks?: unknown }>;
  sides(): Promise<Sides>;
  close(): Promise<void>;
}

export async function startFleet(opts: { devices?: number; mix?: 'mixed' | 'otaa' | 'abp'; seed?: number; sim?: SimulatorOptions; sourceRights?: string[]; targetRights?: string[] } = {}): Promise<Fleet> {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16', ...opts.sim });
  const target = await startSimulator({ devAddrPrefix: '27000000/16', adminRoutes: true, ...opts.sim });
  const sourceApp = 'ce-fleet';
  const targetApp = 'cloud-fleet';
  source.addApplication(sourceApp);
  target.addApplication(targetApp);
  source.seedDevices(sourceApp, opts.devices ?? 20, { seed: opts.seed ?? 7, mix: opts.mix ?? 'mixed' });
  const sourceKey = source.createApiKey(sourceApp, opts.sourceRights ?? ['RIGHT_APPLICATION_ALL']);
  const targetKey = target.createApiKey(targetApp, opts.targetRights ?? ['RIGHT_APPLICATION_ALL']);
  const programmed: Fleet['programmed'] = new Map();
  for (const id of source.listDeviceIds(sourceApp)) {
    const p = source.inspect(sourceApp, id)!;
    const g = (o: unknown, path: string) => getAtPath(o ?? {}, path) as string | undefined;
    programmed.set(id, {
      appKey: g(p.js, 'root_keys.app_key.key'), nwkKey: g(p.js, 'root_keys.nwk_key.key'),
      devAddr: g(p.ns, 'session.dev_addr'), nwkSKey: g(p.ns, 'session.keys.f_nwk_s_int_key.key'), appSKey: g(p.as, 'session.keys.app_s_key.key'),
      scheduleDownlinks: getAtPath(p.ns ?? {}, 'mac_settings.schedule_downlinks'),
    });
  }
  const manifestBase = {
    source: { kind: 'stack' as const, isUrl: source.url, clusterUrl: source.url, appId: sourceApp },
    target: { isUrl: target.url, clusterUrl: target.url, appId: targetApp },
  };
  return {
    source, target, sourceKey, targetKey, sourceApp, targetApp, manifestBase, programmed,
    sides: () => openSides(manifestBase, { source: sourceKey, target: targetKey }, undefined, { backoff: { baseMs: 5, maxMs: 50 } }),
    close: async () => {
      await Promise.all([source.close(), target.close()]);
    },
  };
}

export const part = (sim: Simulator, app: string, id: string, c: 'is' | 'js' | 'ns' | 'as', path: string) =>
  getAtPath(sim.inspect(app, id)?.[c] ?? {}, path);
