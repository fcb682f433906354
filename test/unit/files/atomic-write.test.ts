// Files a crash must never leave half-written: temp file, fsync, rename, then the folder
// fsynced so that the rename itself survives a power cut.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    open: (async (path: string, flags?: string, mode?: number) => {
      const handle = await fs.open(path, flags, mode);
      const label = `${String(flags)} ${String(path)}`;
      calls.push(`open ${label}`);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.push(`sync ${label}`);
        return sync();
      };
      return handle;
    }) as typeof fs.open,
    rename: (async (from: string, to: string) => {
      calls.push(`rename ${to}`);
      return fs.rename(from, to);
    }) as typeof fs.rename,
  };
});

const { writeFileAtomic } = await import('../../../src-main/files/atomic-write.js');

describe('writeFileAtomic', () => {
  it('writes the whole file (mode 0600 by default), leaves no temp file, and fsyncs the folder after the rename', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-atomic-'));
    const file = join(dir, 'report.json');
    calls.length = 0;
    await writeFileAtomic(file, '{"a":1}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['report.json']);
    const renamed = calls.indexOf(`rename ${file}`);
    expect(renamed).toBeGreaterThan(0);
    expect(calls.slice(0, renamed).some((c) => c.startsWith('sync wx '))).toBe(true); // the temp file's content
    expect(calls.slice(renamed)).toContain(`sync r ${dirname(file)}`); // the folder, after the rename
  });

  it('replaces an existing file, and its mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-atomic-'));
    const file = join(dir, 'plan.json');
    await writeFileAtomic(file, 'old', 0o644);
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
