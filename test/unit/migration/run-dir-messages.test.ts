// What `resume`/`retire` say about a run folder they cannot use: the file by name, and why.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Tests run as root, where chmod cannot make a file unreadable: the permission error is staged.
const denied = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    readFile: ((...args: Parameters<typeof fs.readFile>) => {
      if (denied.code) return Promise.reject(Object.assign(new Error(`${denied.code}: permission denied, open '${String(args[0])}'`), { code: denied.code }));
      return fs.readFile(...args);
    }) as typeof fs.readFile,
  };
});

const { readManifest } = await import('../../../src-main/migration/run-dir.js');

const folder = (runJson?: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'sm-rundir-'));
  if (runJson !== undefined) writeFileSync(join(dir, 'run.json'), runJson);
  return dir;
};
const messageOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => (e instanceof Error ? e.message : String(e)));

const MANIFEST = {
  version: 1, runId: 'r1', createdAt: '2026-01-01T00:00:00.000Z',
  source: { kind: 'stack', isUrl: 'https://a.example.com', clusterUrl: 'https://a.example.com', appId: 'app-a' },
  target: { isUrl: 'https://b.example.com', clusterUrl: 'https://b.example.com', appId: 'app-b' },
  options: { otaaSourceAction: 'rotate-keys', idMapping: { kind: 'same' }, generateKeysForExternalJoinServer: false },
  deviceIds: ['d1'], blocked: [],
};

afterEach(() => {
  denied.code = undefined;
});

describe('readManifest', () => {
  it('reads a whole run.json', async () => {
    const dir = folder(JSON.stringify(MANIFEST));
    await expect(readManifest(dir)).resolves.toMatchObject({ runId: 'r1', deviceIds: ['d1'] });
  });

  it('an empty run.json: names the file and says it is empty', async () => {
    const dir = folder('');
    const message = await messageOf(readManifest(dir));
    expect(message).toContain(join(dir, 'run.json'));
    expect(message).toMatch(/is empty/);
  });

  it('a torn run.json: names the file and says it is cut short, not a JSON parser message alone', async () => {
    const dir = folder(JSON.stringify(MANIFEST).slice(0, 80));
    const message = await messageOf(readManifest(dir));
    expect(message).toContain(join(dir, 'run.json'));
    expect(message).toMatch(/not complete JSON|cut short/);
  });

  it('a run folder of another version says so', async () => {
    const dir = folder(JSON.stringify({ ...MANIFEST, version: 2 }));
    const message = await messageOf(readManifest(dir));
    expect(message).toContain(join(dir, 'run.json'));
    expect(message).toMatch(/another version of Stack Migrator/);
    expect(message).toMatch(/version 2/);
  });

  it('no run.json: not a run folder', async () => {
    const dir = folder();
    expect(await messageOf(readManifest(dir))).toMatch(/is not a run folder \(no run\.json\)/);
  });

  it.each(['EACCES', 'EPERM'])('a permission error (%s) says permission, not "not a run folder"', async (code) => {
    const dir = folder(JSON.stringify(MANIFEST));
    denied.code = code;
    const message = await messageOf(readManifest(dir));
    expect(message).toMatch(/permission/i);
    expect(message).toContain(join(dir, 'run.json'));
    expect(message).not.toMatch(/not a run folder/);
  });
});
