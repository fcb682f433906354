// Application API keys and collaborators (ApplicationAccess), over HTTP.
import { describe, expect, it } from 'vitest';
import { call, errorName, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const DOWN = ['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE'];

describe('application API keys', () => {
  it('creates a key shown once with its secret; lists and gets never carry the secret', async () => {
    const { s, key } = await start();
    const created = await call(s, key, 'POST', '/applications/app/api-keys', { name: 'webhook downlinks', rights: DOWN });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'webhook downlinks', rights: DOWN, id: expect.any(String) });
    expect(created.body.key).toMatch(new RegExp(`^NNSXS\\.${created.body.id}\\.[A-Z2-7]{52}$`));
    // The new key works, with exactly its rights.
    const info = await call(s, created.body.key, 'GET', '/auth_info');
    expect(info.body.api_key.api_key.rights).toEqual(DOWN);
    const list = await call(s, key, 'GET', '/applications/app/api-keys?order=name');
    expect(list.headers.get('x-total-count')).toBe('2');
    expect(list.body.api_keys.map((k: { name?: string }) => k.name)).toEqual([undefined, 'webhook downlinks']);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key.split('.')[2]);
    const one = await call(s, key, 'GET', `/applications/app/api-keys/${created.body.id}`);
    expect(one.body).not.toHaveProperty('key');
    expect(one.body.rights).toEqual(DOWN);
  });

  it('needs SETTINGS_API_KEYS and every granted right (no escalation)', async () => {
    const { s } = await start();
    const manager = s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_API_KEYS', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    expect((await call(s, manager, 'POST', '/applications/app/api-keys', { rights: DOWN })).status).toBe(200);
    const more = await call(s, manager, 'POST', '/applications/app/api-keys', { rights: ['RIGHT_APPLICATION_DEVICES_WRITE'] });
    expect(more.body.details[0]).toMatchObject({ name: 'insufficient_application_rights', attributes: { missing: ['RIGHT_APPLICATION_DEVICES_WRITE'] } });
    const user = await call(s, manager, 'POST', '/applications/app/api-keys', { rights: ['RIGHT_USER_ALL'] });
    expect(user.body.details[0].attributes.missing).toEqual(['RIGHT_USER_ALL']);
    const noManage = s.createApiKey('app', DOWN);
    expect((await call(s, noManage, 'GET', '/applications/app/api-keys')).body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_API_KEYS']);
    expect(errorName(await call(s, manager, 'GET', '/applications/other/api-keys'))).toBe('no_application_rights');
  });

  it('validates rights (at least one, unique, known), name length and a future expiry', async () => {
    const { s, key } = await start();
    const cases: [unknown, string, string][] = [
      [{ rights: [] }, 'rights', 'value must contain at least 1 item(s)'],
      [{ rights: [...DOWN, ...DOWN] }, 'rights[1]', 'repeated value must contain unique items'],
      [{ rights: [999] }, 'rights[0]', 'value must be one of the defined enum values'],
      [{ name: 'n'.repeat(51), rights: DOWN }, 'name', 'value length must be at most 50 runes'],
      [{ rights: DOWN, expires_at: '2001-01-01T00:00:00Z' }, 'expires_at', 'value must be greater than now'],
    ];
    for (const [body, field, reason] of cases) {
      const res = await call(s, key, 'POST', '/applications/app/api-keys', body);
      expect(res.status, field).toBe(400);
      expect(res.body.details[0].attributes, field).toMatchObject({ field, reason, name: 'CreateApplicationAPIKeyRequestValidationError' });
    }
    expect((await call(s, key, 'POST', '/applications/app/api-keys', { rights: ['RIGHT_NOPE'] })).body.details).toEqual([]);
  });

  it('updates name and rights (empty mask: both), deletes with empty rights or DELETE; api_key_not_found after', async () => {
    const { s, key } = await start();
    const created = await call(s, key, 'POST', '/applications/app/api-keys', { name: 'a', rights: DOWN });
    const id = created.body.id;
    const renamed = await call(s, key, 'PUT', `/applications/app/api-keys/${id}`, { api_key: { name: 'b', rights: [...DOWN, 'RIGHT_APPLICATION_INFO'] } });
    expect(renamed.body).toMatchObject({ id, name: 'b', rights: [...DOWN, 'RIGHT_APPLICATION_INFO'] });
    const expiry = new Date(Date.now() + 3_600_000).toISOString();
    const exp = await call(s, key, 'PUT', `/applications/app/api-keys/${id}`, { api_key: { expires_at: expiry }, field_mask: { paths: ['expires_at'] } });
    expect(exp.body).toMatchObject({ name: 'b', expires_at: expiry });
    const removed = await call(s, key, 'PUT', `/applications/app/api-keys/${id}`, { api_key: { rights: [] }, field_mask: { paths: ['rights'] } });
    expect(removed.body).toEqual({});
    const gone = await call(s, key, 'GET', `/applications/app/api-keys/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.details[0]).toMatchObject({ namespace: 'pkg/identityserver/store', name: 'api_key_not_found', attributes: { api_key_id: id, entity_id: 'app' } });
    expect(errorName(await call(s, created.body.key, 'GET', '/auth_info'))).toBe('api_key_not_found');
    const other = await call(s, key, 'POST', '/applications/app/api-keys', { rights: DOWN });
    expect((await call(s, key, 'DELETE', `/applications/app/api-keys/${other.body.id}`)).status).toBe(200);
    expect(errorName(await call(s, key, 'DELETE', `/applications/app/api-keys/${other.body.id}`))).toBe('api_key_not_found');
  });

  it('refuses an expired key with api_key_expired', async () => {
    const { s, key } = await start();
    const created = await call(s, key, 'POST', '/applications/app/api-keys', { rights: DOWN, expires_at: new Date(Date.now() + 150).toISOString() });
    expect((await call(s, created.body.key, 'GET', '/auth_info')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await call(s, created.body.key, 'GET', '/auth_info');
    expect(res.status).toBe(401);
    expect(errorName(res)).toBe('api_key_expired');
  });
});

describe('collaborators', () => {
  it('lists collaborators with rights to SETTINGS_COLLABORATORS holders, ids only to others', async () => {
    const { s, key } = await start();
    const alice = s.createUserApiKey('alice', { rights: ['RIGHT_USER_APPLICATIONS_CREATE', 'RIGHT_APPLICATION_ALL'] });
    await call(s, alice, 'POST', '/users/alice/applications', { application: { ids: { application_id: 'target-app' } } });
    const full = await call(s, alice, 'GET', '/applications/target-app/collaborators');
    expect(full.body.collaborators).toEqual([{ ids: { user_ids: { user_id: 'alice' } }, rights: ['RIGHT_ALL'] }]);
    const outsider = await call(s, key, 'GET', '/applications/target-app/collaborators');
    expect(outsider.body.collaborators).toEqual([{ ids: { user_ids: { user_id: 'alice' } } }]);
    expect((await call(s, undefined, 'GET', '/applications/target-app/collaborators')).status).toBe(401);
    expect(errorName(await call(s, key, 'GET', '/applications/nowhere/collaborators'))).toBe('application_not_found');
  });
});
