// Two simulators and the engine's sides over them, for the migration tests.
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src-main/sim/index.js';
import { openSides, type Sides } from '../../src-main/migration/session.js';
import type { RunManifest } from '../../src-main/migration/run-dir.js';
import { getAtPath } from '../../src-main/stack/paths.js';

export interface Programmed {
  appKey?: string;
  nwkKey?: string;
  rootKeyId?: string;
  /** The root key the device signs its joins with, and where the Join Server keeps it. */
  joinKey?: string;
  joinKeySlot?: 'app_key' | 'nwk_key';
  lorawanVersion?: string;
  /** The device's own nonce memory: its last DevNonce and the last JoinNonce it accepted. */
  lastDevNonce?: number;
  lastJoinNonce?: number;
  devAddr?: string;
  nwkSKey?: string;
  appSKey?: string;
  multicast?: boolean;
  scheduleDownlinks?: unknown;
}

export interface Fleet {
  source: Simulator;
  target: Simulator;
  sourceKey: string;
  targetKey: string;
  sourceApp: string;
  targetApp: string;
  manifestBase: Pick<RunManifest, 'source' | 'target'>;
  /** What each device holds (root keys, nonces, ABP session), read before migrating. */
  programmed: Map<string, Programmed>;
  sides(): Promise<Sides>;
  close(): Promise<void>;
}

/**
 * The key a device joins with, from the Join Server's table (pkg/joinserver/joinserver.go):
 * LoRaWAN 1.1 and 1.0.x devices with a NwkKey (unless ttn-lw-cli generated it) use the NwkKey.
 * Written here, apart from the client's reading of the same rule.
 */
export function joinKeyOf(js: unknown, lorawanVersion: unknown): { key?: string; slot?: 'app_key' | 'nwk_key' } {
  const nwk = getAtPath(js ?? {}, 'root_keys.nwk_key.key') as string | undefined;
  const app = getAtPath(js ?? {}, 'root_keys.app_key.key') as string | undefined;
  const id = getAtPath(js ?? {}, 'root_keys.root_key_id');
  if (nwk && (lorawanVersion === 'MAC_V1_1' || id !== 'ttn-lw-cli-generated')) return { key: nwk, slot: 'nwk_key' };
  return app ? { key: app, slot: 'app_key' } : {};
}

/** What the device sends when it (re-)joins: its key (or another), its next DevNonce, the last JoinNonce it accepted. */
export const asDevice = (p: Programmed, key = p.joinKey) => ({ key, devNonce: (p.lastDevNonce ?? 0) + 1, deviceLastJoinNonce: p.lastJoinNonce ?? 0 });

export interface FleetOptions {
  devices?: number;
  mix?: 'mixed' | 'otaa' | 'abp' | 'varied';
  seed?: number;
  /** Share of seeded devices that name their model (version_ids); the simulator's default otherwise. */
  modelShare?: number;
  sim?: SimulatorOptions;
  /** The source and target as on nam1/au1: the Identity Server and the cluster on different hosts. */
  separateCluster?: boolean;
  /** The target application's server addresses as it names them (default: the cluster host). */
  targetAddresses?: (target: Simulator) => Record<string, string>;
  /** Keys of admin users (universal rights) instead of application keys. */
  adminKeys?: boolean;
  sourceRights?: string[];
  targetRights?: string[];
}

export async function startFleet(opts: FleetOptions = {}): Promise<Fleet> {
  const sim = { ...opts.sim, ...(opts.separateCluster ? { separateCluster: true } : {}) };
  const source = await startSimulator({ devAddrPrefix: '260B0000/16', ...sim });
  const target = await startSimulator({ devAddrPrefix: '27000000/16', adminRoutes: true, ...sim });
  const sourceApp = 'ce-fleet';
  const targetApp = 'cloud-fleet';
  source.addApplication(sourceApp);
  target.addApplication(targetApp, opts.targetAddresses ? { serverAddresses: opts.targetAddresses(target) } : {});
  source.seedDevices(sourceApp, opts.devices ?? 20, { seed: opts.seed ?? 7, mix: opts.mix ?? 'mixed', ...(opts.modelShare !== undefined ? { modelShare: opts.modelShare } : {}) });
  const keyFor = (s: Simulator, app: string, rights: string[] | undefined) =>
    opts.adminKeys
      // An admin's universal rights exclude key rights (AllAdminRights): the admin owns the application too.
      ? s.createUserApiKey(`admin-${app}`, { rights: rights ?? ['RIGHT_ALL'], admin: true, applications: { [app]: ['RIGHT_APPLICATION_ALL'] } })
      : s.createApiKey(app, rights ?? ['RIGHT_APPLICATION_ALL']);
  const sourceKey = keyFor(source, sourceApp, opts.sourceRights);
  const targetKey = keyFor(target, targetApp, opts.targetRights);
  const programmed: Fleet['programmed'] = new Map();
  for (const id of source.listDeviceIds(sourceApp)) {
    const p = source.inspect(sourceApp, id)!;
    const g = (o: unknown, path: string) => getAtPath(o ?? {}, path) as string | undefined;
    const n = (o: unknown, path: string) => getAtPath(o ?? {}, path) as number | undefined;
    const lorawanVersion = g(p.ns, 'lorawan_version');
    const join = joinKeyOf(p.js, lorawanVersion);
    programmed.set(id, {
      appKey: g(p.js, 'root_keys.app_key.key'), nwkKey: g(p.js, 'root_keys.nwk_key.key'), rootKeyId: g(p.js, 'root_keys.root_key_id'),
      joinKey: join.key, joinKeySlot: join.slot, lorawanVersion,
      lastDevNonce: n(p.js, 'last_dev_nonce'), lastJoinNonce: n(p.js, 'last_join_nonce'),
      devAddr: g(p.ns, 'session.dev_addr'), nwkSKey: g(p.ns, 'session.keys.f_nwk_s_int_key.key'), appSKey: g(p.as, 'session.keys.app_s_key.key'),
      multicast: getAtPath(p.ns ?? {}, 'multicast') === true,
      scheduleDownlinks: getAtPath(p.ns ?? {}, 'mac_settings.schedule_downlinks'),
    });
  }
  const manifestBase = {
    source: { kind: 'stack' as const, isUrl: source.url, clusterUrl: source.clusterUrl, appId: sourceApp },
    target: { isUrl: target.url, clusterUrl: target.clusterUrl, appId: targetApp },
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
