import { describe, expect, it } from 'vitest';
import { KeyRing, base32, impliedRights, requireApplication, tokenId } from '../../../src-main/sim/auth.js';
import { DevAddrAllocator } from '../../../src-main/sim/dev-addr.js';
import { getHost } from '../../../src-main/sim/addresses.js';
import {
  RateLimiter,
  STORE_MAX_KEYS,
  grpcMethodResource,
  grpcStreamAcceptResource,
  rateLimitHeaders,
} from '../../../src-main/sim/rate-limit.js';
import type { SimError } from '../../../src-main/sim/errors.js';

describe('rate limiter', () => {
  const res = (key: string, ...classes: string[]) => ({ key, classes: classes.length > 0 ? classes : ['grpc:method'] });

  it('is throttled GCRA with pkg/ratelimit headers (limit = max burst, truncated seconds)', () => {
    let now = 0;
    // 30/min = one per 2 s, bursts of 3.
    const rl = new RateLimiter({ profiles: [{ maxPerMin: 30, maxBurst: 3, associations: ['grpc:method'] }] }, () => now);
    expect(rateLimitHeaders(rl.take(res('k'))!)).toEqual({
      'X-Rate-Limit-Limit': '3',
      'X-Rate-Limit-Available': '2',
      'X-Rate-Limit-Reset': '2',
      'X-Rate-Limit-Retry': '0',
    });
    rl.take(res('k'));
    expect(rl.take(res('k'))?.remaining).toBe(0);
    const limited = rl.take(res('k'))!;
    expect(limited.limited).toBe(true);
    expect(rateLimitHeaders(limited)).toEqual({
      'X-Rate-Limit-Limit': '3',
      'X-Rate-Limit-Available': '0',
      'X-Rate-Limit-Reset': '6',
      'X-Rate-Limit-Retry': '2',
    });
    expect(rl.take(res('other'))?.limited).toBe(false);
    now = 2000;
    expect(rl.take(res('k'))?.limited).toBe(false);
    expect(rl.take(res('k'))?.limited).toBe(true);
    now = 60_000;
    expect(rl.take(res('k'))?.remaining).toBe(2);
  });

  it('defaults max burst to max per minute and refuses a zero rate', () => {
    const rl = new RateLimiter({ profiles: [{ maxPerMin: 5, associations: ['grpc:method'] }] }, () => 0);
    for (let i = 0; i < 5; i++) expect(rl.take(res('k'))?.limited).toBe(false);
    expect(rl.take(res('k'))?.limited).toBe(true);
    expect(() => new RateLimiter({ profiles: [{ maxPerMin: 0, associations: ['grpc:method'] }] })).toThrow(/invalid rate/);
  });

  it('takes the profile of the first class that has one, none without (muxRateLimiter)', () => {
    const rl = new RateLimiter(
      {
        profiles: [
          { maxPerMin: 60, maxBurst: 1, associations: ['grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/Get'] },
          { maxPerMin: 60, maxBurst: 5, associations: ['grpc:method'] },
          { maxPerMin: 60, associations: [] },
        ],
      },
      () => 0,
    );
    const get = grpcMethodResource('/ttn.lorawan.v3.EndDeviceRegistry/Get', 'end device:app.dev', 'KEYID');
    expect(get.key).toBe('grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/Get:end device:app.dev:token:KEYID');
    expect(get.classes).toEqual(['grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/Get', 'grpc:method']);
    expect(rl.take(get)?.limit).toBe(1);
    const list = grpcMethodResource('/ttn.lorawan.v3.EndDeviceRegistry/List', 'application:app', undefined);
    expect(list.key).toBe('grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/List:application:app');
    expect(rl.take(list)?.limit).toBe(5);
    const stream = grpcStreamAcceptResource('/ttn.lorawan.v3.Events/Stream', 'KEYID');
    expect(stream).toEqual({
      key: 'grpc:stream:accept:/ttn.lorawan.v3.Events/Stream:token:KEYID',
      classes: ['grpc:stream:accept:/ttn.lorawan.v3.Events/Stream', 'grpc:stream:accept'],
    });
    expect(rl.take(stream)).toBeUndefined();
  });

  it('forgets the least recently used keys beyond the store size (memstore LRU)', () => {
    const rl = new RateLimiter({ profiles: [{ maxPerMin: 60, maxBurst: 1, associations: ['grpc:method'] }] }, () => 0, 2);
    expect(rl.take(res('a'))?.limited).toBe(false);
    expect(rl.take(res('b'))?.limited).toBe(false);
    expect(rl.take(res('a'))?.limited).toBe(true); // refreshes a
    expect(rl.take(res('c'))?.limited).toBe(false); // evicts b
    expect(rl.take(res('b'))?.limited).toBe(false); // b starts afresh, evicts a
    expect(rl.take(res('c'))?.limited).toBe(true);
    expect(STORE_MAX_KEYS).toBe(4096);
  });

  it('keys on the token id of any known token type, whatever the scheme (authTokenID)', () => {
    expect(tokenId('Bearer NNSXS.ID1.SECRET')).toBe('ID1');
    expect(tokenId('Basic NNSXS.ID2.SECRET')).toBe('ID2');
    expect(tokenId('Bearer MFRWG.ID3.SECRET')).toBe('ID3'); // an OAuth access token
    expect(tokenId('Bearer abc')).toBeUndefined();
    expect(tokenId('Bearer XXXXX.ID.SECRET')).toBeUndefined();
    expect(tokenId('NNSXS.ID.SECRET')).toBeUndefined();
    expect(tokenId(undefined)).toBeUndefined();
  });
});

describe('server addresses (end_device_registry.go getHost)', () => {
  it('drops scheme and port like url.Parse and net.SplitHostPort', () => {
    expect(getHost('127.0.0.1')).toBe('127.0.0.1');
    expect(getHost('127.0.0.1:8886')).toBe('127.0.0.1');
    expect(getHost('http://127.0.0.1:1234')).toBe('127.0.0.1');
    expect(getHost('https://eu1.cloud.thethings.network')).toBe('eu1.cloud.thethings.network');
    expect(getHost('https://user:pw@host.example:443/path?q#f')).toBe('host.example');
    expect(getHost('[::1]:1700')).toBe('::1');
    expect(getHost('http://[::1]:80')).toBe('::1');
    // Parse errors keep the address as it is.
    expect(getHost('::1')).toBe('::1');
    expect(getHost('[::1]')).toBe('[::1]');
    expect(getHost('http://host:abc')).toBe('http://host:abc');
    expect(getHost('host:')).toBe('host');
    expect(getHost('')).toBe('');
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
