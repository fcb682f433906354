import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger, logUncaughtErrors, registerSecret } from '../../../src-main/logging';

const API_KEY = 'NNSXS.LOGTESTKEYID.LOGTESTSECRETLOGTESTSECRETLOGTESTSECRET';
const tempDir = () => mkdtempSync(join(tmpdir(), 'sm-log-'));

describe('log file', () => {
  it('writes main.log in the given folder, one line per entry, owner-only', () => {
    const dir = join(tempDir(), 'logs');
    const log = createLogger({ dir, now: () => new Date('2026-01-02T03:04:05Z') });
    log.info('started');
    log.warn('careful', { n: 1 });
    expect(log.path).toBe(join(dir, 'main.log'));
    expect(readFileSync(log.path, 'utf8')).toBe('2026-01-02T03:04:05.000Z INFO  started\n2026-01-02T03:04:05.000Z WARN  careful {"n":1}\n');
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
  });

  it('never writes an API key, a device key or a registered secret', () => {
    const dir = tempDir();
    const log = createLogger({ dir });
    registerSecret('registered-secret-value-42');
    log.error('auth failed', new Error(`key ${API_KEY} refused`));
    log.info('device', { root_keys: { app_key: { key: '0123456789ABCDEF0123456789ABCDEF' } } });
    log.info('header Authorization: Bearer eyJhbGciOi.payload.sig');
    log.warn('leak registered-secret-value-42 here');
    const text = readFileSync(join(dir, 'main.log'), 'utf8');
    expect(text).not.toContain('LOGTESTSECRET');
    expect(text).not.toContain('0123456789ABCDEF0123456789ABCDEF');
    expect(text).not.toContain('eyJhbGciOi');
    expect(text).not.toContain('registered-secret-value-42');
    expect(text).toContain('[redacted]');
  });

  it('logs errors with their stack, indented under the line', () => {
    const dir = tempDir();
    const log = createLogger({ dir });
    log.error('failed', new Error('boom'));
    const text = readFileSync(join(dir, 'main.log'), 'utf8');
    expect(text).toMatch(/ERROR failed Error: boom\n {4,}at /);
  });

  it('rotates by size and keeps three older files', () => {
    const dir = tempDir();
    const log = createLogger({ dir, maxBytes: 200, keep: 3 });
    for (let i = 0; i < 40; i++) log.info(`line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['main.log', 'main.log.1', 'main.log.2', 'main.log.3']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(200);
    // The newest lines are in main.log, the next older ones in .1, and so on.
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 039');
    const newestInOne = Number(/line (\d+)/.exec(readFileSync(join(dir, 'main.log.1'), 'utf8').trim().split('\n').pop()!)![1]);
    const firstInMain = Number(/line (\d+)/.exec(readFileSync(join(dir, 'main.log'), 'utf8'))![1]);
    expect(newestInOne + 1).toBe(firstInMain);
    expect(readFileSync(join(dir, 'main.log.3'), 'utf8')).not.toContain('line 000');
  });

  it('continues an existing log after a restart and rotates it when full', () => {
    const dir = tempDir();
    createLogger({ dir, maxBytes: 150 }).info('first session '.repeat(8));
    const log = createLogger({ dir, maxBytes: 150 });
    log.info('second session');
    expect(existsSync(join(dir, 'main.log.1'))).toBe(true);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('second session');
  });
});

describe('uncaught errors', () => {
  it('go to the log, redacted, and the hooks can be removed', () => {
    const dir = tempDir();
    const log = createLogger({ dir });
    const proc = new EventEmitter();
    const remove = logUncaughtErrors(log, proc as unknown as NodeJS.Process);
    proc.emit('uncaughtException', new Error(`crash with ${API_KEY}`));
    proc.emit('unhandledRejection', new Error('rejected'));
    const text = readFileSync(join(dir, 'main.log'), 'utf8');
    expect(text).toContain('uncaught exception Error: crash with NNSXS.[redacted]');
    expect(text).toContain('unhandled promise rejection Error: rejected');
    expect(text).not.toContain('LOGTESTSECRET');
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
