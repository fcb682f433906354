// A small simulated The Things Stack over HTTP on loopback: per-component
// registries (IS/JS/NS/AS), API keys with rights, the real server's field-mask
// tables, errors, paging, rate limits, event streams and fault injection.
// It is an independent reading of the real server's rules: nothing here comes
// from src-main/stack.
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KeyRing } from './auth.js';
import type { SimContext } from './context.js';
import { DevAddrAllocator } from './dev-addr.js';
import { EventBus } from './events.js';
import { FaultInjector } from './faults.js';
import { gatewaySimulator, setUserGatewayRights } from './gateway-sim.js';
import { GatewayStore } from './gateway-store.js';
import { clone, getPath } from './json-path.js';
import { RateLimiter } from './rate-limit.js';
import { Seeder } from './seed.js';
import { createSimServer } from './server.js';
import { defaultDevNonce, joinServerKeys, simulateJoin, simulateUplink } from './simulate.js';
import { registerInternals } from './internals.js';
import { IntegrationStore } from './integrations-store.js';
import { inspectApplication, seedIntegrations } from './seed-integrations.js';
import { simConfig } from './sim-config.js';
import { Store } from './store.js';
import type { JoinOptions, RateLimitOptions, RouteName, Simulator, SimulatorOptions } from './types.js';

export type {
  ApplicationParts,
  DeviceParts,
  Faults,
  FailNextOptions,
  JoinOptions,
  JoinResult,
  RateLimitOptions,
  RateLimitProfile,
  ReceivedDownlink,
  PubSubProviderStatus,
  Right,
  RouteName,
  SeedIntegrationsOptions,
  SeededIntegrations,
  SeedOptions,
  ServerAddresses,
  Simulator,
  SimulatorOptions,
  UplinkResult,
  UserApiKeyOptions,
} from './types.js';
export { type Air, type AirDeviceSpec, type AirDeviceView, airSpecsFromSimulator, startAir } from './air.js';
export type {
  ControlledGateway,
  GatewayApiKeyView,
  GatewayController,
  GatewayOwner,
  GatewaySeed,
  GatewaySimulator,
  StationKind,
  StationSpec,
  StationView,
  Stations,
} from './gateway-types.js';
export { createGatewayController } from './gateway-controller.js';
export { startStations } from './stations.js';

const ROUTE_NAMES: RouteName[] = [
  'auth_info', 'app.get', 'app.rights', 'app.list', 'is.list', 'is.get', 'is.create', 'is.update', 'is.delete',
  'js.get', 'js.set', 'js.delete', 'ns.get', 'ns.set', 'ns.delete', 'as.get', 'as.set', 'as.delete',
  'ns.dev_addr', 'events', 'as.down.push', 'as.down.replace', 'as.down.list',
  'app.create', 'app.update', 'app.list.user', 'app.list.organization',
  'app.api_keys.list', 'app.api_keys.get', 'app.api_keys.create', 'app.api_keys.update', 'app.api_keys.delete', 'app.collaborators.list',
  'as.link.get', 'as.link.set', 'as.link.delete', 'as.link.stats', 'as.configuration', 'as.mqtt_info',
  'as.webhooks.list', 'as.webhooks.get', 'as.webhooks.set', 'as.webhooks.delete',
  'as.webhook_templates.list', 'as.webhook_templates.get', 'as.webhook_formats',
  'as.pubsub.list', 'as.pubsub.get', 'as.pubsub.set', 'as.pubsub.delete', 'as.pubsub_formats',
  'as.packages.list', 'as.packages.associations.list', 'as.packages.associations.get', 'as.packages.associations.set',
  'as.packages.associations.delete', 'as.packages.defaults.list', 'as.packages.defaults.get', 'as.packages.defaults.set',
  'as.packages.defaults.delete',
  'gtw.list', 'gtw.list.user', 'gtw.list.organization', 'gtw.get', 'gtw.create', 'gtw.update', 'gtw.delete', 'gtw.rights',
  'gtw.api_keys.list', 'gtw.api_keys.get', 'gtw.api_keys.create', 'gtw.api_keys.update', 'gtw.api_keys.delete', 'gtw.collaborators.list',
  'gs.connection_stats', 'gs.connection_stats.batch', 'gcls.claim', 'gcls.info', 'gcls.unclaim',
];
const APP_ID = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
/** The pattern of Application.*_server_address (api/ttn/lorawan/v3/application.proto): host[:port], or empty. */
const SERVER_ADDRESS =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$/;

/** Starts one HTTP server on 127.0.0.1 (loopback only: the simulator holds keys). */
async function listen(server: Server, port: number): Promise<number> {
  // Many concurrent keep-alive clients (benchmarks) are expected.
  server.maxConnections = 4096;
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const random = opts.random ?? Math.random;
  const store = new Store();
  const ctx: SimContext = {
    store,
    keys: new KeyRing((id) => store.app(id) !== undefined),
    bus: new EventBus(),
    clusterHost: '',
    devAddrs: new DevAddrAllocator(opts.devAddrPrefix ?? '260B0000/16', random),
    writes: { count: 0 },
    joinObservers: new Set(),
    integrations: new IntegrationStore(),
    config: simConfig(opts),
    gateways: new GatewayStore(),
    deploymentUrl: '',
    clusterPort: 0,
  };
  const faults = new FaultInjector(random);
  if (opts.faults) faults.set(opts.faults);
  const separate = opts.separateCluster ?? false;
  // Each host has its own limiter store (a memstore per deployment), with the same profiles.
  const makeLimiter = (r: RateLimitOptions | undefined) => (r ? new RateLimiter(r) : undefined);
  let isLimiter = makeLimiter(opts.rateLimit);
  let clusterLimiter = separate ? makeLimiter(opts.rateLimit) : isLimiter;
  const counters = new Map<string, number>();
  const resetCounters = () => {
    for (const name of [...ROUTE_NAMES, 'admin']) counters.set(name, 0);
    ctx.writes.count = 0;
  };
  resetCounters();

  const join = (app: string, dev: string, joinOpts?: JoinOptions) => simulateJoin(ctx, app, dev, joinOpts);
  const uplink = (app: string, dev: string, gatewayIds?: string[]) => simulateUplink(ctx, app, dev, gatewayIds);
  const common = {
    ctx, faults, counters, adminRoutes: opts.adminRoutes ?? false, join, uplink,
    downlinkPerDevice: opts.downlinkRateLimitPerDevice ?? false,
  };
  const servers: { server: Server; sockets: Set<Socket> }[] = [];
  const closeAll = () => {
    ctx.bus.closeAll();
    return Promise.all(
      servers.map(
        ({ server, sockets }) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
            for (const s of sockets) s.destroy();
          }),
      ),
    ).then(() => undefined);
  };
  let port: number;
  let clusterPort: number;
  try {
    const is = createSimServer({ ...common, host: separate ? 'is' : 'all', limiter: () => isLimiter });
    servers.push(is);
    port = await listen(is.server, opts.port ?? 0);
    clusterPort = port;
    if (separate) {
      const cluster = createSimServer({ ...common, host: 'cluster', limiter: () => clusterLimiter });
      servers.push(cluster);
      clusterPort = await listen(cluster.server, 0);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  ctx.clusterHost = opts.clusterHost ?? `127.0.0.1:${clusterPort}`;
  ctx.clusterPort = clusterPort;
  ctx.deploymentUrl = `http://127.0.0.1:${port}`;
  const seeder = new Seeder(ctx);
  let closed: Promise<void> | undefined;

  const sim: Simulator = {
    ...gatewaySimulator(ctx),
    url: `http://127.0.0.1:${port}`,
    port,
    clusterUrl: `http://127.0.0.1:${clusterPort}`,
    clusterHost: ctx.clusterHost,
    close() {
      closed ??= closeAll();
      return closed;
    },
    addApplication(id, appOpts = {}) {
      if (!APP_ID.test(id) || id.length > 36) throw new Error(`invalid application id ${id}`);
      const now = new Date().toISOString();
      // Server addresses are stored as the application names them (host or
      // host:port, application.proto's pattern); the cluster host where it names none.
      const addresses = appOpts.serverAddresses ?? {};
      for (const [field, value] of Object.entries(addresses)) {
        if (value !== undefined && !SERVER_ADDRESS.test(value)) throw new Error(`invalid ${field} ${value}: host[:port] expected`);
      }
      const record = {
        ids: { application_id: id },
        created_at: now,
        updated_at: now,
        network_server_address: addresses.network_server_address ?? ctx.clusterHost,
        application_server_address: addresses.application_server_address ?? ctx.clusterHost,
        join_server_address: addresses.join_server_address ?? ctx.clusterHost,
        ...(appOpts.name ? { name: appOpts.name } : {}),
        ...(appOpts.description ? { description: appOpts.description } : {}),
      };
      ctx.store.addApplication(id, record);
    },
    createApiKey(applicationId, rights, keyOpts = {}) {
      if (!ctx.store.app(applicationId)) throw new Error(`unknown application ${applicationId}`);
      return ctx.keys.create(applicationId, rights, keyOpts.id);
    },
    createUserApiKey(userId, userOpts) {
      const { gateways, ...rest } = userOpts;
      for (const id of Object.keys(gateways ?? {})) if (!ctx.gateways.get(id)) throw new Error(`unknown gateway ${id}`);
      const key = ctx.keys.createUserKey(userId, rest);
      setUserGatewayRights(ctx, userId, gateways);
      return key;
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
      isLimiter = makeLimiter(r);
      clusterLimiter = separate ? makeLimiter(r) : isLimiter;
    },
    failNext(route, failOpts) {
      faults.failNext(route, failOpts);
    },
    simulateJoin(applicationId, deviceId, joinOpts = {}) {
      return join(applicationId, deviceId, joinOpts);
    },
    simulateUplink(applicationId, deviceId, uplinkOpts) {
      return uplink(applicationId, deviceId, uplinkOpts?.gatewayIds);
    },
    deviceState(applicationId, deviceId) {
      const app = ctx.store.app(applicationId);
      const js = app?.js.get(deviceId);
      if (!app || !js) return undefined;
      const version = getPath(app.ns.get(deviceId), 'lorawan_version');
      const num = (p: string) => (typeof getPath(js, p) === 'number' ? (getPath(js, p) as number) : 0);
      // The device signs its join-requests with the key the Join Server checks the MIC with.
      return { key: joinServerKeys(js, version).network, lastDevNonce: defaultDevNonce(js, version) - 1, lastJoinNonce: num('last_join_nonce') };
    },
    findDevice(joinEui, devEui) {
      const owner = ctx.store.euiOwner(joinEui.toUpperCase(), devEui.toUpperCase());
      return owner ? { ...owner } : undefined;
    },
    addOrganization(id, orgOpts = {}) {
      ctx.keys.addOrganization(id, orgOpts.members);
    },
    createOrganizationApiKey(organizationId, rights) {
      return ctx.keys.createOrganizationKey(organizationId, rights);
    },
    setPubSubProviders(providers) {
      ctx.config.pubsubProviders = { ...providers };
    },
    seedIntegrations(applicationId, seedOpts) {
      return seedIntegrations(ctx, applicationId, seedOpts);
    },
    inspectApplication(applicationId) {
      return inspectApplication(ctx, applicationId);
    },
  };
  registerInternals(sim, ctx);
  return sim;
}
