// API keys and application rights, after pkg/auth (token format),
// pkg/identityserver/entity_access.go (key lookup errors) and
// pkg/auth/rights/require.go (RequireApplication).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  apiKeyNotFound,
  insufficientApplicationRights,
  invalidAuthorization,
  invalidToken,
  noApplicationRights,
  tokenNotFound,
  unsupportedAuthorization,
} from './errors.js';
import type { Right } from './types.js';

/** Application rights and their enum numbers (api/ttn/lorawan/v3/rights.proto). */
export const APPLICATION_RIGHTS: Readonly<Record<string, number>> = {
  RIGHT_APPLICATION_INFO: 15,
  RIGHT_APPLICATION_SETTINGS_BASIC: 16,
  RIGHT_APPLICATION_SETTINGS_API_KEYS: 17,
  RIGHT_APPLICATION_SETTINGS_COLLABORATORS: 18,
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
  RIGHT_APPLICATION_SETTINGS_PACKAGES: 56,
};

export const R = {
  INFO: 'RIGHT_APPLICATION_INFO',
  DEVICES_READ: 'RIGHT_APPLICATION_DEVICES_READ',
  DEVICES_WRITE: 'RIGHT_APPLICATION_DEVICES_WRITE',
  DEVICES_READ_KEYS: 'RIGHT_APPLICATION_DEVICES_READ_KEYS',
  DEVICES_WRITE_KEYS: 'RIGHT_APPLICATION_DEVICES_WRITE_KEYS',
  TRAFFIC_READ: 'RIGHT_APPLICATION_TRAFFIC_READ',
} as const;

/** ttnpb.Rights.Implied: _ALL means every application right, _LINK three of them. */
export function impliedRights(rights: readonly Right[]): string[] {
  const set = new Set<string>();
  for (const r of rights) {
    if (!(r in APPLICATION_RIGHTS)) throw new Error(`unknown application right ${r}`);
    set.add(r);
    if (r === 'RIGHT_APPLICATION_ALL') for (const all of Object.keys(APPLICATION_RIGHTS)) set.add(all);
    if (r === 'RIGHT_APPLICATION_LINK') {
      set.add('RIGHT_APPLICATION_INFO');
      set.add('RIGHT_APPLICATION_TRAFFIC_READ');
      set.add('RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE');
    }
  }
  return [...set].sort((a, b) => (APPLICATION_RIGHTS[a] ?? 0) - (APPLICATION_RIGHTS[b] ?? 0));
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

/** Token type prefixes: base32("key") and base32("acc"). */
export const API_KEY_PREFIX = base32(Buffer.from('key'));
const ACCESS_TOKEN_PREFIX = base32(Buffer.from('acc'));

export interface ApiKey {
  id: string;
  secret: string;
  applicationId: string;
  rights: ReadonlySet<string>;
  createdAt: string;
}

export type Caller = { kind: 'none' } | { kind: 'key'; key: ApiKey };

export class KeyRing {
  private readonly keys = new Map<string, ApiKey>();

  /**
   * A fresh key: 24 random bytes of id and 32 of secret, base32 (pkg/auth
   * idLength/keyLength), i.e. `NNSXS.<39 chars>.<52 chars>`.
   */
  create(applicationId: string, rights: readonly Right[], id?: string): string {
    const keyId = id ?? base32(randomBytes(24));
    if (this.keys.has(keyId)) throw new Error(`API key id ${keyId} already exists`);
    const secret = base32(randomBytes(32));
    this.keys.set(keyId, {
      id: keyId,
      secret,
      applicationId,
      rights: new Set(impliedRights(rights)),
      createdAt: new Date().toISOString(),
    });
    return `${API_KEY_PREFIX}.${keyId}.${secret}`;
  }

  /** The caller of a request; throws the IS's 401/400 errors for bad tokens. */
  authenticate(authorization: string | undefined): Caller {
    if (authorization === undefined || authorization === '') return { kind: 'none' };
    const space = authorization.indexOf(' ');
    const scheme = space < 0 ? authorization : authorization.slice(0, space);
    if (scheme.toLowerCase() !== 'bearer') throw unsupportedAuthorization();
    const token = authorization.slice(space + 1).trim();
    const parts = token.split('.');
    if (parts.length !== 3) throw invalidToken();
    const [type, id, secret] = parts as [string, string, string];
    if (type === ACCESS_TOKEN_PREFIX) throw tokenNotFound();
    if (type !== API_KEY_PREFIX) throw invalidToken();
    const key = this.keys.get(id);
    if (!key) throw apiKeyNotFound();
    const a = Buffer.from(secret);
    const b = Buffer.from(key.secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw invalidAuthorization();
    return { kind: 'key', key };
  }
}

/** The key id the rate limiter keys on (pkg/ratelimit uses the token id, else the IP). */
export function tokenId(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const parts = authorization.replace(/^\S+\s+/, '').split('.');
  return parts.length === 3 ? parts[1] : undefined;
}

/** The caller's rights on an application (an API key only has rights on its own). */
export function rightsOn(caller: Caller, applicationId: string): ReadonlySet<string> {
  if (caller.kind !== 'key' || caller.key.applicationId !== applicationId) return new Set();
  return caller.key.rights;
}

/** rights.RequireApplication. */
export function requireApplication(caller: Caller, applicationId: string, ...required: string[]): void {
  const rights = rightsOn(caller, applicationId);
  if (rights.size === 0) throw noApplicationRights(applicationId);
  const missing = required.filter((r) => !rights.has(r));
  if (missing.length > 0) throw insufficientApplicationRights(applicationId, [...new Set(missing)]);
}
