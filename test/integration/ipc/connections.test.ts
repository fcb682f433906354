// connections:* against a simulated deployment and the real keychain.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';

let dep: Deployment;
let h: Harness;
beforeAll(async () => {
  dep = await startDeployment({ app: 'conn-app' });
});
afterAll(async () => {
  await dep.sim.close();
});
afterEach(async () => {
  await h?.close();
});

describe('connections', () => {
  it('add: tests the key with auth_info, keeps the key in the keychain and the rest in connections.json', async () => {
    h = await startHarness();
    const apiKey = dep.key();
    const before = dep.sim.counters().auth_info ?? 0;
    const { connection } = await h.call('connections:add', { name: 'Simulated', preset: dep.preset, apiKey });
    expect(dep.sim.counters().auth_info).toBe(before + 1);
    expect(connection).toMatchObject({
      name: 'Simulated', preset: 'custom', isUrl: dep.sim.url, clusterUrl: dep.sim.url, hasCa: false,
      applicationId: 'conn-app', keyId: expect.any(String), missingForSource: [], missingForTarget: [],
    });
    expect(connection.rights).toContain('RIGHT_APPLICATION_DEVICES_READ_KEYS');
    expect(await h.keychainAccounts()).toEqual([connection.id]);
    expect(await h.keychainSecret(connection.id)).toBe(apiKey);
    const file = h.connectionsFile()!;
    expect(file).not.toContain(apiKey);
    expect(file).not.toContain(apiKey.split('.')[2]);
    expect(JSON.parse(file).connections[0]).toMatchObject({ id: connection.id, keyId: connection.keyId, applicationId: 'conn-app' });
    expect(statSync(join(h.userDataDir, 'connections.json')).mode & 0o777).toBe(0o600);
    expect((await h.call('connections:list', {})).connections).toEqual([connection]);
  });

  it('add with a key the server refuses: a server error, and nothing is stored', async () => {
    h = await startHarness();
    const result = await h.invoke('connections:add', { name: 'Bad', preset: dep.preset, apiKey: 'NNSXS.NOSUCHKEY.AAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(result).toMatchObject({ ok: false, error: { code: 'server', message: expect.stringMatching(/API key was not accepted/), details: { codeName: 'Unauthenticated' } } });
    expect(JSON.stringify(result)).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(h.connectionsFile()).toBeUndefined();
    expect(await h.keychainAccounts()).toEqual([]);
  });

  it('add with a server that is not there: a server error in words, nothing stored', async () => {
    h = await startHarness();
    const result = await h.invoke('connections:add', { name: 'Gone', preset: { kind: 'custom', isUrl: 'http://127.0.0.1:1', clusterUrl: 'http://127.0.0.1:1' }, apiKey: dep.key() });
    expect(result).toMatchObject({ ok: false, error: { code: 'server', message: expect.stringMatching(/connection refused/) } });
    expect(await h.keychainAccounts()).toEqual([]);
  });

  it('a key with few rights is stored, and says what it cannot do, per role', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'Read only', preset: dep.preset, apiKey: dep.key(['RIGHT_APPLICATION_DEVICES_READ']) });
    expect(connection.missingForSource.join(' ')).toMatch(/cannot read the devices’ root and session keys/);
    expect(connection.missingForTarget.join(' ')).toMatch(/cannot create the devices/);
  });

  it('test: ok with rights and problems, or not ok with the reason — and stores nothing', async () => {
    h = await startHarness();
    const good = await h.call('connections:test', { preset: dep.preset, apiKey: dep.key(['RIGHT_APPLICATION_DEVICES_READ']) });
    expect(good).toMatchObject({ ok: true, applicationId: 'conn-app', rights: expect.arrayContaining(['RIGHT_APPLICATION_DEVICES_READ']) });
    expect(good.problems.length).toBeGreaterThan(0);
    expect(good.applicationCreation).toMatch(/an application’s own key never can/);
    // A user's key says whether it can create a missing target application, and under whom.
    const creator = await h.call('connections:test', { preset: dep.preset, apiKey: dep.sim.createUserApiKey('alice', { rights: ['RIGHT_USER_APPLICATIONS_CREATE', 'RIGHT_APPLICATION_ALL'] }) });
    expect(creator.applicationCreation).toMatch(/this key of user "alice" can create a missing application \(under user "alice"\)/);
    const viewer = await h.call('connections:test', { preset: dep.preset, apiKey: dep.sim.createUserApiKey('bob', { rights: ['RIGHT_APPLICATION_ALL'] }) });
    expect(viewer.applicationCreation).toMatch(/cannot create applications \(it lacks RIGHT_USER_APPLICATIONS_CREATE\)/);
    const bad = await h.call('connections:test', { preset: dep.preset, apiKey: 'NNSXS.NOSUCHKEY.BBBBBBBBBBBBBBBBBBBBBBBB' });
    expect(bad).toEqual({ ok: false, rights: [], problems: [expect.stringMatching(/API key was not accepted/)] });
    expect(h.connectionsFile()).toBeUndefined();
    expect(await h.keychainAccounts()).toEqual([]);
  });

  it('update: a new name, a new key (tested first, replacing the keychain entry), an application', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'Before', preset: dep.preset, apiKey: dep.key() });
    const renamed = await h.call('connections:update', { id: connection.id, name: 'After', applicationId: 'other-app' });
    expect(renamed.connection).toMatchObject({ name: 'After', applicationId: 'other-app', rights: connection.rights });
    const newKey = dep.key(['RIGHT_APPLICATION_DEVICES_READ']);
    const rekeyed = await h.call('connections:update', { id: connection.id, apiKey: newKey });
    expect(rekeyed.connection.rights).not.toContain('RIGHT_APPLICATION_DEVICES_WRITE');
    expect(rekeyed.connection.keyId).not.toBe(connection.keyId);
    expect(await h.keychainSecret(connection.id)).toBe(newKey);
    // A key that does not work changes nothing.
    const file = h.connectionsFile();
    expect(await h.invoke('connections:update', { id: connection.id, apiKey: 'NNSXS.NOSUCHKEY.CCCCCCCCCCCCCCCCCCCCCCCC' })).toMatchObject({ ok: false, error: { code: 'server' } });
    expect(h.connectionsFile()).toBe(file);
    expect(await h.keychainSecret(connection.id)).toBe(newKey);
    expect(await h.invoke('connections:update', { id: 'no-such-id', name: 'x' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('remove: deletes the keychain entry and the metadata', async () => {
    h = await startHarness();
    const a = (await h.call('connections:add', { name: 'A', preset: dep.preset, apiKey: dep.key() })).connection;
    const b = (await h.call('connections:add', { name: 'B', preset: dep.preset, apiKey: dep.key() })).connection;
    expect(await h.keychainAccounts()).toEqual([a.id, b.id].sort());
    expect(await h.call('connections:remove', { id: a.id })).toEqual({});
    expect(await h.keychainAccounts()).toEqual([b.id]);
    expect((await h.call('connections:list', {})).connections.map((c) => c.id)).toEqual([b.id]);
    expect(await h.invoke('connections:remove', { id: a.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('connections survive a restart: metadata from the file, keys from the keychain', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'Kept', preset: dep.preset, apiKey: dep.key() });
    await h.close(true);
    h = await startHarness({ userDataDir: h.userDataDir, service: h.service });
    expect((await h.call('connections:list', {})).connections).toEqual([connection]);
    expect((await h.call('applications:list', { connectionId: connection.id })).applications).toEqual([{ id: 'conn-app', name: 'Application conn-app' }]);
  });

  it('a connection whose keychain entry is gone says so', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'Lost', preset: dep.preset, apiKey: dep.key() });
    const { keytarSecretStore } = await import('../../../src-main/credentials');
    await keytarSecretStore(h.service).delete(connection.id);
    expect(await h.invoke('applications:list', { connectionId: connection.id })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/not in the keychain any more/) } });
  });

  it('demo connections cannot be added through a preset', async () => {
    h = await startHarness();
    expect(await h.invoke('connections:add', { name: 'D', preset: { kind: 'demo' }, apiKey: dep.key() })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await h.keychainAccounts()).toEqual([]);
  });

  it('a damaged connections.json is reported, left alone, and no key is stored', async () => {
    h = await startHarness();
    writeFileSync(join(h.userDataDir, 'connections.json'), '{"version":1,"connections":[{"id":3}]}');
    expect(await h.invoke('connections:list', {})).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/connections\.json is damaged/) } });
    expect(await h.invoke('connections:add', { name: 'X', preset: dep.preset, apiKey: dep.key() })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(h.connectionsFile()).toBe('{"version":1,"connections":[{"id":3}]}');
    expect(await h.keychainAccounts()).toEqual([]);
  });
});
