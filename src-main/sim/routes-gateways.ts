// Routes of the gateway side (relative to /api/v3), from the HTTP bindings of api-definition.json:
// GatewayRegistry, GatewayAccess (IS), Gs connection stats and GatewayClaimingServer (cluster).
import type { ApiRequest, Reply, SimContext } from './context.js';
import { batchConnectionStats, getConnectionStats } from './handlers-gs.js';
import { claimGateway, claimInfo, unclaimGateway } from './handlers-gcls.js';
import { getGateway, listCollaborators, listGateways, listRights } from './handlers-gateway-read.js';
import { createGatewayApiKey, deleteGatewayApiKey, getGatewayApiKey, listGatewayApiKeys, updateGatewayApiKey } from './handlers-gateway-keys.js';
import { createGateway, deleteGateway, updateGateway } from './handlers-gateway-registry.js';
import { getPath } from './json-path.js';
import type { RouteName } from './types.js';

type Handler = (ctx: SimContext, req: ApiRequest) => Reply;
interface Def {
  name: RouteName;
  handler: Handler;
  write: boolean;
  rpc: string;
  stream: boolean;
}
export interface GatewayTable {
  methods: Partial<Record<string, Def>>;
  params: ApiRequest['params'];
  role: 'is' | 'cluster';
}

const r = (name: RouteName, rpc: string, handler: Handler, write = false): Def => ({ name, rpc, handler, write, stream: false });
const GR = 'GatewayRegistry';
const GA = 'GatewayAccess';
const GCLS = 'GatewayClaimingServer';

/** The routes this module serves, or undefined for paths it does not know. */
export function gatewayTable(s: readonly string[]): GatewayTable | undefined {
  const [a, b, c, d, e] = s;
  const n = s.length;
  if (a === 'gateways') {
    if (n === 1) return { methods: { GET: r('gtw.list', `${GR}.List`, listGateways) }, params: {}, role: 'is' };
    const params = { gtw: b };
    if (n === 2) {
      return {
        methods: {
          GET: r('gtw.get', `${GR}.Get`, getGateway),
          PUT: r('gtw.update', `${GR}.Update`, updateGateway, true),
          DELETE: r('gtw.delete', `${GR}.Delete`, deleteGateway, true),
        },
        params,
        role: 'is',
      };
    }
    if (n === 3 && c === 'rights') return { methods: { GET: r('gtw.rights', `${GA}.ListRights`, listRights) }, params, role: 'is' };
    if (n === 3 && c === 'collaborators') return { methods: { GET: r('gtw.collaborators.list', `${GA}.ListCollaborators`, listCollaborators) }, params, role: 'is' };
    if (c === 'api-keys' && n === 3) {
      return {
        methods: { GET: r('gtw.api_keys.list', `${GA}.ListAPIKeys`, listGatewayApiKeys), POST: r('gtw.api_keys.create', `${GA}.CreateAPIKey`, createGatewayApiKey, true) },
        params,
        role: 'is',
      };
    }
    if (c === 'api-keys' && n === 4) {
      return {
        methods: {
          GET: r('gtw.api_keys.get', `${GA}.GetAPIKey`, getGatewayApiKey),
          PUT: r('gtw.api_keys.update', `${GA}.UpdateAPIKey`, updateGatewayApiKey, true),
          DELETE: r('gtw.api_keys.delete', `${GA}.DeleteAPIKey`, deleteGatewayApiKey, true),
        },
        params: { gtw: b, id: d },
        role: 'is',
      };
    }
    return undefined;
  }
  if (n === 3 && (a === 'users' || a === 'organizations') && c === 'gateways' && b !== undefined) {
    return {
      methods: {
        GET: r(a === 'users' ? 'gtw.list.user' : 'gtw.list.organization', `${GR}.List`, listGateways),
        POST: r('gtw.create', `${GR}.Create`, createGateway, true),
      },
      params: a === 'users' ? { user: b } : { org: b },
      role: 'is',
    };
  }
  if (a === 'gs' && b === 'gateways') {
    if (n === 5 && d === 'connection' && e === 'stats') {
      return { methods: { GET: r('gs.connection_stats', 'Gs.GetGatewayConnectionStats', getConnectionStats) }, params: { gtw: c }, role: 'cluster' };
    }
    if (n === 4 && c === 'connection' && d === 'stats') {
      return { methods: { POST: r('gs.connection_stats.batch', 'Gs.BatchGetGatewayConnectionStats', batchConnectionStats) }, params: {}, role: 'cluster' };
    }
    return undefined;
  }
  if (a === 'gcls' && b === 'claim') {
    if (n === 2) return { methods: { POST: r('gcls.claim', `${GCLS}.Claim`, claimGateway, true) }, params: {}, role: 'cluster' };
    if (n === 3 && c === 'info') return { methods: { POST: r('gcls.info', `${GCLS}.GetInfoByGatewayEUI`, claimInfo) }, params: {}, role: 'cluster' };
    if (n === 3) return { methods: { DELETE: r('gcls.unclaim', `${GCLS}.Unclaim`, unclaimGateway, true) }, params: { gtw: c }, role: 'cluster' };
  }
  return undefined;
}

/**
 * The rate-limit entity (pkg/ratelimit/grpc.go grpcEntityFromRequest with the IDStringers of
 * pkg/ttnpb/gateway_interfaces.go and identifiers_polymorphism.go): `gateway:<id>` for
 * GatewayIdentifiers (Delete, ListRights, connection stats, Unclaim) and the Get/Create/Update
 * and API-key requests that are IDStringers; `gateway:_` for an empty id; none for List,
 * DeleteAPIKey (DeleteGatewayAPIKeyRequest is no IDStringer), batch stats and claiming.
 */
export function gatewayEntity(rpc: string, params: ApiRequest['params'], body: unknown): string | undefined {
  const [service, method] = rpc.split('.');
  if (service !== GR && service !== GA && service !== 'Gs' && service !== GCLS) return undefined;
  if (rpc === `${GR}.List` || rpc === `${GA}.DeleteAPIKey` || rpc === 'Gs.BatchGetGatewayConnectionStats') return '';
  if (service === GCLS && method !== 'Unclaim') return '';
  const id = rpc === `${GR}.Create` ? getPath(body as never, 'gateway.ids.gateway_id') : params.gtw;
  return typeof id === 'string' && id !== '' ? `gateway:${id}` : 'gateway:_';
}
