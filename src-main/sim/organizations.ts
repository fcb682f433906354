// Organizations and memberships, minimal: an organization has member users
// (with rights in the organization) and is a collaborator of applications.
// A user's rights on an application through an organization are the
// intersection along the chain user → organization → application
// (pkg/identityserver/store MembershipChain.GetRights; rights.go getRights).

export interface SimOrganization {
  id: string;
  /** Member rights per user id, implied. */
  members: Map<string, ReadonlySet<string>>;
  /** Collaborator rights per application id, implied. */
  applications: Map<string, ReadonlySet<string>>;
}

/** OrganizationIdentifiers.organization_id (api/ttn/lorawan/v3/identifiers.proto); it shares the user id namespace. */
export const ORGANIZATION_ID = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

export class Organizations {
  private readonly orgs = new Map<string, SimOrganization>();

  add(id: string, members: Map<string, ReadonlySet<string>>): SimOrganization {
    if (!ORGANIZATION_ID.test(id) || id.length > 36) throw new Error(`invalid organization id ${id}`);
    let org = this.orgs.get(id);
    if (!org) {
      org = { id, members: new Map(), applications: new Map() };
      this.orgs.set(id, org);
    }
    for (const [user, rights] of members) org.members.set(user, rights);
    return org;
  }

  get(id: string): SimOrganization | undefined {
    return this.orgs.get(id);
  }

  values(): Iterable<SimOrganization> {
    return this.orgs.values();
  }

  /** The organizations a user is a member of, with the user's rights in each. */
  *memberships(userId: string): Iterable<[SimOrganization, ReadonlySet<string>]> {
    for (const org of this.orgs.values()) {
      const rights = org.members.get(userId);
      if (rights) yield [org, rights];
    }
  }

  /** Rights of a user on an application through its organizations (union of the chains). */
  userRightsViaOrganizations(userId: string, applicationId: string): Set<string> {
    const out = new Set<string>();
    for (const [org, memberRights] of this.memberships(userId)) {
      const appRights = org.applications.get(applicationId);
      if (!appRights) continue;
      for (const r of memberRights) if (appRights.has(r)) out.add(r);
    }
    return out;
  }
}
