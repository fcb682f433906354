// Rate pacing keyed the way The Things Stack keys its buckets: per method and entity.
import { describe, expect, it } from 'vitest';
import { RatePacers } from '../../../src-main/stack/rate-pacer.js';

const empty = { limit: 2, available: 0, resetSeconds: 59, retrySeconds: 29 };

describe('rate pacers', () => {
  it('an empty bucket of one device does not hold back another device or another method', async () => {
    const pacers = new RatePacers();
    const d1 = 'http://h/api/v3/applications/a/devices/d1?field_mask=name';
    pacers.observe('GET', d1, empty);
    const started = performance.now();
    await pacers.take('GET', 'http://h/api/v3/applications/a/devices/d2?field_mask=name');
    await pacers.take('PUT', 'http://h/api/v3/applications/a/devices/d1');
    expect(performance.now() - started).toBeLessThan(50);
    // The same resource (whatever its query) waits for its bucket.
    const ac = new AbortController();
    const wait = pacers.take('GET', 'http://h/api/v3/applications/a/devices/d1?field_mask=ids', ac.signal);
    const raced = await Promise.race([wait.then(() => 'went'), new Promise((r) => setTimeout(() => r('waited'), 100))]);
    expect(raced).toBe('waited');
    ac.abort();
    await wait.catch(() => undefined);
  });

  it('an answer without headers drops only its own resource\'s pacing', async () => {
    const pacers = new RatePacers();
    pacers.observe('GET', 'http://h/x/1', empty);
    pacers.observe('GET', 'http://h/x/2', empty);
    pacers.observe('GET', 'http://h/x/1', undefined);
    expect(pacers.size).toBe(1);
    const started = performance.now();
    await pacers.take('GET', 'http://h/x/1');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('keeps only the most recent resources', () => {
    const pacers = new RatePacers(3);
    for (let i = 0; i < 10; i++) pacers.observe('GET', `http://h/x/${i}`, { limit: 10, available: 5, resetSeconds: 1, retrySeconds: 0 });
    expect(pacers.size).toBe(3);
  });
});
