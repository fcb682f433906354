import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../../src-main/migration/journal.js';
import { AdaptiveLimiter } from '../../../src-main/migration/limiter.js';

describe('journal', () => {
  it('replays each device to its last step, ignores a line torn by a crash, and is private', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sm-j-')), 'journal.jsonl');
    const j = await Journal.open(path);
    await Promise.all([
      j.step('a', 'quieting', { facts: { targetId: 'a', activation: 'otaa', lorawan11: false, scheduleDownlinksBefore: true } }),
      j.step('b', 'quieting', { facts: { targetId: 'b', activation: 'abp', lorawan11: false } }),
    ]);
    await j.step('a', 'quieted');
    await j.step('a', 'creating');
    await j.step('b', 'failed', { error: 'boom', rolledBack: true });
    await j.close();
    appendFileSync(path, '{"t":"step","d":"a","s":"crea'); // torn write
    const { devices } = await readJournal(path);
    expect(devices.get('a')?.step).toBe('creating');
    expect(devices.get('a')?.facts.scheduleDownlinksBefore).toBe(true);
    expect(devices.get('a')?.history.map((h) => h.s)).toEqual(['quieting', 'quieted', 'creating']);
    expect(devices.get('b')).toMatchObject({ step: 'failed', error: 'boom', rolledBack: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
  });
});

describe('adaptive concurrency', () => {
  const ok = (durationMs = 50) => ({ route: 'ns.get', method: 'GET' as const, status: 200, durationMs, attempt: 0 });
  it('doubles while healthy until the first trouble, halves on a 429, stays within its bounds', async () => {
    const l = new AdaptiveLimiter({ initial: 4, min: 1, max: 6 });
    for (let i = 0; i < 4; i++) l.onResponse(ok());
    expect(l.limit).toBe(6); // 4 × 2, capped at the maximum
    for (let i = 0; i < 100; i++) l.onResponse(ok());
    expect(l.limit).toBe(6);
    l.onResponse({ ...ok(), status: 429 });
    expect(l.limit).toBe(3);
    l.onResponse({ ...ok(), status: 429 }); // within a second: one decrease per burst
    expect(l.limit).toBe(3);
  });
  it('backs off when latency climbs far above its floor', () => {
    const l = new AdaptiveLimiter({ initial: 10, min: 1, max: 64 });
    l.onResponse(ok(10));
    for (let i = 0; i < 30; i++) l.onResponse(ok(500));
    expect(l.limit).toBeLessThan(10);
  });
  it('a fixed limit stays fixed, and acquire waits for a free slot', async () => {
    const l = new AdaptiveLimiter({ initial: 2, min: 1, max: 2, fixed: true });
    l.onResponse({ ...ok(), status: 429 });
    expect(l.limit).toBe(2);
    await l.acquire();
    await l.acquire();
    let third = false;
    const p = l.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    l.release();
    await p;
    expect(third).toBe(true);
  });
});

describe('after the first trouble', () => {
  it('grows one step at a time', () => {
    const l = new AdaptiveLimiter({ initial: 8, min: 1, max: 64 });
    l.onResponse({ route: 'x', method: 'GET', status: 429, durationMs: 5, attempt: 0 });
    expect(l.limit).toBe(4);
    for (let i = 0; i < 4; i++) l.onResponse({ route: 'x', method: 'GET', status: 200, durationMs: 5, attempt: 0 });
    expect(l.limit).toBe(5);
  });
});
