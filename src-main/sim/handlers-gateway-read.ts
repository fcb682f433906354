// GatewayRegistry Get/List and GatewayAccess ListRights/ListCollaborators
// (pkg/identityserver/gateway_registry.go getGateway, listGateways; gateway_access.go):
//   GET /gateways/{id}, GET /gateways, /users/{user}/gateways, /organizations/{org}/gateways,
//   GET /gateways/{id}/rights, GET /gateways/{id}/collaborators
import { ALL_GATEWAY, type Caller, requireUser, sortRights } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, ok, queryFieldMask, requireParam } from './context.js';
import { unauthenticated } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { gatewayNotFound, hasGatewayRights, listGatewayRights, requireGateway, userGatewayRights } from './gateway-rights.js';
import { callerAccount, compactRights } from './handlers-app-registry.js';
import { listParams } from './handlers-is.js';
import { type JsonObject, clone, hasAnyField, isObject, pick } from './json-path.js';
import { requireOrganization } from './organization-rights.js';

export const G = {
  INFO: 'RIGHT_GATEWAY_INFO',
  SETTINGS_BASIC: 'RIGHT_GATEWAY_SETTINGS_BASIC',
  SETTINGS_API_KEYS: 'RIGHT_GATEWAY_SETTINGS_API_KEYS',
  SETTINGS_COLLABORATORS: 'RIGHT_GATEWAY_SETTINGS_COLLABORATORS',
  DELETE: 'RIGHT_GATEWAY_DELETE',
  LINK: 'RIGHT_GATEWAY_LINK',
  STATUS_READ: 'RIGHT_GATEWAY_STATUS_READ',
  READ_SECRETS: 'RIGHT_GATEWAY_READ_SECRETS',
  WRITE_SECRETS: 'RIGHT_GATEWAY_WRITE_SECRETS',
} as const;

/** Paths whose reading needs READ_SECRETS and writing WRITE_SECRETS (gateway_registry.go, ttnpb.HasAnyField). */
export const SECRET_FIELDS = ['lbs_lns_secret', 'claim_authentication_code', 'target_cups_key'];

/** ttnpb.PublicGatewayFields (pkg/ttnpb/public.go), sub-paths included (HasOnlyAllowedFields). */
const PUBLIC_GATEWAY_FIELDS = [
  'ids', 'created_at', 'updated_at', 'deleted_at', 'contact_info', 'name', 'description', 'frequency_plan_id', 'frequency_plan_ids',
  'status_public', 'gateway_server_address', 'location_public', 'antennas', 'lrfhss.supported', 'administrative_contact', 'technical_contact',
];
const isPublicPath = (p: string) => PUBLIC_GATEWAY_FIELDS.some((f) => p === f || p.startsWith(`${f}.`));

/** Gateway.PublicSafe: public fields; the address only if status_public, antenna locations only if location_public. */
export function publicSafe(gtw: JsonObject): JsonObject {
  const safe = pick(gtw, PUBLIC_GATEWAY_FIELDS);
  if (safe.status_public !== true) delete safe.gateway_server_address;
  if (safe.location_public !== true && Array.isArray(safe.antennas)) {
    for (const a of safe.antennas) if (isObject(a)) delete a.location;
  }
  return safe;
}

/** The paths a Get/List reads: `frequency_plan_id` also selects `frequency_plan_ids`; ids and timestamps always. */
export function readPaths(mask: readonly string[]): string[] {
  const paths = [...mask, 'ids', 'created_at', 'updated_at'];
  if (hasAnyField(mask, 'frequency_plan_id') && !hasAnyField(mask, 'frequency_plan_ids')) paths.push('frequency_plan_ids');
  return paths.filter((p) => p !== 'frequency_plan_id' && p !== 'contact_info');
}

/** A stored gateway as the API answers it: `frequency_plan_id` is the first of `frequency_plan_ids` (backwards compatibility). */
export function present(record: JsonObject, paths: readonly string[]): JsonObject {
  const out = pick(record, paths);
  if (Array.isArray(out.frequency_plan_ids) && typeof out.frequency_plan_ids[0] === 'string') out.frequency_plan_id = out.frequency_plan_ids[0];
  return out;
}

export function getGateway(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('GatewayRegistry.Get', mask);
  const caller = ctx.keys.authenticate(req.authorization);
  if (caller.kind === 'none') throw unauthenticated();
  const paths = readPaths(mask);
  let info = true;
  if (!hasGatewayRights(ctx, caller, id, G.INFO)) {
    if (!paths.every(isPublicPath)) requireGateway(ctx, caller, id, G.INFO);
    info = false;
  }
  if (hasAnyField(paths, ...SECRET_FIELDS)) requireGateway(ctx, caller, id, G.READ_SECRETS);
  const row = ctx.gateways.get(id);
  if (!row) throw gatewayNotFound(id);
  const out = present(row.record, paths);
  return ok(info ? out : publicSafe(out));
}

const GATEWAY_ORDERS = new Set(['', 'gateway_id', '-gateway_id', 'gateway_eui', '-gateway_eui', 'name', '-name', 'created_at', '-created_at']);

type Account = { kind: 'user' | 'organization'; id: string };

function accountOfCaller(caller: Caller): Account | undefined {
  const a = callerAccount(caller);
  if (!a) return undefined;
  return 'user_ids' in a ? { kind: 'user', id: a.user_ids.user_id } : { kind: 'organization', id: a.organization_ids.organization_id };
}

/** The caller account's own membership rights on a gateway (FindAccountMembershipChains → GetRights). */
function accountRights(ctx: SimContext, account: Account | undefined, gatewayId: string): Set<string> {
  if (!account) return new Set();
  if (account.kind === 'user') return userGatewayRights(ctx, account.id, gatewayId);
  return new Set(ctx.gateways.memberRights('organization', account.id, gatewayId) ?? []);
}

/** listGateways: the collaborator's gateways (the caller's, with indirect memberships, when the path names none). */
export function listGateways(ctx: SimContext, req: ApiRequest): Reply {
  const mask = queryFieldMask(req.query);
  checkAllowed('GatewayRegistry.List', mask);
  const paging = listParams(req.query, GATEWAY_ORDERS);
  const caller = ctx.keys.authenticate(req.authorization);
  const own = accountOfCaller(caller);
  const pathAccount: Account | undefined =
    req.params.user !== undefined ? { kind: 'user', id: req.params.user } : req.params.org !== undefined ? { kind: 'organization', id: req.params.org } : undefined;
  const account = pathAccount ?? own;
  // `if req.Collaborator == nil { return &ttnpb.Gateways{} }`: application and gateway keys list nothing.
  if (!account) return ok({});
  if (account.kind === 'user') requireUser(caller, account.id, 'RIGHT_USER_GATEWAYS_LIST');
  else requireOrganization(caller, account.id, 'RIGHT_ORGANIZATION_GATEWAYS_LIST');
  const ids = new Set(ctx.gateways.membershipsOf(account.kind, account.id));
  if (!pathAccount && account.kind === 'user') {
    for (const [org] of ctx.keys.orgs.memberships(account.id)) for (const g of ctx.gateways.membershipsOf('organization', org.id)) ids.add(g);
  }
  const live = [...ids].filter((g) => ctx.gateways.get(g)).sort();
  const field = paging.order.replace(/^-/, '');
  const key = (g: string): string => {
    const rec = ctx.gateways.get(g)?.record;
    const v = field === 'gateway_eui' ? (rec?.ids as JsonObject | undefined)?.eui : field === '' || field === 'gateway_id' ? g : rec?.[field];
    return typeof v === 'string' ? v : '';
  };
  live.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (paging.order.startsWith('-')) live.reverse();
  const paths = readPaths(mask);
  const universal = caller.kind === 'key' ? (caller.universal ?? new Set<string>()) : new Set<string>();
  const gateways: JsonObject[] = [];
  for (const g of live.slice((paging.page - 1) * paging.limit, paging.page * paging.limit)) {
    const rec = ctx.gateways.get(g)?.record;
    if (!rec) continue;
    const rights = accountRights(ctx, own, g);
    for (const r of universal) rights.add(r);
    let out = present(rec, paths);
    if (!rights.has(G.INFO)) out = publicSafe(out);
    if (!rights.has(G.READ_SECRETS)) for (const f of SECRET_FIELDS) delete out[f];
    gateways.push(out);
  }
  return ok(gateways.length > 0 ? { gateways } : {}, { 'X-Total-Count': String(live.length) });
}

/** GatewayAccess.ListRights: the caller's rights on the gateway ∩ AllGatewayRights; none is `{}`. */
export function listRights(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_id');
  const caller = ctx.keys.authenticate(req.authorization);
  if (caller.kind === 'none') throw unauthenticated();
  const rights = [...listGatewayRights(ctx, caller, id)].filter((r) => ALL_GATEWAY.has(r));
  return ok(rights.length > 0 ? { rights: sortRights(rights) } : {});
}

/** GatewayAccess.ListCollaborators: any authenticated caller; without SETTINGS_COLLABORATORS only the ids. */
export function listCollaborators(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const caller = ctx.keys.authenticate(req.authorization);
  if (caller.kind === 'none') throw unauthenticated();
  const full = hasGatewayRights(ctx, caller, id, G.SETTINGS_COLLABORATORS);
  if (!ctx.gateways.get(id)) throw gatewayNotFound(id);
  const out: JsonObject[] = [];
  for (const [kind, table] of [['user', ctx.gateways.users], ['organization', ctx.gateways.organizations]] as const) {
    for (const [accountId, rights] of table.get(id) ?? []) {
      const ids: JsonObject = kind === 'user' ? { user_ids: { user_id: accountId } } : { organization_ids: { organization_id: accountId } };
      out.push(full ? { ids, rights: compactRights(rights) } : { ids });
    }
  }
  return ok(out.length > 0 ? { collaborators: clone(out) } : {}, { 'X-Total-Count': String(out.length) });
}
