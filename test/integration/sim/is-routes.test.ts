import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, call, errorName } from './helpers.js';

let sim: Simulator;
let key: string;
let otherKey: string;

beforeAll(async () => {
  sim = await startSimulator();
  sim.addApplication('app1', { name: 'App one', description: 'first' });
  sim.addApplication('app2');
  key = sim.createApiKey('app1', ALL);
  otherKey = sim.createApiKey('app2', ALL);
});
afterAll(() => sim.close());

describe('auth_info and applications', () => {
  it('describes an API key with its implied rights', async () => {
    const res = await call(sim, key, 'GET', '/auth_info');
    expect(res.status).toBe(200);
    expect(res.body.api_key.entity_ids).toEqual({ application_ids: { application_id: 'app1' } });
    expect(res.body.api_key.api_key.rights).toContain('RIGHT_APPLICATION_DEVICES_READ_KEYS');
    expect(res.body.api_key.api_key.rights).toContain('RIGHT_APPLICATION_ALL');
    expect(res.body.api_key.api_key.id).toBe(key.split('.')[1]);
  });

  it('answers an unauthenticated auth_info with an empty object, like the IS', async () => {
    const res = await call(sim, undefined, 'GET', '/auth_info');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('rejects unknown keys (401), wrong secrets (401) and malformed tokens (400)', async () => {
    const [prefix, id] = key.split('.');
    expect((await call(sim, `${prefix}.UNKNOWNID.SECRET`, 'GET', '/auth_info')).status).toBe(401);
    const wrong = await call(sim, `${prefix}.${id}.AAAA`, 'GET', '/applications/app1/devices');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe(16);
    expect(errorName(wrong)).toBe('invalid_authorization');
    const malformed = await call(sim, 'not-a-token', 'GET', '/auth_info');
    expect(malformed.status).toBe(400);
  });

  it('keys look like real API keys, generated at run time', () => {
    expect(key).toMatch(/^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
    expect(sim.createApiKey('app1', ALL)).not.toBe(key);
  });

  it('gets an application with a field mask and the cluster addresses', async () => {
    const res = await call(sim, key, 'GET', '/applications/app1?field_mask=name,description,network_server_address');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ids: { application_id: 'app1' }, name: 'App one', description: 'first', network_server_address: sim.clusterHost });
  });

  it('rejects unknown application field-mask paths', async () => {
    const res = await call(sim, key, 'GET', '/applications/app1?field_mask=name,frequency_plan_id');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/rpcmiddleware/validator', name: 'field_mask_paths' });
    expect(res.body.details[0].attributes.forbidden_paths).toEqual(['frequency_plan_id']);
  });

  it('needs INFO for an application, and a key of another application gets 403', async () => {
    const noInfo = sim.createApiKey('app1', ['RIGHT_APPLICATION_DEVICES_READ']);
    const res = await call(sim, noInfo, 'GET', '/applications/app1?field_mask=name');
    expect(res.status).toBe(403);
    expect(errorName(res)).toBe('insufficient_application_rights');
    const cross = await call(sim, otherKey, 'GET', '/applications/app1?field_mask=name');
    expect(cross.status).toBe(403);
    expect(errorName(cross)).toBe('no_application_rights');
    const missing = await call(sim, key, 'GET', '/applications/nope-app?field_mask=ids');
    expect(missing.status).toBe(404);
    expect(errorName(missing)).toBe('application_not_found');
  });

  it('lists no applications for an application API key, like the real IS', async () => {
    const res = await call(sim, key, 'GET', '/applications?field_mask=name');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });
});

describe('IS end-device registry', () => {
  const base = { ids: { device_id: 'dev-a', dev_eui: '70b3d57ed0000a01', join_eui: '70B3D57ED0000000' } };

  it('creates, gets, updates and deletes a device', async () => {
    const created = await call(sim, key, 'POST', '/applications/app1/devices', {
      end_device: { ...base, name: 'A', attributes: { site: 'north' }, network_server_address: sim.clusterHost },
    });
    expect(created.status).toBe(200);
    expect(created.body.ids).toEqual({ device_id: 'dev-a', application_ids: { application_id: 'app1' }, dev_eui: '70B3D57ED0000A01', join_eui: '70B3D57ED0000000' });
    expect(Date.parse(created.body.created_at)).not.toBeNaN();

    const got = await call(sim, key, 'GET', '/applications/app1/devices/dev-a?field_mask=name,attributes,description');
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('A');
    expect(got.body.attributes).toEqual({ site: 'north' });
    expect(got.body).not.toHaveProperty('description');
    expect(got.body).not.toHaveProperty('network_server_address');

    const updated = await call(sim, key, 'PUT', '/applications/app1/devices/dev-a', {
      end_device: { ids: { device_id: 'dev-a' }, name: 'A2', description: 'changed' },
      field_mask: { paths: ['name', 'description'] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'A2', description: 'changed' });
    expect(sim.inspect('app1', 'dev-a')?.is.attributes).toEqual({ site: 'north' });

    const del = await call(sim, key, 'DELETE', '/applications/app1/devices/dev-a');
    expect(del.status).toBe(200);
    expect((await call(sim, key, 'GET', '/applications/app1/devices/dev-a')).status).toBe(404);
    expect((await call(sim, key, 'DELETE', '/applications/app1/devices/dev-a')).status).toBe(404);
  });

  it('updates every updatable field when the mask is empty', async () => {
    await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'dev-all' }, name: 'n', description: 'd' } });
    const res = await call(sim, key, 'PUT', '/applications/app1/devices/dev-all', { end_device: { name: 'only' } });
    expect(res.status).toBe(200);
    const is = sim.inspect('app1', 'dev-all')?.is;
    expect(is.name).toBe('only');
    expect(is).not.toHaveProperty('description');
  });

  it('rejects update paths outside EndDeviceRegistry.Update', async () => {
    await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'dev-u' } } });
    const res = await call(sim, key, 'PUT', '/applications/app1/devices/dev-u', {
      end_device: { frequency_plan_id: 'EU_863_870_TTN' },
      field_mask: { paths: ['frequency_plan_id'] },
    });
    expect(res.status).toBe(400);
    expect(errorName(res)).toBe('field_mask_paths');
  });

  it('rejects get paths outside EndDeviceRegistry.Get (e.g. NS or JS fields)', async () => {
    const res = await call(sim, key, 'GET', '/applications/app1/devices/dev-u?field_mask=name,root_keys');
    expect(res.status).toBe(400);
    expect(res.body.details[0].attributes.forbidden_paths).toEqual(['root_keys']);
  });

  it('rejects fields the IS does not store on create', async () => {
    const res = await call(sim, key, 'POST', '/applications/app1/devices', {
      end_device: { ids: { device_id: 'dev-ns' }, frequency_plan_id: 'EU_863_870_TTN', lorawan_version: 'MAC_V1_0_3' },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].attributes.fields).toEqual(['frequency_plan_id', 'lorawan_version']);
    expect(sim.listDeviceIds('app1')).not.toContain('dev-ns');
  });

  it('validates device ids and EUIs', async () => {
    const bad = await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'Bad_ID' } } });
    expect(bad.status).toBe(400);
    expect(errorName(bad)).toBe('validation');
    const long = await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'a'.repeat(37) } } });
    expect(long.status).toBe(400);
    const eui = await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'dev-e', dev_eui: 'XYZ' } } });
    expect(eui.status).toBe(400);
    const noBody = await call(sim, key, 'POST', '/applications/app1/devices', {});
    expect(noBody.status).toBe(400);
    const malformed = await call(sim, key, 'POST', '/applications/app1/devices', '{"end_device": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe(3);
  });

  it('refuses a taken device id (409) and a taken JoinEUI/DevEUI pair with its owner', async () => {
    const ids = { device_id: 'dev-t', dev_eui: '70B3D57ED0000B01', join_eui: '70B3D57ED0000000' };
    expect((await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids } })).status).toBe(200);
    const again = await call(sim, key, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'dev-t' } } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(6);
    // The pair is unique in the whole deployment, across applications.
    const taken = await call(sim, otherKey, 'POST', '/applications/app2/devices', {
      end_device: { ids: { ...ids, device_id: 'other', dev_eui: '70b3d57ed0000b01' } },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.details[0]).toMatchObject({
      namespace: 'pkg/identityserver',
      name: 'end_device_euis_taken',
      attributes: { join_eui: '70B3D57ED0000000', dev_eui: '70B3D57ED0000B01', device_id: 'dev-t', application_id: 'app1' },
    });
    // Deleting frees the pair.
    await call(sim, key, 'DELETE', '/applications/app1/devices/dev-t');
    expect((await call(sim, otherKey, 'POST', '/applications/app2/devices', { end_device: { ids: { ...ids, device_id: 'other' } } })).status).toBe(200);
  });

  it('refuses server addresses that do not match the application', async () => {
    const res = await call(sim, key, 'POST', '/applications/app1/devices', {
      end_device: { ids: { device_id: 'dev-m' }, network_server_address: 'eu1.cloud.thethings.network' },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({
      name: 'network_server_address_mismatch',
      attributes: { address: 'eu1.cloud.thethings.network', expected: sim.clusterHost },
    });
    const js = await call(sim, key, 'POST', '/applications/app1/devices', {
      end_device: { ids: { device_id: 'dev-m' }, join_server_address: 'js.example.com' },
    });
    expect(errorName(js)).toBe('join_server_address_mismatch');
    // Only the host is compared, as the IS does.
    const samePortless = await call(sim, key, 'POST', '/applications/app1/devices', {
      end_device: { ids: { device_id: 'dev-m' }, application_server_address: '127.0.0.1:1' },
    });
    expect(samePortless.status).toBe(200);
  });

  it('needs DEVICES_READ to read and DEVICES_WRITE to write', async () => {
    const readOnly = sim.createApiKey('app1', ['RIGHT_APPLICATION_DEVICES_READ']);
    const infoOnly = sim.createApiKey('app1', ['RIGHT_APPLICATION_INFO']);
    expect((await call(sim, readOnly, 'GET', '/applications/app1/devices/dev-u')).status).toBe(200);
    const get = await call(sim, infoOnly, 'GET', '/applications/app1/devices/dev-u');
    expect(get.status).toBe(403);
    expect(get.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_DEVICES_READ']);
    const create = await call(sim, readOnly, 'POST', '/applications/app1/devices', { end_device: { ids: { device_id: 'dev-r' } } });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe(7);
    expect((await call(sim, readOnly, 'DELETE', '/applications/app1/devices/dev-u')).status).toBe(403);
    expect((await call(sim, otherKey, 'GET', '/applications/app1/devices/dev-u')).status).toBe(403);
    // Without any key the real IS answers no_application_rights (403), not 401.
    const anonymous = await call(sim, undefined, 'GET', '/applications/app1/devices/dev-u');
    expect(anonymous.status).toBe(403);
    expect(errorName(anonymous)).toBe('no_application_rights');
  });
});

describe('IS list paging', () => {
  let pagingSim: Simulator;
  let pagingKey: string;
  beforeAll(async () => {
    pagingSim = await startSimulator();
    pagingSim.addApplication('fleet');
    pagingKey = pagingSim.createApiKey('fleet', ['RIGHT_APPLICATION_DEVICES_READ']);
    pagingSim.seedDevices('fleet', 2500, { seed: 7 });
  });
  afterAll(() => pagingSim.close());

  it('pages over 2,500 devices with X-Total-Count', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await call(pagingSim, pagingKey, 'GET', `/applications/fleet/devices?field_mask=name&limit=1000&page=${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('2500');
      seen.push(...res.body.end_devices.map((d: any) => d.ids.device_id));
      expect(res.body.end_devices[0].name).toBeTypeOf('string');
    }
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect(seen).toEqual([...seen].sort());
    const beyond = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?limit=1000&page=4');
    expect(beyond.body).toEqual({});
    expect(beyond.headers.get('x-total-count')).toBe('2500');
  });

  it('refuses a limit above 1000 and defaults to 100', async () => {
    const over = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?limit=1001');
    expect(over.status).toBe(400);
    expect(over.body.details[0]).toMatchObject({ name: 'validation', attributes: { field: 'limit' } });
    const dflt = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices');
    expect(dflt.body.end_devices).toHaveLength(100);
    const zero = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?limit=0&page=0');
    expect(zero.body.end_devices).toHaveLength(100);
    expect(zero.body.end_devices[0].ids.device_id).toBe('dev-00001');
  });

  it('orders by device id both ways and by created_at; refuses unknown orders', async () => {
    const desc = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?limit=2&order=-device_id');
    expect(desc.body.end_devices.map((d: any) => d.ids.device_id)).toEqual(['dev-02500', 'dev-02499']);
    const created = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?limit=3&order=-created_at');
    const times = created.body.end_devices.map((d: any) => d.created_at);
    expect(times).toEqual([...times].sort().reverse());
    const bad = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?order=frequency_plan_id');
    expect(bad.status).toBe(400);
  });

  it('refuses list field-mask paths outside EndDeviceRegistry.List', async () => {
    const res = await call(pagingSim, pagingKey, 'GET', '/applications/fleet/devices?field_mask=name,session');
    expect(res.status).toBe(400);
    expect(res.body.details[0].attributes.forbidden_paths).toEqual(['session']);
  });
});

describe('user API keys, admins and universal rights (entity_access.go, rights.go)', () => {
  let usim: Simulator;
  beforeAll(async () => {
    usim = await startSimulator();
    for (const id of ['alpha', 'bravo', 'charlie', 'delta']) usim.addApplication(id, { name: `App ${id}` });
    usim.seedDevices('alpha', 2, { seed: 1, mix: 'otaa' });
    usim.seedDevices('delta', 1, { seed: 2, mix: 'otaa' });
  });
  afterAll(() => usim.close());

  it('describes a user key: user entity, implied rights, no universal rights', async () => {
    const key = usim.createUserApiKey('jane', { rights: ['RIGHT_ALL'], applications: { alpha: ALL } });
    const res = await call(usim, key, 'GET', '/auth_info');
    expect(res.status).toBe(200);
    expect(res.body.api_key.entity_ids).toEqual({ user_ids: { user_id: 'jane' } });
    expect(res.body.api_key.api_key.id).toBe(key.split('.')[1]);
    const rights: string[] = res.body.api_key.api_key.rights;
    for (const r of ['RIGHT_ALL', 'RIGHT_USER_ALL', 'RIGHT_USER_APPLICATIONS_LIST', 'RIGHT_APPLICATION_DEVICES_READ_KEYS', 'RIGHT_GATEWAY_ALL']) {
      expect(rights).toContain(r);
    }
    expect(res.body).not.toHaveProperty('universal_rights');
    expect(res.body).not.toHaveProperty('is_admin');
  });

  it('gives an admin is_admin and universal_rights {rights}: AllAdminRights ∩ the key rights', async () => {
    const all = await call(usim, usim.createUserApiKey('root', { rights: ['RIGHT_ALL'], admin: true }), 'GET', '/auth_info');
    expect(all.body.is_admin).toBe(true);
    const universal: string[] = all.body.universal_rights.rights;
    expect(universal).toContain('RIGHT_APPLICATION_DEVICES_READ');
    expect(universal).toContain('RIGHT_USER_APPLICATIONS_LIST');
    // AdminRights.All is off by default: no _KEYS and no _ALL rights.
    for (const r of ['RIGHT_APPLICATION_DEVICES_READ_KEYS', 'RIGHT_APPLICATION_DEVICES_WRITE_KEYS', 'RIGHT_APPLICATION_ALL', 'RIGHT_ALL', 'RIGHT_USER_ALL']) {
      expect(universal).not.toContain(r);
    }
    const narrow = await call(usim, usim.createUserApiKey('root', { rights: ['RIGHT_APPLICATION_DEVICES_READ'] }), 'GET', '/auth_info');
    expect(narrow.body.universal_rights).toEqual({ rights: ['RIGHT_APPLICATION_DEVICES_READ'] });
  });

  it('restricts a user whose e-mail is not validated (restrictRights): three user rights, universal_rights {}', async () => {
    const key = usim.createUserApiKey('newbie', { rights: ['RIGHT_ALL'], emailValidated: false, applications: { alpha: ALL } });
    const res = await call(usim, key, 'GET', '/auth_info');
    expect(res.body.api_key.api_key.rights).toEqual(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_DELETE']);
    expect(res.body.universal_rights).toEqual({});
    expect(res.body).not.toHaveProperty('is_admin');
    const list = await call(usim, key, 'GET', '/applications/alpha/devices');
    expect(list.status).toBe(403);
    expect(errorName(list)).toBe('no_application_rights');
  });

  it('gives a user key the key rights ∩ the collaborator rights on each application', async () => {
    const key = usim.createUserApiKey('reader', {
      rights: ['RIGHT_ALL'],
      applications: { alpha: ['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_DEVICES_READ'] },
    });
    expect((await call(usim, key, 'GET', '/applications/alpha/devices')).status).toBe(200);
    const write = await call(usim, key, 'POST', '/applications/alpha/devices', { end_device: { ids: { device_id: 'dev-x' } } });
    expect(write.status).toBe(403);
    expect(write.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_DEVICES_WRITE']);
    const keys = await call(usim, key, 'GET', '/js/applications/alpha/devices/dev-00001?field_mask=root_keys.app_key.key');
    expect(keys.status).toBe(403);
    const other = await call(usim, key, 'GET', '/applications/bravo/devices');
    expect(other.status).toBe(403);
    expect(errorName(other)).toBe('no_application_rights');
    // The key limits what the membership allows.
    const narrowKey = usim.createUserApiKey('reader', { rights: ['RIGHT_APPLICATION_INFO'] });
    const narrow = await call(usim, narrowKey, 'GET', '/applications/alpha/devices');
    expect(narrow.status).toBe(403);
    expect(narrow.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_DEVICES_READ']);
    // An application key stays bound to its application.
    const appKey = usim.createApiKey('alpha', ALL);
    expect((await call(usim, appKey, 'GET', '/applications/alpha/devices/dev-00001')).status).toBe(200);
    expect((await call(usim, appKey, 'GET', '/applications/bravo/devices')).status).toBe(403);
  });

  it('lets an admin use its universal rights on every application, but not read keys; a missing application is 404', async () => {
    const key = usim.createUserApiKey('root', { rights: ['RIGHT_ALL'], admin: true });
    const list = await call(usim, key, 'GET', '/applications/delta/devices');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect((await call(usim, key, 'GET', '/applications/delta?field_mask=name')).body.name).toBe('App delta');
    const keys = await call(usim, key, 'GET', '/js/applications/delta/devices/dev-00001?field_mask=root_keys.app_key.key');
    expect(keys.status).toBe(403);
    expect(errorName(keys)).toBe('insufficient_application_rights');
    const missing = await call(usim, key, 'GET', '/applications/nope-app/devices');
    expect(missing.status).toBe(404);
    expect(errorName(missing)).toBe('application_not_found');
    // A non-admin asking for a missing application has no rights on it.
    const jane = usim.createUserApiKey('jane', { rights: ['RIGHT_ALL'] });
    expect(errorName(await call(usim, jane, 'GET', '/applications/nope-app/devices'))).toBe('no_application_rights');
  });

  it('lists the applications a user collaborates on, paged, with X-Total-Count', async () => {
    const key = usim.createUserApiKey('lister', {
      rights: ['RIGHT_USER_APPLICATIONS_LIST', 'RIGHT_APPLICATION_INFO'],
      applications: { charlie: ALL, alpha: ALL, bravo: ['RIGHT_APPLICATION_DEVICES_READ'] },
    });
    const all = await call(usim, key, 'GET', '/applications?field_mask=name');
    expect(all.status).toBe(200);
    expect(all.headers.get('x-total-count')).toBe('3');
    expect(all.body.applications.map((a: any) => a.ids.application_id)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(all.body.applications[0].name).toBe('App alpha');
    // Without INFO on bravo the IS returns only its public fields.
    expect(all.body.applications[1]).not.toHaveProperty('name');
    const page = await call(usim, key, 'GET', '/applications?limit=2&page=2&order=-application_id');
    expect(page.body.applications.map((a: any) => a.ids.application_id)).toEqual(['alpha']);
    expect(page.headers.get('x-total-count')).toBe('3');
    expect((await call(usim, key, 'GET', '/applications?limit=1001')).status).toBe(400);
  });

  it('needs RIGHT_USER_APPLICATIONS_LIST to list, and lists an admin only its own collaborations', async () => {
    const noList = usim.createUserApiKey('lister', { rights: ['RIGHT_APPLICATION_ALL'] });
    const refused = await call(usim, noList, 'GET', '/applications');
    expect(refused.status).toBe(403);
    expect(errorName(refused)).toBe('insufficient_user_rights');
    expect(refused.body.details[0].attributes).toEqual({ uid: 'lister', missing: ['RIGHT_USER_APPLICATIONS_LIST'] });
    const gatewayOnly = usim.createUserApiKey('lister', { rights: ['RIGHT_GATEWAY_INFO'] });
    expect((await call(usim, gatewayOnly, 'GET', '/applications')).status).toBe(403);
    const admin = usim.createUserApiKey('boss', { rights: ['RIGHT_ALL'], admin: true, applications: { bravo: ALL } });
    const res = await call(usim, admin, 'GET', '/applications');
    expect(res.body.applications.map((a: any) => a.ids.application_id)).toEqual(['bravo']);
    expect(res.headers.get('x-total-count')).toBe('1');
  });

  it('opens event streams with the same rights (RequireAny), NotFound for an admin on a missing application', async () => {
    const open = async (k: string, app: string) => {
      const controller = new AbortController();
      const res = await fetch(`${usim.url}/api/v3/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${k}` },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: app } }] }),
        signal: controller.signal,
      });
      controller.abort();
      return res.status;
    };
    const member = usim.createUserApiKey('watcher', { rights: ['RIGHT_ALL'], applications: { alpha: ['RIGHT_APPLICATION_TRAFFIC_READ'] } });
    expect(await open(member, 'alpha')).toBe(200);
    expect(await open(member, 'bravo')).toBe(403);
    const admin = usim.createUserApiKey('root', { rights: ['RIGHT_ALL'], admin: true });
    expect(await open(admin, 'bravo')).toBe(200);
    expect(await open(admin, 'nope-app')).toBe(404);
  });

  it('refuses unknown rights, users and applications when making keys', () => {
    expect(() => usim.createUserApiKey('x', { rights: ['RIGHT_ALL'] })).toThrow(/user id/);
    expect(() => usim.createUserApiKey('jane', { rights: ['RIGHT_NOPE'] })).toThrow(/right/);
    expect(() => usim.createUserApiKey('jane', { rights: ['RIGHT_ALL'], applications: { nope: ALL } })).toThrow(/application/);
    expect(() => usim.createUserApiKey('jane', { rights: ['RIGHT_ALL'], applications: { alpha: ['RIGHT_USER_ALL'] } })).toThrow(/right/);
    expect(() => usim.createApiKey('alpha', ['RIGHT_USER_ALL'])).toThrow(/right/);
  });
});

describe('server addresses as the application names them (getHost)', () => {
  let asim: Simulator;
  let akey: string;
  beforeAll(async () => {
    asim = await startSimulator();
    asim.addApplication('named', {
      serverAddresses: {
        network_server_address: '127.0.0.1',
        application_server_address: `127.0.0.1:${asim.port}`,
        join_server_address: '127.0.0.1:8886',
      },
    });
    asim.addApplication('plain');
    akey = asim.createApiKey('named', ALL);
  });
  afterAll(() => asim.close());

  it('stores the addresses as given, the cluster host where none is named', async () => {
    const res = await call(asim, akey, 'GET', '/applications/named?field_mask=network_server_address,application_server_address,join_server_address');
    expect(res.body).toMatchObject({
      network_server_address: '127.0.0.1',
      application_server_address: `127.0.0.1:${asim.port}`,
      join_server_address: '127.0.0.1:8886',
    });
    const plain = await call(asim, asim.createApiKey('plain', ALL), 'GET', '/applications/plain?field_mask=join_server_address');
    expect(plain.body.join_server_address).toBe(asim.clusterHost);
    // Addresses are host[:port] (application.proto pattern): no scheme.
    expect(() => asim.addApplication('schemed', { serverAddresses: { join_server_address: 'https://127.0.0.1' } })).toThrow(/address/);
  });

  it('compares hosts only, without port, both ways', async () => {
    const create = (id: string, addresses: Record<string, string>) =>
      call(asim, akey, 'POST', '/applications/named/devices', { end_device: { ids: { device_id: id }, ...addresses } });
    // Application `host:8886`, device `host:PORT` (the port of the cluster URL http://host:PORT).
    expect((await create('dev-1', { join_server_address: `127.0.0.1:${asim.port}` })).status).toBe(200);
    // Application `host:PORT`, device `host:8886`.
    expect((await create('dev-2', { application_server_address: '127.0.0.1:8886' })).status).toBe(200);
    // Application without port, device with one.
    expect((await create('dev-3', { network_server_address: '127.0.0.1:1885' })).status).toBe(200);
    const other = await create('dev-4', { join_server_address: 'localhost:8886' });
    expect(other.status).toBe(400);
    expect(other.body.details[0]).toMatchObject({
      name: 'join_server_address_mismatch',
      attributes: { address: 'localhost:8886', expected: '127.0.0.1:8886' },
    });
    // A scheme is refused by the field's own pattern before any comparison.
    const schemed = await create('dev-5', { join_server_address: `http://127.0.0.1:${asim.port}` });
    expect(schemed.status).toBe(400);
    expect(errorName(schemed)).toBe('validation');
  });
});
