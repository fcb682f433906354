// What every request handler gets: the simulator's state, the parsed request,
// and a few shared helpers for field masks and responses.
import type { KeyRing } from './auth.js';
import { badRequest } from './errors.js';
import type { DevAddrAllocator } from './dev-addr.js';
import type { GatewayStore } from './gateway-store.js';
import type { EventBus, StreamRequest, StreamScope } from './events.js';
import { storagePath } from './fieldmask-rules.js';
import { type Json, type JsonObject, isObject, pick } from './json-path.js';
import type { IntegrationStore } from './integrations-store.js';
import type { SimConfig } from './sim-config.js';
import type { Store } from './store.js';

export interface SimContext {
  store: Store;
  keys: KeyRing;
  bus: EventBus;
  clusterHost: string;
  devAddrs: DevAddrAllocator;
  /** Create/update/set/delete calls that reached a handler. */
  writes: { count: number };
  /** Told of every accepted join (the air follows devices that joined by any path). */
  joinObservers: Set<(join: AcceptedJoin) => void>;
  /** The AS's link, webhook, pub/sub and package registries. */
  integrations: IntegrationStore;
  /** Deployment configuration (formatter limit, pub/sub providers, MQTT addresses, tenant, entity limits). */
  config: SimConfig;
  /** The IS gateway registry and memberships, and this deployment's Gateway Server connections. */
  gateways: GatewayStore;
  /** The Simulator's `url` (the deployment as The Things Gateway Controller knows it). */
  deploymentUrl: string;
  /** The port the cluster server listens on (stations find a deployment's Gateway Server by it). */
  clusterPort: number;
}

/** A join-accept the device took: who, and the nonces it now remembers. */
export interface AcceptedJoin {
  applicationId: string;
  deviceId: string;
  joinEui?: string;
  devEui?: string;
  devNonce: number;
  joinNonce: number;
}

export interface ApiRequest {
  method: string;
  params: {
    app?: string;
    dev?: string;
    component?: 'js' | 'ns' | 'as';
    /** A webhook, pub/sub or webhook template id. */
    id?: string;
    /** A package association's FPort, as written in the path. */
    fPort?: string;
    /** The collaborator of an application create/list: a user or an organization. */
    user?: string;
    org?: string;
    /** A gateway id of the path. */
    gtw?: string;
  };
  query: URLSearchParams;
  body: JsonObject | undefined;
  authorization: string | undefined;
  accept: string | undefined;
  /** The server that took the request: 'is' or 'cluster' when they are separate hosts, else 'all'. */
  host: StreamScope;
}

export type Reply =
  | { status: number; body: Json; headers?: Record<string, string> }
  | { stream: StreamRequest; delimiter: string; contentType: string };

export const ok = (body: Json, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });

/** Paths of a GET's `field_mask` query parameter (comma separated, possibly repeated). */
export function queryFieldMask(query: URLSearchParams): string[] {
  return query
    .getAll('field_mask')
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Paths of a body's `field_mask` ({"paths": [...]}). */
export function bodyFieldMask(body: JsonObject | undefined): string[] {
  const fm = body?.field_mask;
  if (fm === undefined || fm === null) return [];
  if (typeof fm === 'string') return fm.split(',').filter((p) => p !== '');
  if (!isObject(fm)) throw badRequest('unmarshal error at path "field_mask": expected an object');
  const paths = fm.paths;
  if (paths === undefined || paths === null) return [];
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) {
    throw badRequest('unmarshal error at path "field_mask.paths": expected a list of strings');
  }
  return paths as string[];
}

/** ttnpb.FilterGetEndDevice: the masked fields plus the implicit ids and timestamps. */
export function present(record: JsonObject, mask: readonly string[]): JsonObject {
  return pick(record, [...mask.map(storagePath), 'ids', 'created_at', 'updated_at']);
}

export function requireParam(value: string | undefined, name: string): string {
  if (value === undefined) throw badRequest(`missing parameter ${name}`);
  return value;
}

export function nowIso(): string {
  return new Date().toISOString();
}
