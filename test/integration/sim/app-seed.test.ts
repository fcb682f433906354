// seedIntegrations / inspectApplication read back over HTTP, host roles and rate-limit keys of the new routes.
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';
import { ALL, call, callAt, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();

describe('seedIntegrations', () => {
  it('gives an application a JS link, three webhooks, an MQTT pub/sub and package associations, readable over HTTP', async () => {
    const { s, key } = await start();
    const devices = s.seedDevices('app', 3, { seed: 1 });
    const seeded = s.seedIntegrations('app');
    expect(seeded.webhookIds.sort()).toEqual(['crm-ingest', 'datacake', 'downlink-bridge']);
    expect(seeded.pubsubIds).toEqual(['broker']);
    expect(seeded.deviceAssociations).toEqual(devices.slice(0, 2).map((deviceId) => ({ deviceId, fPort: 197 })));

    const link = await call(s, key, 'GET', '/as/applications/app/link?field_mask=default_formatters');
    expect(link.body.default_formatters).toMatchObject({ up_formatter: 'FORMATTER_JAVASCRIPT', down_formatter: 'FORMATTER_JAVASCRIPT' });
    expect(link.body.default_formatters.up_formatter_parameter).toContain('function decodeUplink');

    const hooks = await call(s, key, 'GET', '/as/webhooks/app?field_mask=headers,template_ids,template_fields,downlink_api_key,paused');
    const byId = Object.fromEntries(hooks.body.webhooks.map((w: { ids: { webhook_id: string } }) => [w.ids.webhook_id, w]));
    expect(byId.datacake).toMatchObject({ template_ids: { template_id: 'datacake' }, template_fields: { token: expect.any(String) } });
    expect(Object.keys(byId['crm-ingest'].headers).sort()).toEqual(['Authorization', 'X-Api-Key']);
    expect(byId['downlink-bridge']).toMatchObject({ paused: true });
    // The seeded downlink key is a real key of this deployment, with the downlink right only.
    const dl = await call(s, byId['downlink-bridge'].downlink_api_key, 'GET', '/auth_info');
    expect(dl.body.api_key.api_key.rights).toEqual(['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);

    const pubsub = await call(s, key, 'GET', '/as/pubsub/app/broker');
    expect(pubsub.body.mqtt).toMatchObject({ server_url: 'mqtts://broker.example.com:8883', password: expect.any(String) });
    const defaults = await call(s, key, 'GET', '/as/applications/app/packages/associations?field_mask=data');
    expect(defaults.body.defaults[0]).toMatchObject({ package_name: 'lora-cloud-device-management-v1', data: { token: expect.any(String) } });
    const perDevice = await call(s, key, 'GET', `/as/applications/app/devices/${devices[0]}/packages/associations`);
    expect(perDevice.body.associations[0]).toMatchObject({ package_name: 'lora-cloud-geolocation-v3', ids: { f_port: 197 } });

    // Every secret is listed, and present in what the stored records hold.
    const stored = JSON.stringify(s.inspectApplication('app'));
    expect(seeded.secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of seeded.secrets) expect(stored).toContain(secret);
  });

  it('inspectApplication copies, skips parts on request, and is undefined for an unknown application', async () => {
    {
      const { s } = await start();
      s.seedIntegrations('app', { webhooks: false, packages: false });
      const parts = s.inspectApplication('app');
      expect(parts?.webhooks).toEqual([]);
      expect(parts?.pubsubs).toHaveLength(1);
      expect(parts?.defaultAssociations).toEqual([]);
      parts!.pubsubs[0].base_topic = 'changed';
      expect(s.inspectApplication('app')?.pubsubs[0].base_topic).toBe('v3/app');
      expect(s.inspectApplication('nowhere')).toBeUndefined();
      expect(() => s.seedIntegrations('nowhere')).toThrow(/unknown application/);
    }
  });
});

describe('host roles and rate limits', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('serves the AS settings on the cluster and application create on the Identity Server', async () => {
    sim = await startSimulator({ separateCluster: true });
    sim.addApplication('app');
    const key = sim.createApiKey('app', ALL);
    expect((await callAt(sim.clusterUrl, key, 'GET', '/as/webhooks/app')).status).toBe(200);
    expect((await callAt(sim.url, key, 'GET', '/as/webhooks/app')).status).toBe(404);
    expect((await callAt(sim.clusterUrl, undefined, 'GET', '/as/configuration')).status).toBe(200);
    const alice = sim.createUserApiKey('alice', { rights: ['RIGHT_USER_APPLICATIONS_CREATE'] });
    const create = { application: { ids: { application_id: 'made-here' } } };
    expect((await callAt(sim.url, alice, 'POST', '/users/alice/applications', create)).status).toBe(200);
    expect((await callAt(sim.clusterUrl, alice, 'POST', '/users/alice/applications', create)).status).toBe(404);
  });

  it('keys application settings on the application, device associations on the device', async () => {
    sim = await startSimulator({
      rateLimit: { profiles: [{ maxPerMin: 1, associations: ['grpc:method:/ttn.lorawan.v3.ApplicationWebhookRegistry/List', 'grpc:method:/ttn.lorawan.v3.ApplicationPackageRegistry/ListAssociations'] }] },
    });
    sim.addApplication('app');
    sim.addApplication('app2');
    const key = sim.createApiKey('app', ALL);
    expect((await call(sim, key, 'GET', '/as/webhooks/app')).status).toBe(200);
    const limited = await call(sim, key, 'GET', '/as/webhooks/app');
    expect(limited.status).toBe(429);
    expect(limited.body.details[0].attributes.key).toMatch(/^grpc:method:\/ttn\.lorawan\.v3\.ApplicationWebhookRegistry\/List:application:app:token:/);
    // Another application is another bucket: the same key is refused by the handler, not the limiter.
    expect((await call(sim, key, 'GET', '/as/webhooks/app2')).status).toBe(403);
    expect((await call(sim, key, 'GET', '/as/applications/app/devices/dev-1/packages/associations')).status).toBe(200);
    const dev = await call(sim, key, 'GET', '/as/applications/app/devices/dev-1/packages/associations');
    expect(dev.body.details[0].attributes.key).toMatch(/^grpc:method:\/ttn\.lorawan\.v3\.ApplicationPackageRegistry\/ListAssociations:end device:app\.dev-1:token:/);
    expect((await call(sim, key, 'GET', '/as/applications/app/devices/dev-2/packages/associations')).status).toBe(200);
  });

  it('counts the new routes and lets failNext script their errors', async () => {
    sim = await startSimulator();
    sim.addApplication('app');
    const key = sim.createApiKey('app', ALL);
    sim.failNext('as.webhooks.set', { status: 409, name: 'transaction_failed' });
    const res = await call(sim, key, 'PUT', '/as/webhooks/app/hook', { webhook: { base_url: 'https://x.example.com', format: 'json' }, field_mask: { paths: ['base_url', 'format'] } });
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'transaction_failed' });
    expect(sim.counters()['as.webhooks.set']).toBe(1);
    expect(sim.inspectApplication('app')?.webhooks).toEqual([]);
    sim.failNext('app.create', { status: 400, name: 'tenant_entity_limit' });
    const alice = sim.createUserApiKey('alice', { rights: ['RIGHT_USER_APPLICATIONS_CREATE'] });
    const limited = await call(sim, alice, 'POST', '/users/alice/applications', { application: { ids: { application_id: 'new-app' } } });
    expect(limited.body).toMatchObject({ code: 9, details: [{ namespace: 'pkg/identityserver', name: 'tenant_entity_limit' }] });
  });
});
