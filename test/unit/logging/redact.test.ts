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

  it('keeps 32-hex values outside key fields (device ids, correlation ids) and other text', () => {
    expect(redact(`dev_eui=${HEX.slice(0, 16)} correlation ${HEX}`)).toBe(`dev_eui=${HEX.slice(0, 16)} correlation ${HEX}`);
    expect(redact('Read device "probe-1" from the Network Server')).toBe('Read device "probe-1" from the Network Server');
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
});
