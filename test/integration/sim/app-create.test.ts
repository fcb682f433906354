// Application create (user, organization), update, lists by collaborator, and
// the answers for a missing application, over HTTP.
import { describe, expect, it } from 'vitest';
import { call, errorName, openStream, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const CREATOR = ['RIGHT_USER_APPLICATIONS_CREATE', 'RIGHT_USER_APPLICATIONS_LIST', 'RIGHT_APPLICATION_ALL'];
const body = (id: string, extra: Record<string, unknown> = {}) => ({
  application: { ids: { application_id: id }, name: 'Target', description: 'moved', attributes: { site: 'north' }, ...extra },
});

describe('create under a user', () => {
  it('creates with name, description, attributes; contacts default to the creator, who gets RIGHT_ALL', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: CREATOR });
    const res = await call(s, alice, 'POST', '/users/alice/applications', body('target-app'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ids: { application_id: 'target-app' },
      name: 'Target',
      description: 'moved',
      attributes: { site: 'north' },
      administrative_contact: { user_ids: { user_id: 'alice' } },
      technical_contact: { user_ids: { user_id: 'alice' } },
    });
    expect(res.body.created_at).toEqual(expect.any(String));
    expect(s.inspectApplication('target-app')?.collaborators).toEqual({ users: { alice: ['RIGHT_ALL'] }, organizations: {} });
    // The creator's key (with application rights) can use the new application at once.
    expect((await call(s, alice, 'GET', '/applications/target-app?field_mask=name')).body.name).toBe('Target');
    const rights = await call(s, alice, 'GET', '/applications/target-app/rights');
    expect(rights.body.rights).toContain('RIGHT_APPLICATION_SETTINGS_PACKAGES');
    expect((await call(s, alice, 'GET', '/as/webhooks/target-app')).status).toBe(200);
  });

  it('a key with only the create right creates an application it cannot then use', async () => {
    const { s } = await start();
    const narrow = s.createUserApiKey('bob', { rights: ['RIGHT_USER_APPLICATIONS_CREATE'] });
    expect((await call(s, narrow, 'POST', '/users/bob/applications', body('bobs-app'))).status).toBe(200);
    const use = await call(s, narrow, 'GET', '/as/webhooks/bobs-app');
    expect(use.status).toBe(403);
    expect(errorName(use)).toBe('no_application_rights');
  });

  it('refuses an application key, another user, and a key without the create right', async () => {
    const { s, key } = await start();
    const app = await call(s, key, 'POST', '/users/alice/applications', body('target-app'));
    expect(app.status).toBe(403);
    expect(app.body.details[0]).toMatchObject({ namespace: 'pkg/auth/rights', name: 'no_user_rights', attributes: { uid: 'alice' } });
    const bob = s.createUserApiKey('bob', { rights: CREATOR });
    expect(errorName(await call(s, bob, 'POST', '/users/alice/applications', body('target-app')))).toBe('no_user_rights');
    const lister = s.createUserApiKey('carol', { rights: ['RIGHT_USER_APPLICATIONS_LIST'] });
    const res = await call(s, lister, 'POST', '/users/carol/applications', body('target-app'));
    expect(res.body.details[0]).toMatchObject({ name: 'insufficient_user_rights', attributes: { missing: ['RIGHT_USER_APPLICATIONS_CREATE'] } });
    expect(s.inspectApplication('target-app')).toBeUndefined();
  });

  it('validates the id, name, description and attributes, blocks reserved ids, and answers id_taken', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: CREATOR });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ids: { application_id: 'Bad_Id' } }, 'ids', 'application_id'],
      [{ ids: { application_id: 'x'.repeat(37) } }, 'ids', 'application_id'],
      [{ ids: { application_id: 'ok-app' }, name: 'n'.repeat(51) }, 'name', ''],
      [{ ids: { application_id: 'ok-app' }, description: 'd'.repeat(2001) }, 'description', ''],
      [{ ids: { application_id: 'ok-app' }, attributes: { Bad: 'x' } }, 'attributes[Bad]', ''],
      [{ ids: { application_id: 'ok-app' }, attributes: { key: 'v'.repeat(201) } }, 'attributes[key]', ''],
    ];
    for (const [application, field, inner] of cases) {
      const res = await call(s, alice, 'POST', '/users/alice/applications', { application });
      expect(res.status, field).toBe(400);
      expect(res.body.details[0].attributes).toMatchObject({ field: 'application', name: 'CreateApplicationRequestValidationError' });
      expect(res.body.details[0].cause.attributes.field, field).toBe(field);
      if (inner) expect(res.body.details[0].cause.cause.attributes.field).toBe(inner);
    }
    const reserved = await call(s, alice, 'POST', '/users/alice/applications', body('admin'));
    expect(reserved.body.details[0]).toMatchObject({ namespace: 'pkg/identityserver/blocklist', name: 'forbidden_id', attributes: { id: 'admin' } });
    const taken = await call(s, alice, 'POST', '/users/alice/applications', body('app-1'));
    expect(taken.status).toBe(200);
    const again = await call(s, alice, 'POST', '/users/alice/applications', body('app-1'));
    expect(again.status).toBe(409);
    expect(again.body.details[0]).toMatchObject({ namespace: 'pkg/util/store', name: 'id_taken' });
    // An application seeded by the simulator holds its id too ('app' itself is a reserved id).
    s.addApplication('seeded-app');
    expect(errorName(await call(s, alice, 'POST', '/users/alice/applications', body('seeded-app')))).toBe('id_taken');
    expect(errorName(await call(s, alice, 'POST', '/users/alice/applications', body('app')))).toBe('forbidden_id');
  });

  it('refuses contacts other than the creator (contact_no_collaborator)', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: CREATOR });
    const res = await call(s, alice, 'POST', '/users/alice/applications', body('target-app', { technical_contact: { user_ids: { user_id: 'someone-else' } } }));
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ name: 'contact_no_collaborator', attributes: { contact: 'someone-else' } });
  });

  it('answers the Cloud plan limit tenant_entity_limit (code 9) past maxApplications', async () => {
    const { s } = await start({ maxApplications: 2 });
    const alice = s.createUserApiKey('alice', { rights: CREATOR });
    expect((await call(s, alice, 'POST', '/users/alice/applications', body('second'))).status).toBe(200);
    const res = await call(s, alice, 'POST', '/users/alice/applications', body('third'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(9);
    expect(res.body.message).toBe('error:pkg/identityserver:tenant_entity_limit (limit for application entities in tenant reached, upgrade at )');
    expect(res.body.details[0].attributes).toEqual({ entity_type: 'application', limit: 2, subscription_upgrade_url: '' });
  });

  it('publishes application.create on the IS stream', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: CREATOR });
    await call(s, alice, 'POST', '/users/alice/applications', body('target-app'));
    const stream = await openStream(s.url, alice, { identifiers: [{ application_ids: { application_id: 'target-app' } }], names: ['application.create', 'application.update'], tail: 5 });
    try {
      const evt = await stream.next('application.create');
      expect(evt.identifiers).toEqual([{ application_ids: { application_id: 'target-app' } }]);
      expect(evt.visibility.rights).toEqual(['RIGHT_APPLICATION_INFO']);
      await call(s, alice, 'PUT', '/applications/target-app', { application: { name: 'Renamed' }, field_mask: { paths: ['name'] } });
      expect((await stream.next('application.update')).data.value).toEqual(['name']);
    } finally {
      stream.close();
    }
  });
});

describe('create under an organization', () => {
  it('an organization key with ORGANIZATION_APPLICATIONS_CREATE creates; the organization becomes collaborator', async () => {
    const { s } = await start();
    s.addOrganization('acme', { members: { alice: ['RIGHT_ALL'], bob: ['RIGHT_ORGANIZATION_INFO'] } });
    const org = s.createOrganizationApiKey('acme', ['RIGHT_ORGANIZATION_APPLICATIONS_CREATE', 'RIGHT_ORGANIZATION_APPLICATIONS_LIST', 'RIGHT_APPLICATION_ALL']);
    const res = await call(s, org, 'POST', '/organizations/acme/applications', body('acme-app'));
    expect(res.status).toBe(200);
    expect(res.body.administrative_contact).toEqual({ organization_ids: { organization_id: 'acme' } });
    expect(s.inspectApplication('acme-app')?.collaborators).toEqual({ users: {}, organizations: { acme: ['RIGHT_ALL'] } });
    expect((await call(s, org, 'GET', '/auth_info')).body.api_key.entity_ids).toEqual({ organization_ids: { organization_id: 'acme' } });
    expect((await call(s, org, 'GET', '/as/pubsub/acme-app')).status).toBe(200);
    // Members reach it through the organization: the intersection of their member rights and
    // the organization's (alice: all; bob: organization rights only, so none on the application).
    const alice = s.createUserApiKey('alice', { rights: ['RIGHT_ALL'] });
    expect((await call(s, alice, 'GET', '/applications/acme-app/rights')).body.rights).toContain('RIGHT_APPLICATION_SETTINGS_BASIC');
    const bob = s.createUserApiKey('bob', { rights: ['RIGHT_ALL'] });
    expect((await call(s, bob, 'GET', '/applications/acme-app/rights')).body).toEqual({});
    // Lists: the organization's own, and alice's (indirect) memberships.
    expect((await call(s, org, 'GET', '/organizations/acme/applications')).body.applications.map((a: { ids: { application_id: string } }) => a.ids.application_id)).toEqual(['acme-app']);
    expect((await call(s, org, 'GET', '/applications')).body.applications).toHaveLength(1);
    expect((await call(s, alice, 'GET', '/applications?field_mask=name')).body.applications).toEqual([
      expect.objectContaining({ ids: { application_id: 'acme-app' }, name: 'Target' }),
    ]);
    expect((await call(s, alice, 'GET', '/users/alice/applications')).body).toEqual({});
  });

  it('a member user key creates with the member rights; others and application keys cannot', async () => {
    const { s, key } = await start();
    s.addOrganization('acme', { members: { alice: ['RIGHT_ORGANIZATION_APPLICATIONS_CREATE'], bob: ['RIGHT_ORGANIZATION_INFO'] } });
    const alice = s.createUserApiKey('alice', { rights: ['RIGHT_ORGANIZATION_ALL'] });
    expect((await call(s, alice, 'POST', '/organizations/acme/applications', body('by-alice'))).status).toBe(200);
    const bob = s.createUserApiKey('bob', { rights: ['RIGHT_ORGANIZATION_ALL'] });
    const res = await call(s, bob, 'POST', '/organizations/acme/applications', body('by-bob'));
    expect(res.body.details[0]).toMatchObject({ name: 'insufficient_organization_rights', attributes: { missing: ['RIGHT_ORGANIZATION_APPLICATIONS_CREATE'] } });
    const byApp = await call(s, key, 'POST', '/organizations/acme/applications', body('by-app'));
    expect(byApp.body.details[0]).toMatchObject({ name: 'no_organization_rights', attributes: { uid: 'acme' } });
    expect(errorName(await call(s, alice, 'POST', '/organizations/nowhere/applications', body('x-app')))).toBe('no_organization_rights');
  });
});

describe('update and the missing application', () => {
  it('updates name, description and attributes with SETTINGS_BASIC; an empty mask changes nothing', async () => {
    const { s, key } = await start();
    const upd = await call(s, key, 'PUT', '/applications/app', {
      application: { name: 'New name', description: 'd', attributes: { a1b: 'x' } },
      field_mask: { paths: ['name', 'description', 'attributes'] },
    });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ ids: { application_id: 'app' }, name: 'New name', description: 'd', attributes: { a1b: 'x' } });
    const none = await call(s, key, 'PUT', '/applications/app', { application: { name: 'Ignored' } });
    expect(none.status).toBe(200);
    expect((await call(s, key, 'GET', '/applications/app?field_mask=name')).body.name).toBe('New name');
    const info = s.createApiKey('app', ['RIGHT_APPLICATION_INFO']);
    const denied = await call(s, info, 'PUT', '/applications/app', { application: { name: 'x' }, field_mask: { paths: ['name'] } });
    expect(denied.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_BASIC']);
    const bad = await call(s, key, 'PUT', '/applications/app', { application: { name: 'n'.repeat(51) }, field_mask: { paths: ['name'] } });
    expect(bad.body.details[0].cause.attributes).toMatchObject({ field: 'name', reason: 'value length must be at most 50 runes' });
    expect(errorName(await call(s, key, 'PUT', '/applications/app', { application: {}, field_mask: { paths: ['dev_eui_counter'] } }))).toBe('field_mask_paths');
  });

  it('GET of a missing application: 403 no_application_rights, or 404 when the mask has public fields only', async () => {
    const { s, key } = await start();
    const user = s.createUserApiKey('alice', { rights: CREATOR });
    for (const k of [key, user]) {
      expect(errorName(await call(s, k, 'GET', '/applications/nowhere?field_mask=name'))).toBe('no_application_rights');
      const pub = await call(s, k, 'GET', '/applications/nowhere?field_mask=ids,administrative_contact.ids');
      expect(pub.status).toBe(404);
      expect(pub.body.details[0]).toMatchObject({ namespace: 'pkg/identityserver/store', name: 'application_not_found' });
      expect((await call(s, k, 'GET', '/applications/nowhere')).status).toBe(404);
    }
    const admin = s.createUserApiKey('root', { rights: ['RIGHT_ALL'], admin: true });
    expect(errorName(await call(s, admin, 'GET', '/applications/nowhere?field_mask=name'))).toBe('application_not_found');
    // An application the caller has no INFO on: public fields only.
    const pub = await call(s, user, 'GET', '/applications/app?field_mask=administrative_contact');
    expect(pub.status).toBe(200);
    expect(pub.body).toEqual({ ids: { application_id: 'app' }, created_at: expect.any(String), updated_at: expect.any(String) });
  });
});
