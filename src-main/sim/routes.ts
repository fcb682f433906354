// The API routes the simulator serves (relative to /api/v3), from the HTTP
// bindings in api-definition.json, with the gRPC method each binding calls
// (the rate limiter keys on it) and the role that serves it.
import type { ApiRequest, Reply, SimContext } from './context.js';
import { deleteComponentDevice, getComponentDevice, setComponentDevice } from './handlers-components.js';
import { listDownlinks, pushDownlinks, replaceDownlinks } from './handlers-downlink.js';
import { authInfo, createDevice, deleteDevice, getApplication, getDevice, listApplications, listDevices, listRights, updateDevice } from './handlers-is.js';
import { updateApplication } from './handlers-app-registry.js';
import { generateDevAddr, streamEvents } from './handlers-misc.js';
import { gatewayEntity, gatewayTable } from './routes-gateways.js';
import { integrationEntity, integrationTable } from './routes-integrations.js';
import type { RouteName } from './types.js';

export type Handler = (ctx: SimContext, req: ApiRequest) => Reply;

/**
 * Who serves a path: the Identity Server, the cluster (JS/NS/AS) or both
 * (Events.Stream is served by every component, pkg/events/grpc).
 */
export type Role = 'is' | 'cluster' | 'both';

export interface Route {
  name: RouteName;
  handler: Handler;
  /** Create/update/set/delete: counted by writeCount(). */
  write: boolean;
  /** `Service.Method` of api-definition.json, e.g. 'EndDeviceRegistry.Get'. */
  rpc: string;
  /** A server stream (Events.Stream): rate limited at accept (grpcStreamAcceptResource). */
  stream: boolean;
  params: ApiRequest['params'];
}

type RouteDef = Omit<Route, 'params'>;
type MethodTable = Partial<Record<string, RouteDef>>;

const r = (name: RouteName, rpc: string, handler: Handler, write = false): RouteDef => ({ name, rpc, handler, write, stream: false });

const SERVICES = { js: 'JsEndDeviceRegistry', ns: 'NsEndDeviceRegistry', as: 'AsEndDeviceRegistry' } as const;

function table(segments: readonly string[]): { methods: MethodTable; params: ApiRequest['params']; role: Role } | undefined {
  const [a, b, c, d, e] = segments;
  const n = segments.length;
  // Application settings (link, webhooks, pub/subs, packages) and application create.
  const integrations = integrationTable(segments);
  if (integrations) return integrations;
  const gateways = gatewayTable(segments);
  if (gateways) return gateways;
  if (n === 1 && a === 'auth_info') return { methods: { GET: r('auth_info', 'EntityAccess.AuthInfo', authInfo) }, params: {}, role: 'is' };
  if (n === 1 && a === 'events') {
    return { methods: { POST: { ...r('events', 'Events.Stream', streamEvents), stream: true } }, params: {}, role: 'both' };
  }
  if (n === 2 && a === 'ns' && b === 'dev_addr') {
    return { methods: { GET: r('ns.dev_addr', 'Ns.GenerateDevAddr', generateDevAddr) }, params: {}, role: 'cluster' };
  }
  if (a === 'applications') {
    if (n === 1) return { methods: { GET: r('app.list', 'ApplicationRegistry.List', listApplications) }, params: {}, role: 'is' };
    if (n === 2) {
      return {
        methods: { GET: r('app.get', 'ApplicationRegistry.Get', getApplication), PUT: r('app.update', 'ApplicationRegistry.Update', updateApplication, true) },
        params: { app: b },
        role: 'is',
      };
    }
    if (n === 3 && c === 'rights') return { methods: { GET: r('app.rights', 'ApplicationAccess.ListRights', listRights) }, params: { app: b }, role: 'is' };
    if (n === 3 && c === 'devices') {
      return {
        methods: {
          GET: r('is.list', 'EndDeviceRegistry.List', listDevices),
          POST: r('is.create', 'EndDeviceRegistry.Create', createDevice, true),
        },
        params: { app: b },
        role: 'is',
      };
    }
    if (n === 4 && c === 'devices') {
      return {
        methods: {
          GET: r('is.get', 'EndDeviceRegistry.Get', getDevice),
          PUT: r('is.update', 'EndDeviceRegistry.Update', updateDevice, true),
          DELETE: r('is.delete', 'EndDeviceRegistry.Delete', deleteDevice, true),
        },
        params: { app: b, dev: d },
        role: 'is',
      };
    }
    return undefined;
  }
  // AppAs downlink queue: .../devices/{dev}/down[/push|/replace].
  if (a === 'as' && b === 'applications' && d === 'devices' && segments[5] === 'down') {
    const params = { app: c, dev: e };
    if (n === 6) return { methods: { GET: r('as.down.list', 'AppAs.DownlinkQueueList', listDownlinks) }, params, role: 'cluster' };
    if (n === 7 && segments[6] === 'push') {
      return { methods: { POST: r('as.down.push', 'AppAs.DownlinkQueuePush', pushDownlinks, true) }, params, role: 'cluster' };
    }
    if (n === 7 && segments[6] === 'replace') {
      return { methods: { POST: r('as.down.replace', 'AppAs.DownlinkQueueReplace', replaceDownlinks, true) }, params, role: 'cluster' };
    }
    return undefined;
  }
  if ((a === 'js' || a === 'ns' || a === 'as') && b === 'applications' && d === 'devices') {
    const component = a;
    const svc = SERVICES[component];
    if (n === 4) {
      return { methods: { POST: r(`${component}.set`, `${svc}.Set`, setComponentDevice, true) }, params: { app: c, component }, role: 'cluster' };
    }
    if (n === 5) {
      return {
        methods: {
          GET: r(`${component}.get`, `${svc}.Get`, getComponentDevice),
          PUT: r(`${component}.set`, `${svc}.Set`, setComponentDevice, true),
          DELETE: r(`${component}.delete`, `${svc}.Delete`, deleteComponentDevice, true),
        },
        params: { app: c, dev: e, component },
        role: 'cluster',
      };
    }
  }
  return undefined;
}

/**
 * The route of a request, 'method' when the path exists with other methods, or
 * undefined. `host` is the role of the server: a path of the other role is
 * unknown there (404), as on a host that does not run that component.
 */
export function matchRoute(method: string, segments: readonly string[], host: 'is' | 'cluster' | 'all' = 'all'): Route | 'method' | undefined {
  const t = table(segments);
  if (!t) return undefined;
  if (host !== 'all' && t.role !== 'both' && t.role !== host) return undefined;
  const m = t.methods[method];
  if (!m) return 'method';
  return { ...m, params: t.params };
}

/**
 * The entity part of the rate-limit key (pkg/ratelimit/grpc.go
 * grpcEntityFromRequest): `<EntityType()>:<unique ID>` of the request message
 * (pkg/ttnpb: end devices are `end device:<app>.<dev>`, applications
 * `application:<app>`), empty for messages without identifiers (Empty,
 * ListApplicationsRequest). Path parameters win over the body, as in grpc-gateway.
 * DownlinkQueuePush/Replace: since v3.35.2 DownlinkQueueRequest is a
 * RateLimitKeyer on its application (lorawan-stack PR #7809, "applied at the
 * application level instead of per-device"); in v3.32 it is an IDStringer of its
 * end device (pkg/ttnpb/application_interfaces.go), which `downlinkPerDevice` selects.
 */
export function rateLimitEntity(route: Route, body: unknown, opts: { downlinkPerDevice?: boolean } = {}): string {
  const { app, dev } = route.params;
  switch (route.rpc) {
    case 'AppAs.DownlinkQueuePush':
    case 'AppAs.DownlinkQueueReplace':
      return opts.downlinkPerDevice ? `end device:${app ?? ''}.${dev ?? ''}` : `application:${app ?? ''}`;
    case 'AppAs.DownlinkQueueList':
      // DownlinkQueueList takes EndDeviceIdentifiers.
      return `end device:${app ?? ''}.${dev ?? ''}`;
    case 'ApplicationRegistry.Get':
    case 'EndDeviceRegistry.List':
      return `application:${app ?? ''}`;
    case 'EndDeviceRegistry.Get':
    case 'EndDeviceRegistry.Update':
    case 'EndDeviceRegistry.Delete':
    case 'EndDeviceRegistry.Create':
    case 'JsEndDeviceRegistry.Get':
    case 'JsEndDeviceRegistry.Set':
    case 'JsEndDeviceRegistry.Delete':
    case 'NsEndDeviceRegistry.Get':
    case 'NsEndDeviceRegistry.Set':
    case 'NsEndDeviceRegistry.Delete':
    case 'AsEndDeviceRegistry.Get':
    case 'AsEndDeviceRegistry.Set':
    case 'AsEndDeviceRegistry.Delete': {
      const device = dev ?? bodyDeviceId(body);
      // EndDeviceIdentifiers.IDString is "<app>.<dev>"; no identifiers at all is "_".
      if (device === undefined && app === undefined) return 'end device:_';
      return `end device:${app ?? ''}.${device ?? ''}`;
    }
    default:
      return integrationEntity(route.rpc, route.params, body) ?? gatewayEntity(route.rpc, route.params, body) ?? '';
  }
}

function bodyDeviceId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const dev = (body as { end_device?: { ids?: { device_id?: unknown } } }).end_device?.ids?.device_id;
  return typeof dev === 'string' ? dev : undefined;
}
