// The AS link (default formatters), /as/configuration and the MQTT connection info, over HTTP.
import { describe, expect, it } from 'vitest';
import { ALL, call, errorName, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const SCRIPT = 'function decodeUplink(input) { return { data: { b: input.bytes[0] } }; }';
const setLink = (formatters: Record<string, unknown>, paths: string[] = ['default_formatters']) => ({
  link: { default_formatters: formatters },
  field_mask: { paths },
});

describe('AS link', () => {
  it('answers 404 pkg/redis:not_found until a link is set, then only the masked paths', async () => {
    const { s, key } = await start();
    const none = await call(s, key, 'GET', '/as/applications/app/link?field_mask=default_formatters,skip_payload_crypto');
    expect(none.status).toBe(404);
    expect(none.body.details[0]).toMatchObject({ namespace: 'pkg/redis', name: 'not_found' });

    const set = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: SCRIPT }));
    expect(set.status).toBe(200);
    // SetLink answers every top-level field (ApplicationLinkFieldPathsTopLevel).
    expect(set.body).toEqual({ default_formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: SCRIPT } });

    // Without a field mask the registry returns an empty link: `{}` (looks wrong, is right).
    expect((await call(s, key, 'GET', '/as/applications/app/link')).body).toEqual({});
    const masked = await call(s, key, 'GET', '/as/applications/app/link?field_mask=default_formatters.up_formatter,skip_payload_crypto');
    expect(masked.body).toEqual({ default_formatters: { up_formatter: 'FORMATTER_JAVASCRIPT' } });
  });

  it('accepts enum names without the FORMATTER prefix and numbers, writes names, leaves FORMATTER_NONE out', async () => {
    const { s, key } = await start();
    const set = await call(s, key, 'PUT', '/as/applications/app/link', {
      link: { default_formatters: { up_formatter: 'CAYENNELPP', down_formatter: 0 }, skip_payload_crypto: true },
      field_mask: { paths: ['default_formatters', 'skip_payload_crypto'] },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ default_formatters: { up_formatter: 'FORMATTER_CAYENNELPP' }, skip_payload_crypto: true });
    const unknown = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 'FORMATTER_LUA' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([]);
    const undefinedNumber = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 9 }));
    expect(undefinedNumber.status).toBe(400);
    expect(undefinedNumber.body.details[0].cause.cause.attributes).toMatchObject({
      field: 'up_formatter',
      reason: 'value must be one of the defined enum values',
    });
  });

  it('updates only the masked sub-paths and keeps the rest', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: SCRIPT }));
    const down = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ down_formatter: 'FORMATTER_CAYENNELPP' }, ['default_formatters.down_formatter']));
    expect(down.body.default_formatters).toEqual({ up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: SCRIPT, down_formatter: 'FORMATTER_CAYENNELPP' });
  });

  it('limits scripts: over 40960 runes the validator, over max-parameter-length bytes formatter_script_too_large', async () => {
    const { s, key } = await start();
    const runes = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter_parameter: 'a'.repeat(40961) }, ['default_formatters.up_formatter_parameter']));
    expect(runes.status).toBe(400);
    expect(errorName(runes)).toBe('validation');
    expect(runes.body.details[0].cause.cause.attributes).toMatchObject({ field: 'up_formatter_parameter', reason: 'value length must be at most 40960 runes' });

    // 30000 two-byte runes pass the validator (runes) but not the AS's byte limit.
    const bytes = await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: 'é'.repeat(30000) }));
    expect(bytes.status).toBe(400);
    expect(bytes.body.details[0]).toMatchObject({ namespace: 'pkg/applicationserver', name: 'field_value', attributes: { field: 'default_formatters.up_formatter_parameter' } });
    expect(bytes.body.details[0].cause).toMatchObject({ name: 'formatter_script_too_large', attributes: { size: 60000, max_size: 40960 } });
    expect((await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter_parameter: 'a'.repeat(40960) }, ['default_formatters.up_formatter_parameter']))).status).toBe(200);
  });

  it('takes the byte limit from formatterMaxParameterLength, checks it before the rights, and for device formatters too', async () => {
    const { s, key } = await start({ formatterMaxParameterLength: 100 });
    const noRights = s.createApiKey('app', ['RIGHT_APPLICATION_INFO']);
    const big = setLink({ down_formatter_parameter: 'x'.repeat(101) }, ['default_formatters.down_formatter_parameter']);
    const res = await call(s, noRights, 'PUT', '/as/applications/app/link', big);
    expect(res.body.details[0].cause).toMatchObject({ name: 'formatter_script_too_large', attributes: { size: 101, max_size: 100 } });
    const dev = await call(s, key, 'PUT', '/as/applications/app/devices/dev1', {
      end_device: { ids: { device_id: 'dev1', dev_eui: '0004A30B001C0530', join_eui: '0000000000000000' }, formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: 'y'.repeat(200) } },
      field_mask: { paths: ['formatters'] },
    });
    expect(dev.status).toBe(400);
    expect(dev.body.details[0]).toMatchObject({ name: 'field_value', attributes: { field: 'formatters.up_formatter_parameter' } });
  });

  it('needs RIGHT_APPLICATION_SETTINGS_BASIC to read, write and delete', async () => {
    const { s } = await start();
    const reader = s.createApiKey('app', ['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_TRAFFIC_READ']);
    for (const [method, body] of [['GET', undefined], ['PUT', setLink({ up_formatter: 'FORMATTER_CAYENNELPP' })], ['DELETE', undefined]] as const) {
      const res = await call(s, reader, method, '/as/applications/app/link', body);
      expect(res.status, method).toBe(403);
      expect(res.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_SETTINGS_BASIC']);
    }
    const other = s.createApiKey('app', ['RIGHT_APPLICATION_SETTINGS_BASIC']);
    expect((await call(s, other, 'GET', '/as/applications/missing/link')).body.details[0].name).toBe('no_application_rights');
  });

  it('deletes idempotently, and the delete clears the default package associations', async () => {
    const { s, key } = await start();
    expect((await call(s, key, 'DELETE', '/as/applications/app/link')).status).toBe(200);
    s.seedIntegrations('app', { webhooks: false, pubsub: false });
    expect(s.inspectApplication('app')?.defaultAssociations).toHaveLength(1);
    expect((await call(s, key, 'DELETE', '/as/applications/app/link')).body).toEqual({});
    expect(s.inspectApplication('app')?.link).toBeUndefined();
    expect(s.inspectApplication('app')?.defaultAssociations).toEqual([]);
    expect((await call(s, key, 'GET', '/as/applications/app/link?field_mask=default_formatters')).status).toBe(404);
  });

  it('treats the deprecated paths as v3.32 does: api_key dropped with a warning, tls names no field', async () => {
    const { s, key } = await start();
    await call(s, key, 'PUT', '/as/applications/app/link', setLink({ up_formatter: 'FORMATTER_CAYENNELPP' }));
    const apiKey = await call(s, key, 'GET', '/as/applications/app/link?field_mask=api_key');
    expect(apiKey.status).toBe(200);
    expect(apiKey.body).toEqual({});
    expect(apiKey.headers.get('x-warning')).toBe('field api_key is deprecated');
    const tls = await call(s, key, 'GET', '/as/applications/app/link?field_mask=tls');
    expect(tls.status).toBe(500);
    expect(tls.body.code).toBe(2);
    // The validator refuses them on SetLink: the message no longer has these fields.
    const set = await call(s, key, 'PUT', '/as/applications/app/link', { link: {}, field_mask: { paths: ['api_key'] } });
    expect(set.status).toBe(400);
    expect(set.body.details[0].cause.attributes).toMatchObject({ field: 'api_key', reason: 'invalid field path' });
    const forbidden = await call(s, key, 'GET', '/as/applications/app/link?field_mask=frequency_plan_id');
    expect(forbidden.body.details[0].name).toBe('field_mask_paths');
  });
});

describe('AS link stats', () => {
  it('answers Unimplemented: v3.32 no longer links to a Network Server', async () => {
    const { s, key } = await start();
    const res = await call(s, key, 'GET', '/as/applications/app/link/stats');
    expect(res.status).toBe(501);
    expect(res.body.details[0]).toMatchObject({ namespace: 'pkg/applicationserver', name: 'linking_not_implemented' });
  });
});

describe('AS configuration and MQTT connection info', () => {
  it('leaves ENABLED providers out (the zero value) and shows WARNING and DISABLED, without any key', async () => {
    const { s } = await start();
    const res = await call(s, undefined, 'GET', '/as/configuration');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ configuration: { pubsub: { providers: {} }, webhooks: { unhealthy_retry_interval: '0s' } } });
    s.setPubSubProviders({ mqtt: 'disabled', nats: 'warning' });
    expect((await call(s, undefined, 'GET', '/as/configuration')).body.configuration.pubsub.providers).toEqual({ mqtt: 'DISABLED', nats: 'WARNING' });
    s.setPubSubProviders({ mqtt: 'enabled' });
    expect((await call(s, undefined, 'GET', '/as/configuration')).body.configuration.pubsub.providers).toEqual({});
  });

  it('reads the providers from the options', async () => {
    const { s } = await start({ pubsubProviders: { nats: 'disabled' } });
    expect((await call(s, undefined, 'GET', '/as/configuration')).body.configuration.pubsub.providers).toEqual({ nats: 'DISABLED' });
  });

  it('names the application as username in the open-source build, with the default addresses', async () => {
    const { s, key } = await start();
    const oss = await call(s, key, 'GET', '/as/applications/app/mqtt-connection-info');
    expect(oss.body).toEqual({ public_address: 'localhost:1883', public_tls_address: 'localhost:8883', username: 'app' });
  });

  it('names it app@tenant on a Cloud tenant, with the configured addresses', async () => {
    const cloud = await start({ tenantId: 'acme', mqtt: { publicAddress: 'eu1.cloud.thethings.industries:1883', publicTlsAddress: 'eu1.cloud.thethings.industries:8883' } });
    const res = await call(cloud.s, cloud.key, 'GET', '/as/applications/app/mqtt-connection-info');
    expect(res.body).toEqual({
      public_address: 'eu1.cloud.thethings.industries:1883',
      public_tls_address: 'eu1.cloud.thethings.industries:8883',
      username: 'app@acme',
    });
  });

  it('needs RIGHT_APPLICATION_INFO for the MQTT connection info', async () => {
    const { s } = await start();
    const noInfo = s.createApiKey('app', ['RIGHT_APPLICATION_TRAFFIC_READ']);
    const res = await call(s, noInfo, 'GET', '/as/applications/app/mqtt-connection-info');
    expect(res.status).toBe(403);
    expect(res.body.details[0].attributes.missing).toEqual(['RIGHT_APPLICATION_INFO']);
    expect((await call(s, s.createApiKey('app', ALL), 'GET', '/as/applications/app/mqtt-connection-info')).status).toBe(200);
  });
});
