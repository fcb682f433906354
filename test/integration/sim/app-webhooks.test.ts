// Webhooks, webhook templates and formats, over HTTP.
import { describe, expect, it } from 'vitest';
import { call, errorName, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const MESSAGES = [
  'uplink_message', 'uplink_normalized', 'join_accept', 'downlink_ack', 'downlink_nack', 'downlink_sent',
  'downlink_failed', 'downlink_queued', 'downlink_queue_invalidated', 'location_solved', 'service_data',
];
const EVERYTHING = ['base_url', 'format', 'headers', 'template_ids', 'template_fields', 'downlink_api_key', ...MESSAGES, 'field_mask', 'paused'];

function fullWebhook(id: string) {
  return {
    ids: { webhook_id: id },
    base_url: 'https://receiver.example.com/tts',
    format: 'json',
    headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 'acme' },
    template_ids: { template_id: 'datacake' },
    template_fields: { token: 's3cret' },
    downlink_api_key: 'NNSXS.SOURCEKEY.SECRET',
    ...Object.fromEntries(MESSAGES.map((m) => [m, { path: `/${m}` }])),
    field_mask: { paths: ['up.uplink_message.decoded_payload'] },
    paused: true,
  };
}

describe('webhooks', () => {
  it('creates with POST (id in the body) and reads every field back on request', async () => {
    const { s, key } = await start();
    const created = await call(s, key, 'POST', '/as/webhooks/app', { webhook: fullWebhook('all-fields'), field_mask: { paths: EVERYTHING } });
    expect(created.status).toBe(200);
    expect(created.body.ids).toEqual({ application_ids: { application_id: 'app' }, webhook_id: 'all-fields' });
    expect(created.body.created_at).toBe(created.body.updated_at);
    const res = await call(s, key, 'GET', `/as/webhooks/app/all-fields?field_mask=${EVERYTHING.join(',')}`);
    const { ids: _ids, ...rest } = fullWebhook('all-fields');
    expect(res.body).toMatchObject(rest);
  });

  it('returns ids, timestamps, base_url and format by default; the rest only on request', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: fullWebhook('ignored'), field_mask: { paths: EVERYTHING } });
    const plain = await call(s, key, 'GET', '/as/webhooks/app/hook');
    expect(Object.keys(plain.body).sort()).toEqual(['base_url', 'created_at', 'format', 'ids', 'updated_at']);
    // The path's id wins over the body's.
    expect(plain.body.ids.webhook_id).toBe('hook');
    const list = await call(s, key, 'GET', '/as/webhooks/app?field_mask=headers,paused');
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.body.webhooks[0]).toMatchObject({ headers: { Authorization: 'Bearer s3cret' }, paused: true });
    expect(list.body.webhooks[0].uplink_message).toBeUndefined();
  });

  it('enables a message type with an empty message and keeps it present', async () => {
    const { s, key } = await start();
    const res = await call(s, key, 'POST', '/as/webhooks/app', {
      webhook: { ids: { webhook_id: 'bare' }, base_url: 'https://x.example.com', format: 'json', uplink_message: {}, join_accept: { path: '' } },
      field_mask: { paths: ['base_url', 'format', 'uplink_message', 'join_accept', 'downlink_ack'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.uplink_message).toEqual({});
    expect(res.body.join_accept).toEqual({});
    expect(res.body).not.toHaveProperty('downlink_ack');
  });

  it('updates the masked fields only; an update without paths changes nothing', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: fullWebhook('hook'), field_mask: { paths: EVERYTHING } });
    const upd = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { paused: false, headers: {} }, field_mask: { paths: ['paused', 'headers'] } });
    expect(upd.status).toBe(200);
    const read = await call(s, key, 'GET', '/as/webhooks/app/hook?field_mask=paused,headers,template_fields');
    expect(read.body).not.toHaveProperty('paused');
    expect(read.body).not.toHaveProperty('headers');
    expect(read.body.template_fields).toEqual({ token: 's3cret' });
    // Without paths the validator checks the whole webhook, then the registry writes nothing.
    const partial = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { base_url: 'https://other.example.com' }, field_mask: { paths: [] } });
    expect(partial.body.details[0].cause.attributes).toMatchObject({ field: 'format' });
    const noop = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { base_url: 'https://other.example.com', format: 'json' } });
    expect(noop.status).toBe(200);
    expect(noop.body.base_url).toBe('https://receiver.example.com/tts');
  });

  it('validates: absolute base_url, format and id patterns, header limits, downlink key length', async () => {
    const { s, key } = await start();
    const base = { base_url: 'https://x.example.com', format: 'json' };
    const cases: [unknown, string, string, string][] = [
      [{ ...base, base_url: '/relative' }, 'base_url', 'base_url', 'value must be absolute'],
      [{ ...base, format: 'JSON' }, 'format', 'format', 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"'],
      [{ ...base, headers: { ['k'.repeat(65)]: 'v' } }, 'headers', `headers[${'k'.repeat(65)}]`, 'value length must be at most 64 runes'],
      [{ ...base, headers: { Authorization: 'v'.repeat(4097) } }, 'headers', 'headers[Authorization]', 'value length must be at most 4096 runes'],
      [{ ...base, headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, 'v'])) }, 'headers', 'headers', 'value must contain no more than 50 pair(s)'],
      [{ ...base, downlink_api_key: 'k'.repeat(129) }, 'downlink_api_key', 'downlink_api_key', 'value length must be at most 128 runes'],
      [{ ...base, uplink_message: { path: 'p'.repeat(65) } }, 'uplink_message', 'uplink_message', 'embedded message failed validation'],
    ];
    for (const [webhook, path, field, reason] of cases) {
      const res = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook, field_mask: { paths: ['base_url', 'format', path] } });
      expect(res.status, field).toBe(400);
      expect(res.body.details[0].attributes).toMatchObject({ field: 'webhook', name: 'SetApplicationWebhookRequestValidationError' });
      expect(res.body.details[0].cause.attributes, field).toMatchObject({ field, reason, name: 'ApplicationWebhookValidationError' });
    }
    const noId = await call(s, key, 'POST', '/as/webhooks/app', { webhook: base, field_mask: { paths: ['base_url', 'format'] } });
    expect(noId.body.details[0].cause.attributes).toMatchObject({ field: 'ids' });
    expect(noId.body.details[0].cause.cause.attributes).toMatchObject({ field: 'webhook_id' });
    // A create must end up with an absolute base_url (the registry validates the whole webhook).
    const partial = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { paused: true }, field_mask: { paths: ['paused'] } });
    expect(partial.status).toBe(400);
    expect(partial.body.details[0].attributes).toMatchObject({ field: 'base_url', reason: 'value must be absolute' });
    const badType = await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { headers: { a: 1 } }, field_mask: { paths: ['headers'] } });
    expect(badType.status).toBe(400);
    expect(badType.body.details).toEqual([]);
  });

  it('reads with TRAFFIC_READ; writes and deletes need SETTINGS_BASIC, TRAFFIC_READ and TRAFFIC_DOWN_WRITE', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/webhooks/app/hook', { webhook: { base_url: 'https://x.example.com', format: 'json' }, field_mask: { paths: ['base_url', 'format'] } });
    const reader = s.createApiKey('app', ['RIGHT_APPLICATION_TRAFFIC_READ']);
    expect((await call(s, reader, 'GET', '/as/webhooks/app')).status).toBe(200);
    expect((await call(s, reader, 'GET', '/as/webhooks/app/hook')).status).toBe(200);
    const settings = s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_BASIC']);
    const get = await call(s, settings, 'GET', '/as/webhooks/app/hook');
    expect(get.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ']);
    const write = await call(s, reader, 'PUT', '/as/webhooks/app/hook', { webhook: { paused: true }, field_mask: { paths: ['paused'] } });
    expect(write.status).toBe(403);
    expect(write.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_BASIC', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    const del = await call(s, settings, 'DELETE', '/as/webhooks/app/hook');
    expect(del.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ', 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    const writer = s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_BASIC', 'RIGHT_APPLICATION_LINK']);
    expect((await call(s, writer, 'DELETE', '/as/webhooks/app/hook')).status).toBe(200);
  });

  it('answers 404 for a missing webhook, but deletes a missing one without error', async () => {
    const { s, key } = await start();
    const missing = await call(s, key, 'GET', '/as/webhooks/app/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'not_found' });
    expect((await call(s, key, 'DELETE', '/as/webhooks/app/nothing')).status).toBe(200);
    const empty = await call(s, key, 'GET', '/as/webhooks/app');
    expect(empty.body).toEqual({});
    expect(empty.headers.get('x-total-count')).toBe('0');
    expect((await call(s, key, 'GET', '/as/webhooks/app/Bad_Id')).status).toBe(400);
  });

  it('refuses field-mask paths outside the list, and unknown routes under /as/webhooks', async () => {
    const { s, key } = await start();
    const res = await call(s, key, 'GET', '/as/webhooks/app?field_mask=queue');
    expect(errorName(res)).toBe('field_mask_paths');
    expect(res.body.details[0].attributes.forbidden_paths).toEqual(['queue']);
    expect((await call(s, key, 'GET', '/as/webhooks/app/a/b')).status).toBe(404);
    expect((await call(s, key, 'DELETE', '/as/webhooks/app')).status).toBe(405);
  });
});

describe('webhook templates and formats', () => {
  it('lists templates with ids and name only unless asked, and gets one with a field mask; no key needed', async () => {
    const { s } = await start();
    const list = await call(s, undefined, 'GET', '/as/webhook-templates');
    expect(list.body.templates).toEqual([
      { ids: { template_id: 'datacake' }, name: 'Datacake' },
      { ids: { template_id: 'tagoio' }, name: 'TagoIO' },
    ]);
    const one = await call(s, undefined, 'GET', '/as/webhook-templates/datacake?field_mask=fields,headers,base_url,uplink_message');
    expect(one.body).toMatchObject({
      ids: { template_id: 'datacake' },
      base_url: 'https://api.datacake.co/integrations/lorawan/tti',
      headers: { Authorization: 'Token {token}' },
      fields: [{ id: 'token', name: 'Token', description: 'Datacake API Token', secret: true }],
      uplink_message: { path: '/' },
    });
    const missing = await call(s, undefined, 'GET', '/as/webhook-templates/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.details[0]).toMatchObject({ namespace: 'pkg/applicationserver/io/web', name: 'fetch' });
    expect(missing.body.details[0].cause).toMatchObject({ name: 'file_not_found', attributes: { filename: 'nothing.yml' } });
  });

  it('lists the webhook and pub/sub formats', async () => {
    const { s } = await start();
    expect((await call(s, undefined, 'GET', '/as/webhook-formats')).body).toEqual({ formats: { json: 'JSON', protobuf: 'Protocol Buffers' } });
    expect((await call(s, undefined, 'GET', '/as/pubsub-formats')).body).toEqual({ formats: { json: 'JSON' } });
  });
});
