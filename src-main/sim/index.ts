// A small simulated The Things Stack over HTTP on loopback: per-component
// registries (IS/JS/NS/AS), API keys with rights, the real server's field-mask
// tables, errors, paging, rate limits, event streams and fault injection.
// It is an independent reading of the real server's rules: nothing here comes
// from src-main/stack.
import type { AddressInfo } from 'node:net';
import { KeyRing } from './auth.js';
import type { SimContext } from './context.js';
import { DevAddrAllocator } from './dev-addr.js';
import { EventBus } from './events.js';
import { FaultInjector } from './faults.js';
import { clone } from './json-path.js';
import { RateLimiter } from './rate-limit.js';
import { Seeder } from './seed.js';
import { createSimServer } from './server.js';
import { simulateJoin, simulateUplink } from './simulate.js';
import { Store } from './store.js';
import type { RouteName, Simulator, SimulatorOptions } from './types.js';

export type {
  DeviceParts,
  Faults,
  JoinResult,
  RateLimitOptions,
  Right,
  RouteName,
  SeedOptions,
  Simulator,
  SimulatorOptions,
  UplinkResult,
} from './types.js';

const ROUTE_NAMES: RouteName[] = [
  'auth_info', 'app.get', 'app.list', 'is.list', 'is.get', 'is.create', 'is.update', 'is.delete',
  'js.get', 'js.set', 'js.delete', 'ns.get', 'ns.set', 'ns.delete', 'as.get', 'as.set', 'as.delete',
  'ns.dev_addr', 'events',
];
const APP_ID = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const random = opts.random ?? Math.random;
  const ctx: SimContext = {
    store: new Store(),
    keys: new KeyRing(),
    bus: new EventBus(),
    clusterHost: '',
    devAddrs: new DevAddrAllocator(opts.devAddrPrefix ?? '260B0000/16', random),
    writes: { count: 0 },
  };
  const faults = new FaultInjector(random);
  if (opts.faults) faults.set(opts.faults);
  let limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit) : undefined;
  const counters = new Map<string, number>();
  const resetCounters = () => {
    for (const name of [...ROUTE_NAMES, 'admin']) counters.set(name, 0);
    ctx.writes.count = 0;
  };
  resetCounters();

  const join = (app: string, dev: string, appKey?: string) => simulateJoin(ctx, app, dev, appKey);
  const uplink = (app: string, dev: string) => simulateUplink(ctx, app, dev);
  const { server, sockets } = createSimServer({
    ctx,
    faults,
    limiter: () => limiter,
    counters,
    adminRoutes: opts.adminRoutes ?? false,
    join,
    uplink,
  });
  // Many concurrent keep-alive clients (benchmarks) are expected.
  server.maxConnections = 4096;
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the simulator holds keys and must never be reachable from the network.
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.clusterHost = opts.clusterHost ?? `127.0.0.1:${port}`;
  const seeder = new Seeder(ctx);
  let closed: Promise<void> | undefined;

  const sim: Simulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    clusterHost: ctx.clusterHost,
    close() {
      closed ??= new Promise<void>((resolve) => {
        ctx.bus.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
    addApplication(id, appOpts = {}) {
      if (!APP_ID.test(id) || id.length > 36) throw new Error(`invalid application id ${id}`);
      const now = new Date().toISOString();
      const record = {
        ids: { application_id: id },
        created_at: now,
        updated_at: now,
        network_server_address: ctx.clusterHost,
        application_server_address: ctx.clusterHost,
        join_server_address: ctx.clusterHost,
        ...(appOpts.name ? { name: appOpts.name } : {}),
        ...(appOpts.description ? { description: appOpts.description } : {}),
      };
      ctx.store.addApplication(id, record);
    },
    createApiKey(applicationId, rights, keyOpts = {}) {
      if (!ctx.store.app(applicationId)) throw new Error(`unknown application ${applicationId}`);
      return ctx.keys.create(applicationId, rights, keyOpts.id);
    },
    seedDevices(applicationId, count, seedOpts) {
      return seeder.seed(applicationId, count, seedOpts);
    },
    inspect(applicationId, deviceId) {
      const app = ctx.store.app(applicationId);
      if (!app) return undefined;
      const parts = {
        is: clone(app.is.get(deviceId)),
        js: clone(app.js.get(deviceId)),
        ns: clone(app.ns.get(deviceId)),
        as: clone(app.as.get(deviceId)),
      };
      if (!parts.is && !parts.js && !parts.ns && !parts.as) return undefined;
      return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined));
    },
    listDeviceIds(applicationId) {
      return [...(ctx.store.app(applicationId)?.sortedIds ?? [])];
    },
    counters() {
      return Object.fromEntries(counters);
    },
    writeCount() {
      return ctx.writes.count;
    },
    resetCounters,
    setFaults(f) {
      faults.set(f);
    },
    setRateLimit(r) {
      limiter = r ? new RateLimiter(r) : undefined;
    },
    failNext(route, failOpts) {
      faults.failNext(route, failOpts.status, failOpts.code, failOpts.times ?? 1);
    },
    simulateJoin(applicationId, deviceId, joinOpts = {}) {
      return join(applicationId, deviceId, joinOpts.appKey);
    },
    simulateUplink(applicationId, deviceId) {
      return uplink(applicationId, deviceId);
    },
  };
  return sim;
}
