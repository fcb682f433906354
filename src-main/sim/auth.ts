// API keys, users and rights, after pkg/auth (tokens), pkg/ttnpb/rights.go
// (implied rights and the All*Rights sets), pkg/identityserver/entity_access.go
// (authInfo: key lookup, admins, restricted users), pkg/identityserver/rights.go
// (getRights: the caller's rights on an entity) and pkg/auth/rights/require.go.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  SimError,
  apiKeyNotFound,
  applicationNotFound,
  insufficientApplicationRights,
  invalidAuthorization,
  invalidToken,
  noApplicationRights,
  tokenNotFound,
  unsupportedAuthorization,
} from './errors.js';
import { Organizations } from './organizations.js';
import type { Right } from './types.js';

/** Every right and its enum number (api/ttn/lorawan/v3/rights.proto). */
export const RIGHTS: Readonly<Record<string, number>> = {
  RIGHT_USER_INFO: 1,
  RIGHT_USER_SETTINGS_BASIC: 2,
  RIGHT_USER_SETTINGS_API_KEYS: 3,
  RIGHT_USER_DELETE: 4,
  RIGHT_USER_AUTHORIZED_CLIENTS: 5,
  RIGHT_USER_APPLICATIONS_LIST: 6,
  RIGHT_USER_APPLICATIONS_CREATE: 7,
  RIGHT_USER_GATEWAYS_LIST: 8,
  RIGHT_USER_GATEWAYS_CREATE: 9,
  RIGHT_USER_CLIENTS_LIST: 10,
  RIGHT_USER_CLIENTS_CREATE: 11,
  RIGHT_USER_ORGANIZATIONS_LIST: 12,
  RIGHT_USER_ORGANIZATIONS_CREATE: 13,
  RIGHT_USER_NOTIFICATIONS_READ: 59,
  RIGHT_USER_ALL: 14,
  RIGHT_APPLICATION_INFO: 15,
  RIGHT_APPLICATION_SETTINGS_BASIC: 16,
  RIGHT_APPLICATION_SETTINGS_API_KEYS: 17,
  RIGHT_APPLICATION_SETTINGS_COLLABORATORS: 18,
  RIGHT_APPLICATION_SETTINGS_PACKAGES: 56,
  RIGHT_APPLICATION_DELETE: 19,
  RIGHT_APPLICATION_DEVICES_READ: 20,
  RIGHT_APPLICATION_DEVICES_WRITE: 21,
  RIGHT_APPLICATION_DEVICES_READ_KEYS: 22,
  RIGHT_APPLICATION_DEVICES_WRITE_KEYS: 23,
  RIGHT_APPLICATION_TRAFFIC_READ: 24,
  RIGHT_APPLICATION_TRAFFIC_UP_WRITE: 25,
  RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE: 26,
  RIGHT_APPLICATION_LINK: 27,
  RIGHT_APPLICATION_ALL: 28,
  RIGHT_CLIENT_ALL: 29,
  RIGHT_CLIENT_INFO: 60,
  RIGHT_CLIENT_SETTINGS_BASIC: 61,
  RIGHT_CLIENT_SETTINGS_COLLABORATORS: 62,
  RIGHT_CLIENT_DELETE: 63,
  RIGHT_GATEWAY_INFO: 30,
  RIGHT_GATEWAY_SETTINGS_BASIC: 31,
  RIGHT_GATEWAY_SETTINGS_API_KEYS: 32,
  RIGHT_GATEWAY_SETTINGS_COLLABORATORS: 33,
  RIGHT_GATEWAY_DELETE: 34,
  RIGHT_GATEWAY_TRAFFIC_READ: 35,
  RIGHT_GATEWAY_TRAFFIC_DOWN_WRITE: 36,
  RIGHT_GATEWAY_LINK: 37,
  RIGHT_GATEWAY_STATUS_READ: 38,
  RIGHT_GATEWAY_LOCATION_READ: 39,
  RIGHT_GATEWAY_WRITE_SECRETS: 57,
  RIGHT_GATEWAY_READ_SECRETS: 58,
  RIGHT_GATEWAY_ALL: 40,
  RIGHT_ORGANIZATION_INFO: 41,
  RIGHT_ORGANIZATION_SETTINGS_BASIC: 42,
  RIGHT_ORGANIZATION_SETTINGS_API_KEYS: 43,
  RIGHT_ORGANIZATION_SETTINGS_MEMBERS: 44,
  RIGHT_ORGANIZATION_DELETE: 45,
  RIGHT_ORGANIZATION_APPLICATIONS_LIST: 46,
  RIGHT_ORGANIZATION_APPLICATIONS_CREATE: 47,
  RIGHT_ORGANIZATION_GATEWAYS_LIST: 48,
  RIGHT_ORGANIZATION_GATEWAYS_CREATE: 49,
  RIGHT_ORGANIZATION_CLIENTS_LIST: 50,
  RIGHT_ORGANIZATION_CLIENTS_CREATE: 51,
  RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR: 52,
  RIGHT_ORGANIZATION_ALL: 53,
  RIGHT_SEND_INVITES: 54,
  RIGHT_ALL: 55,
};

const names = Object.keys(RIGHTS);
const withPrefix = (p: string) => names.filter((n) => n.startsWith(p));

/** Application rights and their enum numbers. */
export const APPLICATION_RIGHTS: Readonly<Record<string, number>> = Object.fromEntries(
  withPrefix('RIGHT_APPLICATION_').map((n) => [n, RIGHTS[n] as number]),
);

// The sets of pkg/ttnpb/rights.go init().
const ALL_USER = new Set(withPrefix('RIGHT_USER_'));
const ALL_APPLICATION = new Set(withPrefix('RIGHT_APPLICATION_'));
export const ALL_GATEWAY: ReadonlySet<string> = new Set(withPrefix('RIGHT_GATEWAY_'));
export const ALL_ORGANIZATION: ReadonlySet<string> = new Set(withPrefix('RIGHT_ORGANIZATION_'));
export const ALL_ENTITY: ReadonlySet<string> = new Set([...ALL_APPLICATION, ...withPrefix('RIGHT_CLIENT_'), ...ALL_GATEWAY]);
/** AllAdminRights: every right but the _KEYS and _ALL ones. */
const ALL_ADMIN = new Set(names.filter((n) => !n.endsWith('_KEYS') && !n.endsWith('_ALL')));
const ALL = new Set(names);
/** entity_access.go: what a user whose e-mail is not validated keeps. */
const RESTRICTED_USER = new Set(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_DELETE']);

export const R = {
  INFO: 'RIGHT_APPLICATION_INFO',
  DEVICES_READ: 'RIGHT_APPLICATION_DEVICES_READ',
  DEVICES_WRITE: 'RIGHT_APPLICATION_DEVICES_WRITE',
  DEVICES_READ_KEYS: 'RIGHT_APPLICATION_DEVICES_READ_KEYS',
  DEVICES_WRITE_KEYS: 'RIGHT_APPLICATION_DEVICES_WRITE_KEYS',
  TRAFFIC_READ: 'RIGHT_APPLICATION_TRAFFIC_READ',
  USER_APPLICATIONS_LIST: 'RIGHT_USER_APPLICATIONS_LIST',
  USER_APPLICATIONS_CREATE: 'RIGHT_USER_APPLICATIONS_CREATE',
  ORGANIZATION_APPLICATIONS_LIST: 'RIGHT_ORGANIZATION_APPLICATIONS_LIST',
  ORGANIZATION_APPLICATIONS_CREATE: 'RIGHT_ORGANIZATION_APPLICATIONS_CREATE',
  SETTINGS_BASIC: 'RIGHT_APPLICATION_SETTINGS_BASIC',
  SETTINGS_PACKAGES: 'RIGHT_APPLICATION_SETTINGS_PACKAGES',
  TRAFFIC_DOWN_WRITE: 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE',
} as const;

/** ttnpb.Right.Implied. */
function impliedBy(r: string): Iterable<string> {
  switch (r) {
    case 'RIGHT_USER_ALL':
      return ALL_USER;
    case 'RIGHT_APPLICATION_ALL':
      return ALL_APPLICATION;
    case 'RIGHT_APPLICATION_LINK':
      return ['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_TRAFFIC_READ', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE'];
    case 'RIGHT_GATEWAY_ALL':
      return ALL_GATEWAY;
    case 'RIGHT_GATEWAY_LINK':
      return ['RIGHT_GATEWAY_INFO'];
    case 'RIGHT_ORGANIZATION_ALL':
      return ALL_ORGANIZATION;
    case 'RIGHT_ALL':
      return ALL;
    case 'RIGHT_CLIENT_ALL':
      return ['RIGHT_CLIENT_INFO', 'RIGHT_CLIENT_SETTINGS_BASIC', 'RIGHT_CLIENT_SETTINGS_COLLABORATORS', 'RIGHT_CLIENT_DELETE'];
    default:
      return [r];
  }
}

/** ttnpb.Rights.Implied: the rights plus what each implies (one level, as the real one). */
export function implied(rights: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const r of rights) {
    out.add(r);
    for (const i of impliedBy(r)) out.add(i);
  }
  return out;
}

export function intersect(a: Iterable<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const r of a) if (b.has(r)) out.add(r);
  return out;
}

/** Rights in enum order (the real server's order is a Go map's, i.e. arbitrary). */
export function sortRights(rights: Iterable<string>): string[] {
  return [...rights].sort((a, b) => (RIGHTS[a] ?? 0) - (RIGHTS[b] ?? 0));
}

function checkKnown(rights: readonly Right[], allowed: ReadonlySet<string>, what: string): void {
  for (const r of rights) if (!allowed.has(r)) throw new Error(`${r} is not ${what}`);
}

/** Implied application rights in enum order; an application API key only takes application rights. */
export function impliedRights(rights: readonly Right[]): string[] {
  checkKnown(rights, ALL_APPLICATION, 'an application right');
  return sortRights(implied(rights));
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as pkg/auth encodes token parts. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Token type prefixes of pkg/auth: base32 of "key", "acc", "ref", "aut", "ssn". */
export const API_KEY_PREFIX = base32(Buffer.from('key'));
const ACCESS_TOKEN_PREFIX = base32(Buffer.from('acc'));
const REFRESH_TOKEN_PREFIX = base32(Buffer.from('ref'));
const AUTHORIZATION_CODE_PREFIX = base32(Buffer.from('aut'));
const SESSION_TOKEN_PREFIX = base32(Buffer.from('ssn'));
const TOKEN_TYPES = new Set([API_KEY_PREFIX, ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, AUTHORIZATION_CODE_PREFIX, SESSION_TOKEN_PREFIX]);

/** pkg/auth SplitToken: `<type>.<id>.<key>` with a known type. */
function splitToken(token: string): [string, string, string] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !TOKEN_TYPES.has(parts[0] as string)) return undefined;
  return parts as [string, string, string];
}

/** pkg/rpcmetadata: `authorization` is split at its first space into type and value. */
function splitAuthorization(authorization: string | undefined): { type: string; value: string } | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  return { type: authorization.slice(0, space), value: authorization.slice(space + 1) };
}

/** The entity an API key belongs to. */
export type KeyOwner =
  | { type: 'application'; id: string }
  | { type: 'user'; id: string }
  | { type: 'organization'; id: string }
  | { type: 'gateway'; id: string };

export interface ApiKey {
  id: string;
  secret: string;
  owner: KeyOwner;
  /** The key's rights, implied. */
  rights: ReadonlySet<string>;
  /** The rights as granted (what the API-key registry lists). */
  granted: string[];
  name?: string;
  /** RFC 3339; an expired key is refused (`api_key_expired`). */
  expiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimUser {
  id: string;
  admin: boolean;
  emailValidated: boolean;
  /** Collaborator rights per application, implied (store.MembershipChain.GetRights). */
  applications: Map<string, ReadonlySet<string>>;
}

/** An authenticated caller, with what entity_access.go authInfo computes for it. */
export interface KeyCaller {
  kind: 'key';
  key: ApiKey;
  user?: SimUser;
  /** AuthInfoResponse.GetRights(): the key's rights after any restriction. */
  rights: ReadonlySet<string>;
  /** universal_rights: absent for most callers, empty for restricted users. */
  universal?: ReadonlySet<string>;
  isAdmin: boolean;
  appExists: (applicationId: string) => boolean;
  orgs: Organizations;
}

export type Caller = { kind: 'none' } | KeyCaller;

const USER_ID = /^[a-z0-9](?:[-]?[a-z0-9]){1,}$/;

export class KeyRing {
  private readonly keys = new Map<string, ApiKey>();
  private readonly users = new Map<string, SimUser>();

  constructor(
    private readonly appExists: (applicationId: string) => boolean = () => true,
    readonly orgs: Organizations = new Organizations(),
  ) {}

  user(userId: string): SimUser | undefined {
    return this.users.get(userId);
  }

  /** The user, created (approved, e-mail validated, no admin) when absent. */
  ensureUser(userId: string): SimUser {
    if (!USER_ID.test(userId) || userId.length > 36) throw new Error(`invalid user id ${userId}`);
    let user = this.users.get(userId);
    if (!user) {
      user = { id: userId, admin: false, emailValidated: true, applications: new Map() };
      this.users.set(userId, user);
    }
    return user;
  }

  /** Users collaborating directly on an application, with their rights (implied). */
  *usersOf(applicationId: string): Iterable<[string, ReadonlySet<string>]> {
    for (const u of this.users.values()) {
      const rights = u.applications.get(applicationId);
      if (rights) yield [u.id, rights];
    }
  }

  /** Organizations collaborating on an application, with their rights (implied). */
  *organizationsOf(applicationId: string): Iterable<[string, ReadonlySet<string>]> {
    for (const org of this.orgs.values()) {
      const rights = org.applications.get(applicationId);
      if (rights) yield [org.id, rights];
    }
  }

  /** An organization with member users and their rights in it (implied). */
  addOrganization(id: string, members: Record<string, readonly Right[]> = {}): void {
    const implied_ = new Map<string, ReadonlySet<string>>();
    for (const [userId, rights] of Object.entries(members)) {
      checkKnown(rights, ALL, 'a right of rights.proto');
      this.ensureUser(userId);
      implied_.set(userId, implied(rights));
    }
    this.orgs.add(id, implied_);
  }

  /** An organization API key. */
  createOrganizationKey(organizationId: string, rights: readonly Right[]): string {
    if (!this.orgs.get(organizationId)) throw new Error(`unknown organization ${organizationId}`);
    checkKnown(rights, ALL, 'a right of rights.proto');
    return this.newKey({ type: 'organization', id: organizationId }, rights);
  }

  private newKey(owner: KeyOwner, granted: readonly string[], id?: string, extra: { name?: string; expiresAt?: string } = {}): string {
    const keyId = id ?? base32(randomBytes(24));
    if (this.keys.has(keyId)) throw new Error(`API key id ${keyId} already exists`);
    const secret = base32(randomBytes(32));
    const now = new Date().toISOString();
    const rights = owner.type === 'application' ? new Set(impliedRights(granted)) : implied(granted);
    this.keys.set(keyId, { id: keyId, secret, owner, rights, granted: [...new Set(granted)], ...extra, createdAt: now, updatedAt: now });
    return `${API_KEY_PREFIX}.${keyId}.${secret}`;
  }

  /** An application's key as created through the API (name, expiry). */
  createApplicationKey(applicationId: string, rights: readonly Right[], extra: { name?: string; expiresAt?: string }): string {
    return this.newKey({ type: 'application', id: applicationId }, rights, undefined, extra);
  }

  /** A gateway's key (gateway_access.go createGatewayAPIKey): gateway rights only. */
  createGatewayKey(gatewayId: string, rights: readonly Right[], extra: { name?: string; expiresAt?: string } = {}): string {
    checkKnown(rights, ALL_GATEWAY, 'a gateway right');
    return this.newKey({ type: 'gateway', id: gatewayId }, rights, undefined, extra);
  }

  /** The keys of an entity. */
  keysOf(owner: KeyOwner): ApiKey[] {
    return [...this.keys.values()].filter((k) => k.owner.type === owner.type && k.owner.id === owner.id);
  }

  /** Changes a key's rights (re-implied), name or expiry. */
  updateKey(key: ApiKey, changes: { granted?: readonly string[]; name?: string | undefined; expiresAt?: string | undefined }): void {
    if (changes.granted) {
      key.granted = [...new Set(changes.granted)];
      key.rights = key.owner.type === 'application' ? new Set(impliedRights(key.granted)) : implied(key.granted);
    }
    if ('name' in changes) key.name = changes.name;
    if ('expiresAt' in changes) key.expiresAt = changes.expiresAt;
    key.updatedAt = new Date().toISOString();
  }

  deleteKey(id: string): boolean {
    return this.keys.delete(id);
  }

  /**
   * A fresh application key: 24 random bytes of id and 32 of secret, base32
   * (pkg/auth idLength/keyLength), i.e. `NNSXS.<39 chars>.<52 chars>`.
   */
  create(applicationId: string, rights: readonly Right[], id?: string): string {
    return this.newKey({ type: 'application', id: applicationId }, rights, id);
  }

  /** A user API key; creates the user, or updates the given properties of an existing one. */
  createUserKey(
    userId: string,
    opts: { rights: readonly Right[]; admin?: boolean; emailValidated?: boolean; applications?: Record<string, readonly Right[]> },
  ): string {
    if (!USER_ID.test(userId) || userId.length > 36) throw new Error(`invalid user id ${userId}`);
    checkKnown(opts.rights, ALL, 'a right of rights.proto');
    for (const [appId, rights] of Object.entries(opts.applications ?? {})) {
      if (!this.appExists(appId)) throw new Error(`unknown application ${appId}`);
      checkKnown(rights, ALL_APPLICATION, 'an application right');
    }
    const user = this.ensureUser(userId);
    if (opts.admin !== undefined) user.admin = opts.admin;
    if (opts.emailValidated !== undefined) user.emailValidated = opts.emailValidated;
    for (const [appId, rights] of Object.entries(opts.applications ?? {})) user.applications.set(appId, implied(rights));
    return this.newKey({ type: 'user', id: userId }, opts.rights);
  }

  /** The caller of a request; throws the IS's 401/400 errors for bad tokens (entity_access.go authInfo). */
  authenticate(authorization: string | undefined): Caller {
    const auth = splitAuthorization(authorization);
    // No authorization type: an empty AuthInfoResponse, i.e. unauthenticated.
    if (!auth || auth.type === '') return { kind: 'none' };
    if (auth.type.toLowerCase() !== 'bearer') throw unsupportedAuthorization();
    const parts = auth.value.split('.');
    if (parts.length !== 3) throw invalidToken();
    const [type, id, secret] = parts as [string, string, string];
    if (type === ACCESS_TOKEN_PREFIX || type === SESSION_TOKEN_PREFIX) throw tokenNotFound();
    if (type === REFRESH_TOKEN_PREFIX || type === AUTHORIZATION_CODE_PREFIX) throw unsupportedAuthorization();
    if (type !== API_KEY_PREFIX) throw invalidToken();
    const key = this.keys.get(id);
    if (!key) throw apiKeyNotFound();
    const a = Buffer.from(secret);
    const b = Buffer.from(key.secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw invalidAuthorization();
    if (key.expiresAt !== undefined && Date.parse(key.expiresAt) < Date.now()) {
      throw new SimError(16, 'pkg/identityserver', 'api_key_expired', 'api key expired');
    }
    const caller: KeyCaller = { kind: 'key', key, rights: key.rights, isAdmin: false, appExists: this.appExists, orgs: this.orgs };
    if (key.owner.type === 'user') {
      const user = this.users.get(key.owner.id);
      if (!user) throw apiKeyNotFound();
      caller.user = user;
      const userRights = key.rights;
      // The simulator runs as if contact-info validation is required (the
      // open-source default config has it off): such users keep three user rights.
      if (!user.emailValidated) {
        caller.rights = intersect(caller.rights, RESTRICTED_USER);
        caller.universal = intersect(caller.universal ?? [], RESTRICTED_USER);
      }
      // An approved admin: AllAdminRights ∩ the key's (unrestricted) rights,
      // since the default config has AdminRights.All false.
      if (user.admin) {
        caller.isAdmin = true;
        caller.universal = intersect(implied(ALL_ADMIN), userRights);
      }
    }
    return caller;
  }
}

/** The key id the rate limiter keys on (pkg/ratelimit authTokenID): any token of a known type, else none. */
export function tokenId(authorization: string | undefined): string | undefined {
  const auth = splitAuthorization(authorization);
  if (!auth || auth.value === '') return undefined;
  return splitToken(auth.value)?.[1];
}

/**
 * rights.go getRights + ApplicationRights: the caller's rights on an
 * application are its universal rights (admins) plus, for the application's
 * own key, the key's rights, or, for a user key, the user's collaborator
 * rights ∩ the key's rights. An application that does not exist gives no
 * rights, or NotFound for an admin (`notFound`).
 */
function applicationRightsOf(caller: Caller, applicationId: string): { rights: ReadonlySet<string>; notFound: boolean } {
  if (caller.kind !== 'key') return { rights: new Set(), notFound: false };
  const universal = intersect(caller.universal ?? [], ALL_APPLICATION);
  let entity = new Set<string>();
  if (intersect(caller.rights, ALL_APPLICATION).size > 0) {
    const owner = caller.key.owner;
    if (owner.type === 'application') {
      if (owner.id === applicationId) entity = new Set(caller.rights);
    } else if (owner.type === 'organization') {
      entity = intersect(caller.orgs.get(owner.id)?.applications.get(applicationId) ?? [], caller.rights);
    } else {
      // Direct collaboration and every chain through an organization (FindAccountMembershipChains).
      const member = new Set(caller.user?.applications.get(applicationId) ?? []);
      for (const r of caller.orgs.userRightsViaOrganizations(owner.id, applicationId)) member.add(r);
      entity = intersect(member, caller.rights);
    }
  }
  if (!caller.appExists(applicationId)) return { rights: new Set(), notFound: caller.isAdmin };
  for (const r of universal) entity.add(r);
  return { rights: entity, notFound: false };
}

/** The caller's rights on an application (none where it has none, or the application does not exist). */
export function rightsOn(caller: Caller, applicationId: string): ReadonlySet<string> {
  return applicationRightsOf(caller, applicationId).rights;
}

/** rights.ListApplication: as rightsOn, but an admin asking for a missing application gets NotFound. */
export function listApplicationRights(caller: Caller, applicationId: string): ReadonlySet<string> {
  const { rights, notFound } = applicationRightsOf(caller, applicationId);
  if (notFound) throw applicationNotFound(applicationId);
  return rights;
}

/** rights.RequireApplication. */
export function requireApplication(caller: Caller, applicationId: string, ...required: string[]): void {
  const rights = listApplicationRights(caller, applicationId);
  if (rights.size === 0) throw noApplicationRights(applicationId);
  const missing = required.filter((r) => !rights.has(r));
  if (missing.length > 0) throw insufficientApplicationRights(applicationId, [...new Set(missing)]);
}

/**
 * rights.go getRights + UserRights: a user key on its own user has all its
 * rights (when any could apply to a user), plus universal rights.
 */
export function userRights(caller: Caller, userId: string): ReadonlySet<string> {
  if (caller.kind !== 'key') return new Set();
  const potential = new Set([...ALL_ENTITY, ...ALL_ORGANIZATION, ...ALL_USER]);
  const out = intersect(caller.universal ?? [], potential);
  const owner = caller.key.owner;
  if (intersect(caller.rights, potential).size > 0 && owner.type === 'user' && owner.id === userId) {
    for (const r of caller.rights) out.add(r);
  }
  return out;
}

/** rights.RequireUser (pkg/auth/rights/require.go). */
export function requireUser(caller: Caller, userId: string, ...required: string[]): void {
  const rights = userRights(caller, userId);
  if (rights.size === 0) {
    throw new SimError(7, 'pkg/auth/rights', 'no_user_rights', 'no rights for user `{uid}`', { uid: userId });
  }
  const missing = required.filter((r) => !rights.has(r));
  if (missing.length > 0) {
    throw new SimError(7, 'pkg/auth/rights', 'insufficient_user_rights', 'insufficient rights for user `{uid}`', {
      uid: userId,
      missing,
    });
  }
}

