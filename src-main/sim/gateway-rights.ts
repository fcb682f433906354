// Rights on gateways (pkg/identityserver/rights.go getRights + GatewayRights,
// pkg/auth/rights/require.go RequireGateway, list.go ListGateway), as auth.ts does for applications:
// a gateway key on its own gateway has its rights; a user key the user's collaborator rights
// (directly and through organizations: store.MembershipChain.GetRights) ∩ the key's; an
// organization key the organization's ∩ the key's; plus universal rights (admins).
import { ALL_GATEWAY, type Caller, intersect } from './auth.js';
import type { SimContext } from './context.js';
import { SimError } from './errors.js';

/** pkg/identityserver/store/errors.go ErrGatewayNotFound. */
export const gatewayNotFound = (gatewayId: string) =>
  new SimError(5, 'pkg/identityserver/store', 'gateway_not_found', 'gateway with id `{gateway_id}` not found', { gateway_id: gatewayId });

/** pkg/auth/rights/require.go ErrNoGatewayRights. */
export const noGatewayRights = (uid: string) => new SimError(7, 'pkg/auth/rights', 'no_gateway_rights', 'no rights for gateway `{uid}`', { uid });

/** pkg/auth/rights/require.go ErrInsufficientGatewayRights. */
export const insufficientGatewayRights = (uid: string, missing: string[]) =>
  new SimError(7, 'pkg/auth/rights', 'insufficient_gateway_rights', 'insufficient rights for gateway `{uid}`', { uid, missing });

/** A user's rights on a gateway: direct membership ∪ each organization chain (member ∩ organization's). */
export function userGatewayRights(ctx: SimContext, userId: string, gatewayId: string): Set<string> {
  const out = new Set(ctx.gateways.memberRights('user', userId, gatewayId) ?? []);
  for (const [org, memberRights] of ctx.keys.orgs.memberships(userId)) {
    const orgRights = ctx.gateways.memberRights('organization', org.id, gatewayId);
    if (!orgRights) continue;
    for (const r of memberRights) if (orgRights.has(r)) out.add(r);
  }
  return out;
}

function rightsOf(ctx: SimContext, caller: Caller, gatewayId: string): { rights: Set<string>; notFound: boolean } {
  if (caller.kind !== 'key') return { rights: new Set(), notFound: false };
  let entity = new Set<string>();
  if (intersect(caller.rights, ALL_GATEWAY).size > 0) {
    const owner = caller.key.owner;
    if (owner.type === 'gateway') {
      if (owner.id === gatewayId) entity = new Set(caller.rights);
    } else if (owner.type === 'organization') {
      entity = intersect(ctx.gateways.memberRights('organization', owner.id, gatewayId) ?? [], caller.rights);
    } else if (owner.type === 'user') {
      entity = intersect(userGatewayRights(ctx, owner.id, gatewayId), caller.rights);
    }
  }
  if (!ctx.gateways.get(gatewayId)) return { rights: new Set(), notFound: caller.isAdmin };
  for (const r of intersect(caller.universal ?? [], ALL_GATEWAY)) entity.add(r);
  return { rights: entity, notFound: false };
}

/** The caller's rights on a gateway (none on a missing or deleted one). */
export function gatewayRightsOn(ctx: SimContext, caller: Caller, gatewayId: string): ReadonlySet<string> {
  return rightsOf(ctx, caller, gatewayId).rights;
}

/** rights.ListGateway: an admin asking for a missing gateway gets NotFound. */
export function listGatewayRights(ctx: SimContext, caller: Caller, gatewayId: string): ReadonlySet<string> {
  const { rights, notFound } = rightsOf(ctx, caller, gatewayId);
  if (notFound) throw gatewayNotFound(gatewayId);
  return rights;
}

/** rights.RequireGateway. */
export function requireGateway(ctx: SimContext, caller: Caller, gatewayId: string, ...required: string[]): void {
  const rights = listGatewayRights(ctx, caller, gatewayId);
  if (rights.size === 0) throw noGatewayRights(gatewayId);
  const missing = required.filter((r) => !rights.has(r));
  if (missing.length > 0) throw insufficientGatewayRights(gatewayId, [...new Set(missing)]);
}

/** Whether RequireGateway would pass. */
export function hasGatewayRights(ctx: SimContext, caller: Caller, gatewayId: string, ...required: string[]): boolean {
  try {
    requireGateway(ctx, caller, gatewayId, ...required);
    return true;
  } catch {
    return false;
  }
}
