import { describe, expect, it } from 'vitest';
import { forgetSecret, redact, redactValue, registerSecret } from '../../../src-main/logging/redact';

const API_KEY = 'NNSXS.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFG.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRST';
const HEX = '00112233445566778899AABBCCDDEEFF';

describe('redact', () => {
  it('removes The Things Stack API keys wherever they appear', () => {
    const out = redact(`key ${API_KEY} was refused; again:${API_KEY}`);
    expect(out).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFG');
    expect(out).toBe('key NNSXS.[redacted] was refused; again:NNSXS.[redacted]');
  });

  it('removes simulator-style keys with dashes in the id', () => {
    expect(redact('NNSXS.demo-source.ABCDEF234567')).toBe('NNSXS.[redacted]');
  });

  it('removes Bearer and Basic credentials', () => {
    expect(redact('Authorization: Bearer abc.def-ghi_jkl=')).toBe('Authorization: Bearer [redacted]');
    expect(redact('authorization: basic dXNlcjpwYXNz')).toBe('authorization: basic [redacted]');
  });

  it('removes 32-hex keys in "key" fields, in JSON and in key=value text', () => {
    const json = JSON.stringify({ root_keys: { app_key: { key: HEX } }, session: { keys: { app_s_key: { key: HEX.toLowerCase() } } } });
    expect(redact(json)).not.toMatch(/[0-9a-f]{32}/i);
    expect(redact(`app_key=${HEX}`)).toBe('app_key=[redacted]');
    expect(redact(`nwk_s_key: "${HEX}"`)).toBe('nwk_s_key: "[redacted]"');
  });

  it('keeps EUIs, correlation ids (UUIDs) and ordinary text', () => {
    const uuid = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    expect(redact(`dev_eui=${HEX.slice(0, 16)} correlation ${uuid}`)).toBe(`dev_eui=${HEX.slice(0, 16)} correlation ${uuid}`);
    expect(redact('Read device "probe-1" from the Network Server')).toBe('Read device "probe-1" from the Network Server');
    // Prose about keys is not a key=value pair.
    expect(redact('Check the API key: it is unknown. The key of "a" was rotated.')).toBe('Check the API key: it is unknown. The key of "a" was rotated.');
    expect(redact('{"root_key_id":"ttn-lw-cli-generated","keyId":"read-only","rootKeys":["app_key"]}')).toBe('{"root_key_id":"ttn-lw-cli-generated","keyId":"read-only","rootKeys":["app_key"]}');
  });

  it('removes bare 32-hex tokens (AES keys), whatever their case', () => {
    expect(redact(`echo ${HEX} and ${HEX.toLowerCase()}.`)).toBe('echo [redacted] and [redacted].');
    expect(redact(`(${HEX})`)).toBe('([redacted])');
  });

  it('removes keys inside escaped and doubly escaped JSON strings', () => {
    const inner = { api_key: 'plain-text-secret-1', root_keys: { app_key: { key: HEX } }, name: 'kept' };
    const once = JSON.stringify(JSON.stringify(inner));
    const twice = JSON.stringify(JSON.stringify(JSON.stringify(inner)));
    for (const text of [once, twice, `server said: ${once.slice(1, -1)}`]) {
      const out = redact(text);
      expect(out).not.toContain('plain-text-secret-1');
      expect(out).not.toContain(HEX);
      expect(out).toContain('kept');
    }
    // Still JSON, with the values replaced.
    expect(JSON.parse(JSON.parse(redact(once)) as string)).toEqual({ api_key: '[redacted]', root_keys: { app_key: { key: '[redacted]' } }, name: 'kept' });
  });

  it('removes the string value of any JSON property whose name holds "key", "secret", "token" or "password"', () => {
    const out = redact('{"encrypted_key":"q1w2e3r4t5y6u7i8o9p0","AppSKey":"zz-not-hex","kek_label":"k1","Secret":"s3cr3t-value","sessionToken":"abc-def"}');
    expect(JSON.parse(out)).toEqual({ encrypted_key: '[redacted]', AppSKey: '[redacted]', kek_label: 'k1', Secret: '[redacted]', sessionToken: '[redacted]' });
  });

  it('removes base64 keys, access tokens in URLs and URL-encoded credentials', () => {
    const b64 = Buffer.from(HEX, 'hex').toString('base64');
    expect(redact(`key bytes ${b64} end`)).toBe('key bytes [redacted] end');
    expect(redact('GET https://h/api/v3/events?access_token=opaque-token-1&x=2')).toBe('GET https://h/api/v3/events?access_token=[redacted]&x=2');
    expect(redact('app_key=plain-secret;api_key=other-secret')).toBe('app_key=[redacted];api_key=[redacted]');
    expect(redact(`Authorization=${encodeURIComponent(`Bearer opaque.token-value`)}`)).toBe('Authorization=[redacted]');
    expect(redact(`echo ${encodeURIComponent(`Bearer opaque.token-value`)}`)).toBe('echo Bearer%20[redacted]');
    expect(redact(`basic: ${Buffer.from('u:p').toString('base64')}`)).toBe('basic: [redacted]');
  });

  it('removes a registered secret in its URL-encoded and base64 forms too', () => {
    const secret = 'opaque/secret+value=with.specials';
    registerSecret(secret);
    try {
      expect(redact(encodeURIComponent(secret))).toBe('[redacted]');
      expect(redact(Buffer.from(secret).toString('base64'))).not.toContain(Buffer.from(secret).toString('base64').slice(4, -4));
      // Inside a Basic credential (user:secret): the secret's part of the base64 is gone.
      const basic = Buffer.from(`user:${secret}`).toString('base64');
      expect(redact(`x ${basic} y`)).not.toContain(basic.slice(8, -4));
    } finally {
      forgetSecret(secret);
    }
  });

  it('removes a secret registered at run time, whatever its shape', () => {
    const secret = 'hunter2-but-much-longer';
    expect(redact(`token ${secret}`)).toContain(secret);
    registerSecret(secret);
    expect(redact(`token ${secret}!`)).toBe('token [redacted]!');
    forgetSecret(secret);
    expect(redact(secret)).toBe(secret);
  });

  it('ignores registered strings too short to be secrets', () => {
    registerSecret('abc');
    expect(redact('abc')).toBe('abc');
  });
});

describe('redactValue', () => {
  it('redacts every string of a nested value and drops values of secret-named fields', () => {
    const value = { message: `bad ${API_KEY}`, attributes: { api_key: 'plain-text-secret', list: [`app_key=${HEX}`] }, n: 3 };
    const out = JSON.stringify(redactValue(value));
    expect(out).not.toContain('plain-text-secret');
    expect(out).not.toContain(HEX);
    expect(out).not.toContain('ABCDEFG.');
    expect(out).toContain('"n":3');
  });

  it('drops the value of error attributes and of any string field whose name holds "key"', () => {
    const out = redactValue({
      attributes: { value: 'echoed-request-value', field: 'root_keys.app_key.key' },
      violations: [{ field: 'session.keys.app_s_key.key', value: 'zz-not-hex-secret' }],
      AppKey: 'zz-not-hex-appkey', encrypted_key: 'c2VjcmV0', keyId: 'read-only', root_key_id: 'rk-1',
    }) as Record<string, unknown>;
    expect(out).toEqual({
      attributes: { value: '[redacted]', field: 'root_keys.app_key.key' },
      violations: [{ field: 'session.keys.app_s_key.key', value: '[redacted]' }],
      AppKey: '[redacted]', encrypted_key: '[redacted]', keyId: 'read-only', root_key_id: 'rk-1',
    });
  });

  it('keeps identifiers (a device id of 32 hex digits stays readable in structured output)', () => {
    const id = HEX.toLowerCase();
    expect(redactValue({ type: 'device', deviceId: id, targetId: id, source_device_id: id, error: `bad ${HEX}` })).toEqual({
      type: 'device', deviceId: id, targetId: id, source_device_id: id, error: 'bad [redacted]',
    });
  });
});
