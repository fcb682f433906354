import { describe, expect, it } from 'vitest';
import { JsonStreamSplitter } from '../../../src-main/stack/json-stream.js';
import { backoffDelay, rateLimitDelay, sleep } from '../../../src-main/stack/retry.js';
import { mergeMissing, pickPaths, topLevelPaths } from '../../../src-main/stack/paths.js';
import { connectionTargetSchema, ttnCommunity, ttsCloud } from '../../../src-main/stack/connection.js';

describe('JSON stream splitting', () => {
  it('finds objects split across chunks at any byte', () => {
    const text = '{"result":{"name":"a","data":{"s":"}{\\"x"}}}\n\n{"result":{"name":"b"}}\n';
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonStreamSplitter();
      const got = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))].map((t) => JSON.parse(t).result.name);
      expect(got).toEqual(['a', 'b']);
      expect(s.pending).toBe(false);
    }
  });
  it('reports a truncated value as pending', () => {
    const s = new JsonStreamSplitter();
    expect(s.push('{"ids":{"device_id":"x"}}{"ids":')).toHaveLength(1);
    expect(s.pending).toBe(true);
  });
});

describe('retry timing', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });
  it('waits at least one second on a 429, as the official SDK', () => {
    expect(rateLimitDelay(undefined)).toBe(1000);
    expect(rateLimitDelay('0')).toBe(1000);
    expect(rateLimitDelay('3')).toBe(3000);
    expect(rateLimitDelay('junk')).toBe(1000);
  });
  it('sleep stops when aborted', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('paths', () => {
  it('picks, merges without overwriting, and collapses covered paths', () => {
    const obj = { a: { b: 1, c: { d: 2 } }, e: 3 };
    expect(pickPaths(obj, ['a.c.d', 'e', 'x.y'])).toEqual({ a: { c: { d: 2 } }, e: 3 });
    expect(mergeMissing({ a: { b: 9 } }, obj)).toEqual({ a: { b: 9, c: { d: 2 } }, e: 3 });
    expect(topLevelPaths(['a.b', 'a', 'ab', 'c.d'])).toEqual(['a', 'ab', 'c.d']);
  });
});

describe('connections', () => {
  it('normalizes addresses and knows the public deployments', () => {
    expect(connectionTargetSchema.parse({ isUrl: 'eu1.cloud.thethings.network/api/v3/', clusterUrl: 'http://127.0.0.1:1885' }))
      .toEqual({ isUrl: 'https://eu1.cloud.thethings.network', clusterUrl: 'http://127.0.0.1:1885' });
    expect(connectionTargetSchema.safeParse({ isUrl: 'ftp://x', clusterUrl: 'https://y' }).success).toBe(false);
    expect(connectionTargetSchema.safeParse({ isUrl: 'https://user:pw@x', clusterUrl: 'https://y' }).success).toBe(false);
    expect(ttnCommunity('nam1')).toEqual({ isUrl: 'https://eu1.cloud.thethings.network', clusterUrl: 'https://nam1.cloud.thethings.network' });
    expect(ttsCloud('acme', 'au1').clusterUrl).toBe('https://acme.au1.cloud.thethings.industries');
    expect(ttsCloud('acme', 'au1').isUrl).toBe('https://acme.eu1.cloud.thethings.industries');
  });
});
