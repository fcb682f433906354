// Rights on organizations (pkg/identityserver/rights.go getRights +
// OrganizationRights, pkg/auth/rights/require.go RequireOrganization).
import { ALL_ENTITY, ALL_ORGANIZATION, type Caller, intersect } from './auth.js';
import { SimError } from './errors.js';

/**
 * rights.go getRights + OrganizationRights: an organization key on its own
 * organization has its rights; a user key the user's member rights ∩ the key's;
 * plus universal rights. A missing organization gives none (admins: NotFound).
 */
export function organizationRights(caller: Caller, organizationId: string): ReadonlySet<string> {
  if (caller.kind !== 'key') return new Set();
  const potential = new Set([...ALL_ENTITY, ...ALL_ORGANIZATION]);
  const org = caller.orgs.get(organizationId);
  if (!org) {
    if (caller.isAdmin) {
      throw new SimError(5, 'pkg/identityserver/store', 'organization_not_found', 'organization with id `{organization_id}` not found', {
        organization_id: organizationId,
      });
    }
    return new Set();
  }
  const out = intersect(caller.universal ?? [], potential);
  if (intersect(caller.rights, potential).size === 0) return out;
  const owner = caller.key.owner;
  if (owner.type === 'organization' && owner.id === organizationId) {
    for (const r of caller.rights) out.add(r);
  } else if (owner.type === 'user') {
    for (const r of intersect(org.members.get(owner.id) ?? [], caller.rights)) out.add(r);
  }
  return out;
}

/** rights.RequireOrganization (pkg/auth/rights/require.go). */
export function requireOrganization(caller: Caller, organizationId: string, ...required: string[]): void {
  const rights = organizationRights(caller, organizationId);
  if (rights.size === 0) {
    throw new SimError(7, 'pkg/auth/rights', 'no_organization_rights', 'no rights for organization `{uid}`', { uid: organizationId });
  }
  const missing = required.filter((r) => !rights.has(r));
  if (missing.length > 0) {
    throw new SimError(7, 'pkg/auth/rights', 'insufficient_organization_rights', 'insufficient rights for organization `{uid}`', {
      uid: organizationId,
      missing,
    });
  }
}
