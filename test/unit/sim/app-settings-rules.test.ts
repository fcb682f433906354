// Rules of the application-settings part of the simulator: routes against the
// vendored api-definition, rate-limit entities, SetFields with oneofs, the
// link's deprecated paths, URI rules and the JSON decoding of settings.
import { describe, expect, it } from 'vitest';
import apiDefinition from '../../../src-main/sim/reference/api-definition.json' with { type: 'json' };
import { PUBSUB_ONEOFS, WEBHOOK_SCHEMA } from '../../../src-main/sim/as-messages.js';
import { removeDeprecatedPaths } from '../../../src-main/sim/handlers-link.js';
import { decodeMessage } from '../../../src-main/sim/message-codec.js';
import { type Route, matchRoute, rateLimitEntity } from '../../../src-main/sim/routes.js';
import { jsonPaths, project, setFields } from '../../../src-main/sim/set-fields.js';
import { uriRule } from '../../../src-main/sim/validate.js';

type Binding = { method: string; pattern: string };
const services = apiDefinition as unknown as Record<string, Record<string, { http?: Binding[] }>>;
const SERVICES = ['As', 'ApplicationWebhookRegistry', 'ApplicationPubSubRegistry', 'ApplicationPackageRegistry'];

function route(method: string, path: string, host?: 'is' | 'cluster' | 'all'): Route {
  const r = matchRoute(method, path.split('/'), host);
  if (r === undefined || r === 'method') throw new Error(`no route ${method} ${path}`);
  return r;
}

/** A binding's path with sample values: f_port → 7, anything else → "x-<n>". */
function sample(pattern: string): string {
  let i = 0;
  return pattern.slice(1).replace(/\{([^}]+)\}/g, (_, name: string) => (name.endsWith('f_port') ? '7' : `x-${i++}`));
}

describe('routes of the application settings', () => {
  it('serve every HTTP binding of As, the webhook, pub/sub and package registries, with that method', () => {
    for (const service of SERVICES) {
      for (const [rpc, def] of Object.entries(services[service] ?? {})) {
        for (const b of def.http ?? []) {
          const r = route(b.method.toUpperCase(), sample(b.pattern), 'cluster');
          expect(r.rpc, `${b.method} ${b.pattern}`).toBe(`${service}.${rpc}`);
          expect(matchRoute(b.method.toUpperCase(), sample(b.pattern).split('/'), 'is'), b.pattern).toBeUndefined();
        }
      }
    }
  });

  it('serve GetMQTTConnectionInfo and ApplicationRegistry Create/Update/List on their bindings', () => {
    const cases: [string, string, string, 'is' | 'cluster'][] = [
      ['GET', 'as/applications/app/mqtt-connection-info', 'AppAs.GetMQTTConnectionInfo', 'cluster'],
      ['POST', 'users/alice/applications', 'ApplicationRegistry.Create', 'is'],
      ['POST', 'organizations/acme/applications', 'ApplicationRegistry.Create', 'is'],
      ['GET', 'users/alice/applications', 'ApplicationRegistry.List', 'is'],
      ['GET', 'organizations/acme/applications', 'ApplicationRegistry.List', 'is'],
      ['PUT', 'applications/app', 'ApplicationRegistry.Update', 'is'],
      ['GET', 'applications/app/api-keys', 'ApplicationAccess.ListAPIKeys', 'is'],
      ['POST', 'applications/app/api-keys', 'ApplicationAccess.CreateAPIKey', 'is'],
      ['GET', 'applications/app/api-keys/KEYID', 'ApplicationAccess.GetAPIKey', 'is'],
      ['PUT', 'applications/app/api-keys/KEYID', 'ApplicationAccess.UpdateAPIKey', 'is'],
      ['DELETE', 'applications/app/api-keys/KEYID', 'ApplicationAccess.DeleteAPIKey', 'is'],
      ['GET', 'applications/app/collaborators', 'ApplicationAccess.ListCollaborators', 'is'],
    ];
    for (const [method, path, rpc, host] of cases) {
      const r = route(method, path, host);
      expect(r.rpc).toBe(rpc);
      const [service, m] = rpc.split('.') as [string, string];
      const bindings = (apiDefinition as unknown as Record<string, Record<string, { http?: Binding[] }>>)[service]?.[m]?.http ?? [];
      if (service !== 'AppAs') {
        expect(bindings.some((b) => b.method.toUpperCase() === method && new RegExp(`^${b.pattern.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(`/${path}`))).toBe(true);
      }
    }
    expect(route('POST', 'users/alice/applications').params).toEqual({ user: 'alice' });
    expect(matchRoute('DELETE', ['users', 'alice', 'applications'], 'is')).toBe('method');
  });

  it('key the rate limiter on the application, or the device for device associations', () => {
    expect(rateLimitEntity(route('GET', 'as/applications/app/link'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('PUT', 'as/webhooks/app/hook'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('POST', 'as/pubsub/app'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('PUT', 'as/applications/app/packages/associations/7'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('GET', 'as/applications/app/devices/dev/packages'), undefined)).toBe('end device:app.dev');
    expect(rateLimitEntity(route('DELETE', 'as/applications/app/devices/dev/packages/associations/7'), undefined)).toBe('end device:app.dev');
    expect(rateLimitEntity(route('GET', 'as/applications/app/mqtt-connection-info'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('GET', 'as/configuration'), undefined)).toBe('');
    expect(rateLimitEntity(route('GET', 'as/webhook-templates'), undefined)).toBe('');
    expect(rateLimitEntity(route('POST', 'users/alice/applications'), { application: { ids: { application_id: 'new-app' } } })).toBe('application:new-app');
    expect(rateLimitEntity(route('POST', 'users/alice/applications'), {})).toBe('application:_');
    expect(rateLimitEntity(route('PUT', 'applications/app'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('POST', 'applications/app/api-keys'), undefined)).toBe('application:app');
  });
});

describe('SetFields on stored JSON', () => {
  it('maps oneof mask paths onto their JSON members', () => {
    expect(jsonPaths('provider', PUBSUB_ONEOFS)).toEqual(['nats', 'mqtt', 'aws_iot']);
    expect(jsonPaths('provider.mqtt.server_url', PUBSUB_ONEOFS)).toEqual(['mqtt.server_url']);
    expect(jsonPaths('base_topic', PUBSUB_ONEOFS)).toEqual(['base_topic']);
  });

  it('replaces the other member of a oneof, clears absent leaves, creates parents only from the source', () => {
    const dst = { mqtt: { server_url: 'mqtt://a', password: 'p' }, base_topic: 't', uplink_message: { topic: 'up' } };
    setFields(dst, { nats: { server_url: 'nats://b' } }, ['provider.nats.server_url', 'base_topic', 'join_accept.topic'], PUBSUB_ONEOFS);
    expect(dst).toEqual({ nats: { server_url: 'nats://b' }, uplink_message: { topic: 'up' } });
    // A sub-path of a present message with an absent leaf keeps the message (enabled, empty).
    setFields(dst, { uplink_message: {} }, ['uplink_message.topic']);
    expect(dst.uplink_message).toEqual({});
    expect(project({ a: { b: 1, c: 2 }, d: 3 }, ['a.b', 'x'])).toEqual({ a: { b: 1 } });
  });
});

describe('the link, URIs and JSON decoding', () => {
  it('keeps the v3.32 removeDeprecatedPaths bug: api_key dropped, network_server_address once, tls twice', () => {
    expect(removeDeprecatedPaths(['api_key', 'network_server_address', 'tls', 'default_formatters'])).toEqual({
      paths: ['network_server_address', 'tls', 'tls', 'default_formatters', 'default_formatters', 'default_formatters'],
      warnings: ['field api_key is deprecated', 'field network_server_address is deprecated', 'field tls is deprecated'],
    });
  });

  it('checks string.uri as Go url.Parse and IsAbs do', () => {
    const rule = uriRule('u');
    expect(rule({ u: 'https://example.com/x' })).toBeUndefined();
    expect(rule({ u: 'host:1883' })).toBeUndefined(); // scheme "host"
    expect(rule({ u: '/relative' })).toBe('value must be absolute');
    expect(rule({})).toBe('value must be absolute');
    expect(rule({ u: '1host:80/x' })).toBe('value must be a valid URI');
    expect(rule({ u: 'https://example.com/%zz' })).toBe('value must be a valid URI');
  });

  it('decodes settings as the TTS unmarshaler: zero values dropped, messages kept, wrong types refused', () => {
    const w = decodeMessage(WEBHOOK_SCHEMA, { base_url: '', paused: false, uplink_message: {}, headers: {}, unknown: 1, field_mask: 'a,b' }, 'webhook');
    expect(w).toEqual({ uplink_message: {}, field_mask: { paths: ['a', 'b'] } });
    expect(() => decodeMessage(WEBHOOK_SCHEMA, { paused: 'yes' }, 'webhook')).toThrow(/webhook\.paused/);
    expect(() => decodeMessage(WEBHOOK_SCHEMA, [], 'webhook')).toThrow(/expected an object/);
  });
});
