import { describe, expect, it } from 'vitest';
import { KeyRing, base32, impliedRights, requireApplication, tokenId } from '../../../src-main/sim/auth.js';
import { DevAddrAllocator } from '../../../src-main/sim/dev-addr.js';
import { RateLimiter } from '../../../src-main/sim/rate-limit.js';
import type { SimError } from '../../../src-main/sim/errors.js';

describe('rate limiter', () => {
  it('is a token bucket with pkg/ratelimit headers', () => {
    let now = 0;
    const rl = new RateLimiter({ limit: 3, periodSeconds: 6 }, () => now);
    expect(rl.take('k').headers).toEqual({
      'X-Rate-Limit-Limit': '3',
      'X-Rate-Limit-Available': '2',
      'X-Rate-Limit-Reset': '2',
      'X-Rate-Limit-Retry': '0',
    });
    rl.take('k');
    rl.take('k');
    const limited = rl.take('k');
    expect(limited.allowed).toBe(false);
    expect(limited.headers['X-Rate-Limit-Retry']).toBe('2');
    expect(limited.headers['X-Rate-Limit-Reset']).toBe('6');
    expect(rl.take('other').allowed).toBe(true);
    now = 2000;
    expect(rl.take('k').allowed).toBe(true);
    expect(rl.take('k').allowed).toBe(false);
    now = 60_000;
    expect(rl.take('k').headers['X-Rate-Limit-Available']).toBe('2');
  });
});

describe('API keys and rights', () => {
  it('generates NNSXS keys and authenticates them', () => {
    const ring = new KeyRing();
    const key = ring.create('app', ['RIGHT_APPLICATION_DEVICES_READ']);
    expect(key).toMatch(/^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
    const caller = ring.authenticate(`Bearer ${key}`);
    expect(caller.kind).toBe('key');
    expect(tokenId(`Bearer ${key}`)).toBe(key.split('.')[1]);
    expect(ring.authenticate(undefined)).toEqual({ kind: 'none' });
    expect(() => ring.authenticate(`Basic ${key}`)).toThrow(/unsupported_authorization/);
    expect(() => ring.authenticate(`Bearer ${key}x`)).toThrow(/invalid_authorization/);
    expect(() => ring.authenticate('Bearer NNSXS.NOPE.NOPE')).toThrow(/api_key_not_found/);
    expect(() => ring.authenticate('Bearer abc')).toThrow(/pkg\/auth:token/);
    expect(() => requireApplication(caller, 'app', 'RIGHT_APPLICATION_DEVICES_WRITE')).toThrow(/insufficient_application_rights/);
    expect(() => requireApplication(caller, 'other', 'RIGHT_APPLICATION_DEVICES_READ')).toThrow(/no_application_rights/);
    expect(() => requireApplication(caller, 'app', 'RIGHT_APPLICATION_DEVICES_READ')).not.toThrow();
    const err = (() => {
      try {
        requireApplication({ kind: 'none' }, 'app', 'RIGHT_APPLICATION_INFO');
      } catch (e) {
        return e as SimError;
      }
    })();
    expect(err?.status).toBe(403);
  });

  it('expands RIGHT_APPLICATION_ALL and sorts by enum value', () => {
    const all = impliedRights(['RIGHT_APPLICATION_ALL']);
    expect(all[0]).toBe('RIGHT_APPLICATION_INFO');
    expect(all).toContain('RIGHT_APPLICATION_DEVICES_WRITE_KEYS');
    expect(all.at(-1)).toBe('RIGHT_APPLICATION_SETTINGS_PACKAGES');
    expect(() => impliedRights(['RIGHT_GATEWAY_ALL'])).toThrow();
    expect(base32(Buffer.from('key'))).toBe('NNSXS');
  });
});

describe('DevAddr allocation', () => {
  it('stays inside the prefix', () => {
    const alloc = new DevAddrAllocator('260B0000/16', Math.random);
    for (let i = 0; i < 2000; i++) expect(alloc.allocate().startsWith('260B')).toBe(true);
    expect(new DevAddrAllocator('27000000/7', () => 0.999999).allocate()).toBe('27FFFFDE');
    expect(alloc.contains('260BFFFF')).toBe(true);
    expect(alloc.contains('260C0000')).toBe(false);
    expect(() => new DevAddrAllocator('nonsense', Math.random)).toThrow();
  });
});
