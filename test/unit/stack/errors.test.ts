import { describe, expect, it } from 'vitest';
import { apiError, explainApiError, transportError } from '../../../src-main/stack/errors.js';

const body = (code: number, name: string, attributes: Record<string, unknown> = {}) => ({
  code, message: `error:pkg/x:${name} (something)`,
  details: [{ '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', namespace: 'pkg/x', name, attributes, correlation_id: 'c0ffee', code }],
});

describe('error mapping', () => {
  it('keeps the server details and explains a taken EUI pair', () => {
    const e = apiError(body(6, 'end_device_euis_taken', { join_eui: '70B3D57ED0000000', dev_eui: '0004A30B001C0530', device_id: 'other', application_id: 'app2' }),
      { operation: 'Create device "d1" on the Identity Server', url: 'https://eu1.example.com/api/v3/x', httpStatus: 409 });
    expect(e.grpcCode).toBe(6);
    expect(e.codeName).toBe('AlreadyExists');
    expect(e.namespace).toBe('pkg/x');
    expect(e.errorName).toBe('end_device_euis_taken');
    expect(e.correlationId).toBe('c0ffee');
    expect(e.message).toMatch(/^Create device "d1" on the Identity Server: another device already uses JoinEUI 70B3D57ED0000000 and DevEUI 0004A30B001C0530 \(device "other" in application "app2"\)/);
    expect(e.is('AlreadyExists')).toBe(true);
    expect(e.isTransient).toBe(false);
  });
  it('says what to do about keys and rights', () => {
    expect(explainApiError({ grpcCode: 16, url: 'https://eu1.example.com/api/v3' })).toMatch(/API key was not accepted by eu1\.example\.com/);
    expect(explainApiError({ grpcCode: 7 })).toMatch(/lacks a right/);
    expect(explainApiError({ grpcCode: 8, url: 'http://h:1/x', rateLimited: true })).toMatch(/rate limit reached/);
  });
  it('a 429 is a rate limit only for pkg/ratelimit or with rate-limit headers; Aborted and 502/503/504 are transient', () => {
    const limited = apiError({ ...body(8, 'rate_limit_exceeded'), details: [{ namespace: 'pkg/ratelimit', name: 'rate_limit_exceeded', code: 8 }] }, { operation: 'x', url: 'http://h/x', httpStatus: 429, retryAfterMs: 2000 });
    expect(limited.isRateLimited).toBe(true);
    expect(limited.retryAfterMs).toBe(2000);
    const withHeaders = apiError(body(8, 'something'), { operation: 'x', url: 'http://h/x', httpStatus: 429, retryAfterMs: 3000, rateLimitHeaders: true });
    expect(withHeaders.isRateLimited).toBe(true);
    const queueFull = apiError(body(8, 'downlink_queue_full'), { operation: 'Push', url: 'http://h/x', httpStatus: 429, retryAfterMs: 1000 });
    expect(queueFull.isRateLimited).toBe(false);
    expect(queueFull.retryAfterMs).toBeUndefined();
    expect(queueFull.message).toMatch(/not a rate limit/);
    const aborted = apiError({ ...body(10, 'transaction_failed'), details: [{ namespace: 'pkg/redis', name: 'transaction_failed', code: 10 }] }, { operation: 'x', url: 'http://h/x', httpStatus: 409 });
    expect(aborted.isTransient).toBe(true);
    expect(apiError(body(6, 'id_taken'), { operation: 'x', url: 'http://h/x', httpStatus: 409 }).isTransient).toBe(false);
    expect(apiError(body(14, 'unavailable'), { operation: 'x', url: 'http://h/x', httpStatus: 503 }).isTransient).toBe(true);
    expect(apiError(body(5, 'not_found'), { operation: 'x', url: 'http://h/x', httpStatus: 404 }).isTransient).toBe(false);
  });
  it('gives each transport failure its own message', () => {
    const ctx = { operation: 'Check the API key', url: 'https://tts.example.com/api/v3/auth_info', timeoutMs: 5000 };
    const kinds = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT_STACK', 'SELF_SIGNED_CERT_IN_CHAIN', 'ECONNRESET'].map((code) =>
      transportError(Object.assign(new Error(code), { code }), ctx));
    expect(kinds.map((k) => k.kind)).toEqual(['refused', 'dns', 'timeout', 'tls', 'network']);
    expect(new Set(kinds.map((k) => k.message)).size).toBe(5);
    expect(kinds[2]!.message).toMatch(/within 5 s/);
    expect(kinds[3]!.message).toMatch(/certificate authority/);
    expect(transportError(new Error('x'), { ...ctx, aborted: true }).kind).toBe('aborted');
  });
  it('serializes without a stack or a secret', () => {
    const e = apiError(body(16, 'unauthenticated'), { operation: 'x', url: 'http://h/x', httpStatus: 401 });
    const json = JSON.stringify(e);
    expect(json).not.toMatch(/stack|Bearer|NNSXS/);
    expect(JSON.parse(json).codeName).toBe('Unauthenticated');
  });
});
