// The simulated Identity Server's gateway registry over HTTP: create/get/list/update/delete with
// rights, secrets, EUI and id rules, API keys, user/organization ownership and plan limits.
import { describe, expect, it } from 'vitest';
import { call, errorName, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const USER = ['RIGHT_USER_GATEWAYS_CREATE', 'RIGHT_USER_GATEWAYS_LIST', 'RIGHT_GATEWAY_ALL'];
const EUI = '58A0CBFFFE800001';
const gw = (id: string, eui = EUI, extra: Record<string, unknown> = {}) => ({
  gateway: { ids: { gateway_id: id, eui }, name: 'Roof', frequency_plan_ids: ['EU_863_870_TTN'], ...extra },
});
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('create, get, list', () => {
  it('creates under a user: contacts default to the creator, RIGHT_ALL, frequency_plan_id derived', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: USER });
    const res = await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ids: { gateway_id: 'roof-1', eui: EUI },
      administrative_contact: { user_ids: { user_id: 'alice' } },
      frequency_plan_ids: ['EU_863_870_TTN'],
      frequency_plan_id: 'EU_863_870_TTN',
    });
    expect(s.listGatewayIds()).toEqual(['roof-1']);
    const get = await call(s, alice, 'GET', '/gateways/roof-1?field_mask=name,frequency_plan_id');
    expect(get.body).toMatchObject({ name: 'Roof', frequency_plan_id: 'EU_863_870_TTN' });
    const list = await call(s, alice, 'GET', '/gateways?field_mask=name');
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.body.gateways[0]).toMatchObject({ ids: { gateway_id: 'roof-1' }, name: 'Roof' });
    const rights = await call(s, alice, 'GET', '/gateways/roof-1/rights');
    expect(rights.body.rights).toContain('RIGHT_GATEWAY_LINK');
    const collab = await call(s, alice, 'GET', '/gateways/roof-1/collaborators');
    expect(collab.body.collaborators).toEqual([{ ids: { user_ids: { user_id: 'alice' } }, rights: ['RIGHT_ALL'] }]);
  });

  it('validates ids, EUI, name, address; refuses without the create right and when admins_create_gateways', async () => {
    const { s } = await start({ userRightsCreateGateways: false });
    const alice = s.createUserApiKey('alice', { rights: USER });
    expect((await call(s, alice, 'POST', '/users/alice/gateways', gw('Bad_Id'))).status).toBe(400);
    expect((await call(s, alice, 'POST', '/users/alice/gateways', gw('ok-id', 'XYZ'))).status).toBe(400);
    const longName = await call(s, alice, 'POST', '/users/alice/gateways', gw('ok-id', EUI, { name: 'x'.repeat(51) }));
    expect(longName.body.details[0].cause.attributes.field).toBe('name');
    const badAddr = await call(s, alice, 'POST', '/users/alice/gateways', gw('ok-id', EUI, { gateway_server_address: 'wss://a b' }));
    expect(badAddr.status).toBe(400);
    const admins = await call(s, alice, 'POST', '/users/alice/gateways', gw('ok-id'));
    expect(admins.status).toBe(403);
    expect(errorName(admins)).toBe('admins_create_gateways');
    const admin = s.createUserApiKey('root', { rights: ['RIGHT_ALL'], admin: true });
    expect((await call(s, admin, 'POST', '/users/root/gateways', gw('ok-id'))).status).toBe(200);
    const app = s.createApiKey('app', ['RIGHT_APPLICATION_ALL']);
    expect(errorName(await call(s, app, 'POST', '/users/root/gateways', gw('other', '58A0CBFFFE800009')))).toBe('admins_create_gateways');
  });

  it('an application key lists nothing; without INFO only public fields', async () => {
    const { s, key } = await start();
    const alice = s.createUserApiKey('alice', { rights: USER });
    await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1', EUI, { description: 'secret place', status_public: false, gateway_server_address: 'eu1.cloud' }));
    expect((await call(s, key, 'GET', '/gateways')).body).toEqual({});
    const bob = s.createUserApiKey('bob', { rights: ['RIGHT_ALL'] });
    const pub = await call(s, bob, 'GET', '/gateways/roof-1?field_mask=name,gateway_server_address');
    expect(pub.status).toBe(200);
    expect(pub.body.name).toBe('Roof');
    expect(pub.body.gateway_server_address).toBeUndefined();
    expect(errorName(await call(s, bob, 'GET', '/gateways/roof-1?field_mask=attributes'))).toBe('no_gateway_rights');
  });
});

describe('EUI and id rules', () => {
  it('gateway_eui_taken names the holder; a deleted gateway keeps its id but releases its EUI', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: USER });
    await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1'));
    const taken = await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-2'));
    expect(taken.status).toBe(409);
    expect(errorName(taken)).toBe('gateway_eui_taken');
    expect(taken.body.details[0].attributes).toEqual({ gateway_eui: EUI, gateway_id: 'roof-1', administrative_contact: 'alice' });
    expect((await call(s, alice, 'DELETE', '/gateways/roof-1')).status).toBe(200);
    expect(s.inspectGateway('roof-1')).toBeUndefined();
    expect(errorName(await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1', '58A0CBFFFE800002')))).toBe('id_taken');
    expect((await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-2'))).status).toBe(200);
  });

  it('tenant_entity_limit after maxGateways', async () => {
    const { s } = await start({ maxGateways: 1 });
    const alice = s.createUserApiKey('alice', { rights: USER });
    expect((await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1'))).status).toBe(200);
    const res = await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-2', '58A0CBFFFE800002'));
    expect(res.status).toBe(400);
    expect(errorName(res)).toBe('tenant_entity_limit');
  });
});

describe('update and secrets', () => {
  it('secrets need READ/WRITE_SECRETS; a LINK key may only update antennas and attributes', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: USER });
    await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1', EUI, { lbs_lns_secret: { value: b64('NNSXS.A.B') } }));
    const basic = s.createGatewayApiKey('roof-1', ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_SETTINGS_BASIC']);
    const denied = await call(s, basic, 'GET', '/gateways/roof-1?field_mask=lbs_lns_secret');
    expect(errorName(denied)).toBe('insufficient_gateway_rights');
    expect(denied.body.details[0].attributes.missing).toEqual(['RIGHT_GATEWAY_READ_SECRETS']);
    const secret = await call(s, alice, 'GET', '/gateways/roof-1?field_mask=lbs_lns_secret');
    expect(Buffer.from(secret.body.lbs_lns_secret.value, 'base64').toString()).toBe('NNSXS.A.B');
    const put = (key: string, gateway: object, paths: string[]) =>
      call(s, key, 'PUT', '/gateways/roof-1', { gateway: { ids: { gateway_id: 'roof-1' }, ...gateway }, field_mask: { paths } });
    expect(errorName(await put(basic, { lbs_lns_secret: { value: b64('x') } }, ['lbs_lns_secret']))).toBe('insufficient_gateway_rights');
    const ok = await put(basic, { gateway_server_address: 'eu1.cloud.thethings.industries' }, ['gateway_server_address']);
    expect(ok.body.gateway_server_address).toBe('eu1.cloud.thethings.industries');
    const link = s.createGatewayApiKey('roof-1', ['RIGHT_GATEWAY_LINK']);
    expect((await put(link, { attributes: { site: 'north' } }, ['attributes'])).status).toBe(200);
    expect(errorName(await put(link, { name: 'x' }, ['name']))).toBe('insufficient_gateway_rights');
    expect((await put(alice, { lbs_lns_secret: { value: b64('K2') } }, ['lbs_lns_secret'])).status).toBe(200);
    expect(s.inspectGateway('roof-1')).toMatchObject({ lbs_lns_secret: { value: b64('K2') }, attributes: { site: 'north' } });
    expect(errorName(await put(alice, {}, ['nope']))).toBe('field_mask_paths');
  });
});

describe('API keys and ownership', () => {
  it('creates keys with held rights only; the secret once; auth_info names the gateway', async () => {
    const { s } = await start();
    const alice = s.createUserApiKey('alice', { rights: USER });
    await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-1'));
    const created = await call(s, alice, 'POST', '/gateways/roof-1/api-keys', { name: 'lns', rights: ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK'] });
    expect(created.status).toBe(200);
    expect(created.body.key).toMatch(/^NNSXS\./);
    const info = await call(s, created.body.key, 'GET', '/auth_info');
    expect(info.body.api_key.entity_ids).toEqual({ gateway_ids: { gateway_id: 'roof-1' } });
    const list = await call(s, alice, 'GET', '/gateways/roof-1/api-keys');
    expect(list.body.api_keys[0].key).toBeUndefined();
    expect(s.gatewayApiKeys('roof-1')).toEqual([{ id: created.body.id, name: 'lns', rights: ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK'] }]);
    const limited = s.createGatewayApiKey('roof-1', ['RIGHT_GATEWAY_SETTINGS_API_KEYS']);
    expect(errorName(await call(s, limited, 'POST', '/gateways/roof-1/api-keys', { rights: ['RIGHT_GATEWAY_LINK'] }))).toBe('insufficient_gateway_rights');
    expect((await call(s, alice, 'PUT', `/gateways/roof-1/api-keys/${created.body.id}`, { api_key: { rights: ['RIGHT_GATEWAY_INFO'] }, field_mask: { paths: ['rights'] } })).body.rights).toEqual(['RIGHT_GATEWAY_INFO']);
    expect((await call(s, alice, 'DELETE', `/gateways/roof-1/api-keys/${created.body.id}`)).status).toBe(200);
    expect(errorName(await call(s, alice, 'GET', `/gateways/roof-1/api-keys/${created.body.id}`))).toBe('api_key_not_found');
    // A gateway key has rights on its own gateway only, and lists no gateways.
    await call(s, alice, 'POST', '/users/alice/gateways', gw('roof-2', '58A0CBFFFE800002'));
    expect(errorName(await call(s, limited, 'GET', '/gateways/roof-2?field_mask=attributes'))).toBe('no_gateway_rights');
    expect((await call(s, limited, 'GET', '/gateways')).body).toEqual({});
  });

  it('organization gateways: members get member ∩ organization rights; user seeds with gateways rights', async () => {
    const { s } = await start();
    s.addOrganization('acme', { members: { carol: ['RIGHT_ORGANIZATION_ALL', 'RIGHT_GATEWAY_INFO'] } });
    const org = s.createOrganizationApiKey('acme', ['RIGHT_ORGANIZATION_ALL', 'RIGHT_GATEWAY_ALL']);
    expect((await call(s, org, 'POST', '/organizations/acme/gateways', gw('acme-gw'))).status).toBe(200);
    const carol = s.createUserApiKey('carol', { rights: ['RIGHT_ALL'] });
    const rights = await call(s, carol, 'GET', '/gateways/acme-gw/rights');
    expect(rights.body.rights).toEqual(['RIGHT_GATEWAY_INFO']);
    const list = await call(s, carol, 'GET', '/gateways');
    expect(list.body.gateways.map((g: { ids: { gateway_id: string } }) => g.ids.gateway_id)).toEqual(['acme-gw']);
    expect((await call(s, carol, 'GET', '/users/carol/gateways')).body).toEqual({});
    expect((await call(s, org, 'GET', '/organizations/acme/gateways')).body.gateways).toHaveLength(1);
    s.addGateway({ gateway: { ids: { gateway_id: 'seeded', eui: '58A0CBFFFE800003' } }, owner: { userId: 'dave' } });
    const erin = s.createUserApiKey('erin', { rights: ['RIGHT_ALL'], gateways: { seeded: ['RIGHT_GATEWAY_INFO'] } });
    expect((await call(s, erin, 'GET', '/gateways/seeded/rights')).body.rights).toEqual(['RIGHT_GATEWAY_INFO']);
  });
});

describe('NS recent uplinks', () => {
  it('simulateUplink with gatewayIds records them in mac_state.recent_uplinks', async () => {
    const { s, key } = await start();
    const [dev] = s.seedDevices('app', 1, { mix: 'abp' });
    s.addGateway({ gateway: { ids: { gateway_id: 'roof-1', eui: EUI } }, owner: { userId: 'alice' } });
    for (let i = 0; i < 22; i++) expect(s.simulateUplink('app', dev as string, { gatewayIds: ['roof-1'] }).delivered).toBe(true);
    const res = await call(s, key, 'GET', `/ns/applications/app/devices/${dev}?field_mask=mac_state.recent_uplinks`);
    expect(res.status).toBe(200);
    const recent = res.body.mac_state.recent_uplinks;
    expect(recent).toHaveLength(20);
    expect(recent[0].rx_metadata[0].gateway_ids).toEqual({ gateway_id: 'roof-1', eui: EUI });
    expect(recent[0].received_at).toEqual(expect.any(String));
  });
});
