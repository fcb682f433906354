// Pub/subs (MQTT, NATS), provider statuses and their events, over HTTP.
import { describe, expect, it } from 'vitest';
import { call, errorName, openStream, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const mqtt = {
  ids: { pub_sub_id: 'broker' },
  format: 'json',
  base_topic: 'v3/app',
  mqtt: {
    server_url: 'mqtts://broker.example.com:8883',
    client_id: 'sim',
    username: 'integration',
    password: 'p4ss',
    publish_qos: 'AT_LEAST_ONCE',
    tls_ca: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64'),
  },
  uplink_message: { topic: 'up' },
  downlink_push: { topic: 'down/push' },
};
const PATHS = ['format', 'base_topic', 'provider', 'uplink_message', 'downlink_push'];

describe('pub/subs', () => {
  it('creates an MQTT pub/sub and always answers format, provider (password included) and base_topic', async () => {
    const { s, key } = await start();
    const created = await call(s, key, 'POST', '/as/pubsub/app', { pubsub: mqtt, field_mask: { paths: PATHS } });
    expect(created.status).toBe(200);
    expect(created.body.ids).toEqual({ application_ids: { application_id: 'app' }, pub_sub_id: 'broker' });
    const plain = await call(s, key, 'GET', '/as/pubsub/app/broker');
    expect(Object.keys(plain.body).sort()).toEqual(['base_topic', 'created_at', 'format', 'ids', 'mqtt', 'updated_at']);
    expect(plain.body.mqtt).toMatchObject({ password: 'p4ss', publish_qos: 'AT_LEAST_ONCE', tls_ca: mqtt.mqtt.tls_ca });
    expect(plain.body.mqtt).not.toHaveProperty('subscribe_qos'); // AT_MOST_ONCE, the zero value
    const masked = await call(s, key, 'GET', '/as/pubsub/app?field_mask=uplink_message,downlink_push');
    expect(masked.body.pubsubs[0]).toMatchObject({ uplink_message: { topic: 'up' }, downlink_push: { topic: 'down/push' } });
    expect(masked.headers.get('x-total-count')).toBeNull();
  });

  it('switches provider through the oneof: setting nats replaces mqtt', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: PATHS } });
    const nats = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: { nats: { server_url: 'nats://nats.example.com:4222' } }, field_mask: { paths: ['provider.nats.server_url'] } });
    expect(nats.status).toBe(200);
    expect(nats.body.nats).toEqual({ server_url: 'nats://nats.example.com:4222' });
    expect(nats.body).not.toHaveProperty('mqtt');
  });

  it('validates the provider (required, URI, lengths) and ids', async () => {
    const { s, key } = await start();
    const noProvider = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: { format: 'json' }, field_mask: { paths: ['format', 'provider'] } });
    expect(noProvider.body.details[0].cause.attributes).toMatchObject({ field: 'provider', reason: 'value is required' });
    const longClient = await call(s, key, 'PUT', '/as/pubsub/app/broker', {
      pubsub: { mqtt: { server_url: 'mqtt://x', client_id: 'c'.repeat(24) } },
      field_mask: { paths: ['provider.mqtt'] },
    });
    expect(longClient.body.details[0].cause.cause.attributes).toMatchObject({ field: 'client_id', reason: 'value length must be at most 23 runes' });
    const relative = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: { nats: { server_url: 'nats.example.com' } }, field_mask: { paths: ['provider'] } });
    expect(relative.body.details[0].cause.cause.attributes).toMatchObject({ field: 'server_url', reason: 'value must be absolute' });
    const badId = await call(s, key, 'PUT', '/as/pubsub/app/B', { pubsub: mqtt, field_mask: { paths: PATHS } });
    expect(badId.body.details[0].cause.cause.attributes).toMatchObject({ field: 'pub_sub_id' });
  });

  it('panics (500 rpc_recovered) on a Set whose body has no provider, as v3.32 does', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: PATHS } });
    const res = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: { base_topic: 'other' }, field_mask: { paths: ['base_topic'] } });
    expect(res.status).toBe(500);
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/rpcserver', name: 'rpc_recovered' });
    const withProvider = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: { ...mqtt, base_topic: 'other' }, field_mask: { paths: ['base_topic'] } });
    expect(withProvider.body.base_topic).toBe('other');
    expect(withProvider.body.mqtt.password).toBe('p4ss');
  });

  it('refuses timestamps in the mask (ProhibitFields)', async () => {
    const { s, key } = await start();
    const res = await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: [...PATHS, 'created_at'] } });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/applicationserver/io/pubsub/redis', name: 'invalid_fieldmask' });
    expect(res.body.details[0].cause).toMatchObject({ name: 'prohibited_field', attributes: { field: 'created_at' } });
  });

  it('refuses a disabled provider on Set and Get; List still shows it; WARNING adds X-Warning', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: PATHS } });
    s.setPubSubProviders({ mqtt: 'disabled' });
    const set = await call(s, key, 'PUT', '/as/pubsub/app/other', { pubsub: { ...mqtt, ids: {} }, field_mask: { paths: PATHS } });
    expect(set.status).toBe(400);
    expect(set.body.code).toBe(9);
    expect(set.body.details[0]).toMatchObject({ namespace: 'pkg/applicationserver/io/pubsub', name: 'provider_disabled', attributes: { provider: 'Mqtt' } });
    expect((await call(s, key, 'GET', '/as/pubsub/app/broker')).body.details[0].name).toBe('provider_disabled');
    expect((await call(s, key, 'GET', '/as/pubsub/app')).body.pubsubs).toHaveLength(1);
    const nats = await call(s, key, 'PUT', '/as/pubsub/app/nats', { pubsub: { format: 'json', nats: { server_url: 'nats://n.example.com' } }, field_mask: { paths: ['format', 'provider'] } });
    expect(nats.status).toBe(200);
    s.setPubSubProviders({ nats: 'warning' });
    const warned = await call(s, key, 'GET', '/as/pubsub/app/nats');
    expect(warned.status).toBe(200);
    expect(warned.headers.get('x-warning')).toBe('The Nats Pub/Sub provider will be disabled in a future version of the stack');
  });

  it('rights: TRAFFIC_READ to read; SETTINGS_BASIC, TRAFFIC_READ, TRAFFIC_DOWN_WRITE to write and delete', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: PATHS } });
    const reader = s.createApiKey('app', ['RIGHT_APPLICATION_TRAFFIC_READ']);
    expect((await call(s, reader, 'GET', '/as/pubsub/app/broker')).status).toBe(200);
    const write = await call(s, reader, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: ['base_topic'] } });
    expect(write.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_BASIC', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    const del = await call(s, s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_BASIC']), 'DELETE', '/as/pubsub/app/broker');
    expect(del.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    expect(errorName(await call(s, s.createApiKey('app', ['RIGHT_APPLICATION_INFO']), 'GET', '/as/pubsub/app'))).toBe('insufficient_application_rights');
  });

  it('publishes as.pubsub.set and as.pubsub.delete to SETTINGS_BASIC holders; 404 for a missing one; delete is idempotent', async () => {
    const { s, key } = await start();
    const stream = await openStream(s.url, key, { identifiers: [{ application_ids: { application_id: 'app' } }], names: ['as.pubsub.set', 'as.pubsub.delete'] });
    try {
      await call(s, key, 'PUT', '/as/pubsub/app/broker', { pubsub: mqtt, field_mask: { paths: PATHS } });
      const setEvt = await stream.next('as.pubsub.set');
      expect(setEvt.identifiers).toEqual([{ application_ids: { application_id: 'app' } }]);
      expect(setEvt.data).toMatchObject({ application_ids: { application_id: 'app' }, pub_sub_id: 'broker' });
      expect(setEvt.visibility.rights).toEqual(['RIGHT_APPLICATION_SETTINGS_BASIC']);
      expect((await call(s, key, 'DELETE', '/as/pubsub/app/broker')).status).toBe(200);
      await stream.next('as.pubsub.delete');
    } finally {
      stream.close();
    }
    expect((await call(s, key, 'GET', '/as/pubsub/app/broker')).body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'not_found' });
    expect((await call(s, key, 'DELETE', '/as/pubsub/app/broker')).status).toBe(200);
    expect((await call(s, key, 'GET', '/as/pubsub/app')).body).toEqual({});
  });

  it('options can disable a provider from the start', async () => {
    const { s, key } = await start({ pubsubProviders: { mqtt: 'disabled' } });
    const res = await call(s, key, 'POST', '/as/pubsub/app', { pubsub: mqtt, field_mask: { paths: PATHS } });
    expect(res.body.details[0].name).toBe('provider_disabled');
  });
});
