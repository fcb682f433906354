// Application package associations (default and per device) and available packages, over HTTP.
import { describe, expect, it } from 'vitest';
import { call, createOtaa, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const dms = { package_name: 'lora-cloud-device-management-v1', data: { token: 'T0KEN', server_url: 'https://mgs.loracloud.com' } };

describe('default associations', () => {
  it('sets with a top-level field_mask (not inside `default`), answers package_name by default, data on request', async () => {
    const { s, key } = await start();
    const set = await call(s, key, 'PUT', '/as/applications/app/packages/associations/199', { default: dms, field_mask: { paths: ['package_name', 'data'] } });
    expect(set.status).toBe(200);
    // The answer has the set paths; a Get without a mask only the package name.
    expect(set.body).toMatchObject({ ids: { application_ids: { application_id: 'app' }, f_port: 199 }, package_name: dms.package_name, data: dms.data });
    const plain = await call(s, key, 'GET', '/as/applications/app/packages/associations/199');
    expect(Object.keys(plain.body).sort()).toEqual(['created_at', 'ids', 'package_name', 'updated_at']);
    const get = await call(s, key, 'GET', '/as/applications/app/packages/associations/199?field_mask=data');
    expect(get.body.data).toEqual(dms.data);
    // The docs' example nests field_mask in `default`: the server ignores it, so nothing but the ids is set
    // and the registry's validation of the whole association refuses the empty package name.
    const docs = await call(s, key, 'PUT', '/as/applications/app/packages/associations/200', { default: { ...dms, field_mask: { paths: ['package_name', 'data'] } } });
    expect(docs.status).toBe(400);
    expect(docs.body.details[0].attributes).toMatchObject({ field: 'package_name' });
  });

  it('lists in FPort order; X-Total-Count is 0 unless paged', async () => {
    const { s, key } = await start();
    for (const port of [201, 10, 199]) {
      await call(s, key, 'PUT', `/as/applications/app/packages/associations/${port}`, { default: dms, field_mask: { paths: ['package_name'] } });
    }
    const all = await call(s, key, 'GET', '/as/applications/app/packages/associations');
    expect(all.body.defaults.map((d: { ids: { f_port: number } }) => d.ids.f_port)).toEqual([10, 199, 201]);
    expect(all.headers.get('x-total-count')).toBe('0');
    const page2 = await call(s, key, 'GET', '/as/applications/app/packages/associations?limit=2&page=2');
    expect(page2.body.defaults.map((d: { ids: { f_port: number } }) => d.ids.f_port)).toEqual([201]);
    expect(page2.headers.get('x-total-count')).toBe('3');
    const tooMany = await call(s, key, 'GET', '/as/applications/app/packages/associations?limit=1001');
    expect(tooMany.body.details[0].attributes).toMatchObject({ field: 'limit', reason: 'value must be less than or equal to 1000' });
  });

  it('validates the FPort (1..255, a number) and the package name', async () => {
    const { s, key } = await start();
    for (const port of ['0', '256']) {
      const res = await call(s, key, 'PUT', `/as/applications/app/packages/associations/${port}`, { default: dms, field_mask: { paths: ['package_name'] } });
      expect(res.status, port).toBe(400);
      expect(res.body.details[0].cause.cause.attributes).toMatchObject({ field: 'f_port', reason: 'value must be inside range [1, 255]' });
    }
    const nan = await call(s, key, 'GET', '/as/applications/app/packages/associations/abc');
    expect(nan.status).toBe(400);
    expect(nan.body.details).toEqual([]);
    const name = await call(s, key, 'PUT', '/as/applications/app/packages/associations/5', { default: { package_name: 'Bad Name' }, field_mask: { paths: ['package_name'] } });
    expect(name.body.details[0].cause.attributes).toMatchObject({ field: 'package_name' });
  });

  it('404 when absent, delete without error, SETTINGS_PACKAGES for everything', async () => {
    const { s, key } = await start();
    expect((await call(s, key, 'GET', '/as/applications/app/packages/associations/7')).body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'not_found' });
    expect((await call(s, key, 'DELETE', '/as/applications/app/packages/associations/7')).status).toBe(200);
    const basic = s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_BASIC', 'RIGHT_APPLICATION_DEVICES_WRITE']);
    for (const [method, path] of [
      ['GET', '/as/applications/app/packages/associations'],
      ['GET', '/as/applications/app/packages/associations/7'],
      ['PUT', '/as/applications/app/packages/associations/7'],
      ['DELETE', '/as/applications/app/packages/associations/7'],
      ['GET', '/as/applications/app/devices/dev/packages'],
      ['GET', '/as/applications/app/devices/dev/packages/associations'],
      ['GET', '/as/applications/app/devices/dev/packages/associations/7'],
      ['PUT', '/as/applications/app/devices/dev/packages/associations/7'],
      ['DELETE', '/as/applications/app/devices/dev/packages/associations/7'],
    ] as const) {
      const body = method === 'PUT' ? { default: dms, association: dms, field_mask: { paths: ['package_name'] } } : undefined;
      const res = await call(s, basic, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_PACKAGES']);
    }
  });
});

describe('device associations and packages', () => {
  it('lists the available packages of the AS (names and default FPorts)', async () => {
    const { s, key } = await start();
    const res = await call(s, key, 'GET', '/as/applications/app/devices/dev/packages');
    expect(res.body.packages).toEqual([
      { name: 'alcsync-v1', default_f_port: 202 },
      { name: 'lora-cloud-device-management-v1', default_f_port: 199 },
      { name: 'lora-cloud-geolocation-v3', default_f_port: 197 },
    ]);
  });

  it('sets, lists and gets per device; ids come from the path', async () => {
    const { s, key } = await start();
    const gls = { package_name: 'lora-cloud-geolocation-v3', data: { token: 'GLS', query: 'TOAWIFI' } };
    const set = await call(s, key, 'PUT', '/as/applications/app/devices/dev-1/packages/associations/197', {
      association: { ...gls, ids: { end_device_ids: { device_id: 'other', dev_eui: '0004A30B001C0530' }, f_port: 9 } },
      field_mask: { paths: ['package_name', 'data'] },
    });
    expect(set.status).toBe(200);
    expect(set.body.ids).toEqual({ end_device_ids: { device_id: 'dev-1', dev_eui: '0004A30B001C0530', application_ids: { application_id: 'app' } }, f_port: 197 });
    const list = await call(s, key, 'GET', '/as/applications/app/devices/dev-1/packages/associations?field_mask=data');
    expect(list.body.associations).toHaveLength(1);
    expect(list.body.associations[0].data).toEqual(gls.data);
    expect((await call(s, key, 'GET', '/as/applications/app/devices/dev-2/packages/associations')).body).toEqual({});
    const upd = await call(s, key, 'PUT', '/as/applications/app/devices/dev-1/packages/associations/197', { association: { data: { token: 'NEW' } }, field_mask: { paths: ['data'] } });
    expect(upd.body).toMatchObject({ package_name: 'lora-cloud-geolocation-v3', data: { token: 'NEW' } });
  });

  it('are removed with the AS device', async () => {
    const { s, key } = await start();
    await createOtaa(s, key, 'app', 'dev-1', '0004A30B001C0530');
    await call(s, key, 'PUT', '/as/applications/app/devices/dev-1/packages/associations/197', { association: dms, field_mask: { paths: ['package_name'] } });
    expect(s.inspectApplication('app')?.deviceAssociations).toHaveLength(1);
    expect((await call(s, key, 'DELETE', '/as/applications/app/devices/dev-1')).status).toBe(200);
    expect(s.inspectApplication('app')?.deviceAssociations).toEqual([]);
  });
});
