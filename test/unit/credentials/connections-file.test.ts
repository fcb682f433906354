import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionsFile, ConnectionsFileError, type StoredConnection, writeFileAtomic } from '../../../src-main/credentials';

const dataDir = () => mkdtempSync(join(tmpdir(), 'sm-conn-'));
const connection = (id: string): StoredConnection => ({
  id, name: `Connection ${id}`, preset: { kind: 'ttn', region: 'eu1' }, isUrl: 'https://eu1.cloud.thethings.network',
  clusterUrl: 'https://eu1.cloud.thethings.network', applicationId: 'app-1', keyId: 'KEYID', rights: ['RIGHT_APPLICATION_ALL'], createdAt: '2026-01-01T00:00:00.000Z',
});

describe('connections.json', () => {
  it('is empty when there is no file yet', async () => {
    expect(await new ConnectionsFile(dataDir()).list()).toEqual([]);
  });

  it('round-trips connections, written with mode 0600 and no temp file left', async () => {
    const dir = dataDir();
    const file = new ConnectionsFile(dir);
    await file.update((list) => ({ connections: [...list, connection('a')], result: undefined }));
    await file.update((list) => ({ connections: [...list, connection('b')], result: undefined }));
    expect((await file.list()).map((c) => c.id)).toEqual(['a', 'b']);
    expect(await file.get('b')).toEqual(connection('b'));
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['connections.json']);
  });

  it('serializes concurrent changes: none is lost', async () => {
    const file = new ConnectionsFile(dataDir());
    await Promise.all(Array.from({ length: 20 }, (_, i) => file.update((list) => ({ connections: [...list, connection(`c${i}`)], result: undefined }))));
    expect((await file.list()).length).toBe(20);
  });

  it('refuses to write a connection that does not match the schema, leaving the file as it was', async () => {
    const file = new ConnectionsFile(dataDir());
    await file.update(() => ({ connections: [connection('a')], result: undefined }));
    const before = readFileSync(file.path, 'utf8');
    const bad = { ...connection('b'), rights: 'all' } as unknown as StoredConnection;
    await expect(file.update((list) => ({ connections: [...list, bad], result: undefined }))).rejects.toThrow();
    expect(readFileSync(file.path, 'utf8')).toBe(before);
  });

  it('never stores a key field: unknown fields are dropped by the schema', async () => {
    const file = new ConnectionsFile(dataDir());
    const withKey = { ...connection('a'), apiKey: 'NNSXS.SHOULD.NOT.BE.STORED' } as StoredConnection;
    await file.update(() => ({ connections: [withKey], result: undefined }));
    expect(readFileSync(file.path, 'utf8')).not.toContain('NNSXS');
  });

  it.each([
    ['not JSON', '{ nope'],
    ['the wrong shape', JSON.stringify({ version: 1, connections: [{ id: 1 }] })],
    ['another version', JSON.stringify({ version: 2, connections: [] })],
  ])('reports a damaged file (%s) in words, naming the file', async (_what, text) => {
    const dir = dataDir();
    writeFileSync(join(dir, 'connections.json'), text);
    const file = new ConnectionsFile(dir);
    await expect(file.list()).rejects.toThrow(ConnectionsFileError);
    await expect(file.list()).rejects.toThrow(/connections\.json is damaged/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and sets the mode on the new file', async () => {
    const dir = dataDir();
    const path = join(dir, 'x.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('creates missing folders', async () => {
    const path = join(dataDir(), 'a', 'b', 'c.json');
    await writeFileAtomic(path, '{}');
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });
});
