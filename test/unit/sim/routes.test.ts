import { describe, expect, it } from 'vitest';
import apiDefinition from '../../../src-main/sim/reference/api-definition.json' with { type: 'json' };
import { fullMethod } from '../../../src-main/sim/rate-limit.js';
import { type Route, matchRoute, rateLimitEntity } from '../../../src-main/sim/routes.js';

type Binding = { method: string; pattern: string };
const services = apiDefinition as unknown as Record<string, Record<string, { http: Binding[] }>>;

const SAMPLES: [string, string][] = [
  ['GET', 'auth_info'],
  ['POST', 'events'],
  ['GET', 'ns/dev_addr'],
  ['GET', 'applications'],
  ['GET', 'applications/app'],
  ['GET', 'applications/app/devices'],
  ['POST', 'applications/app/devices'],
  ['GET', 'applications/app/devices/dev'],
  ['PUT', 'applications/app/devices/dev'],
  ['DELETE', 'applications/app/devices/dev'],
  ...(['js', 'ns', 'as'] as const).flatMap((c): [string, string][] => [
    ['GET', `${c}/applications/app/devices/dev`],
    ['PUT', `${c}/applications/app/devices/dev`],
    ['POST', `${c}/applications/app/devices`],
    ['DELETE', `${c}/applications/app/devices/dev`],
  ]),
];

function route(method: string, path: string, host?: 'is' | 'cluster' | 'all'): Route {
  const r = matchRoute(method, path.split('/'), host);
  if (r === undefined || r === 'method') throw new Error(`no route ${method} ${path}`);
  return r;
}

describe('routes', () => {
  it('call the gRPC method whose HTTP binding they serve (api-definition.json)', () => {
    for (const [method, path] of SAMPLES) {
      const r = route(method, path);
      const [service, rpc] = r.rpc.split('.') as [string, string];
      const bindings = services[service]?.[rpc]?.http ?? [];
      const matches = bindings.some(
        (b) =>
          b.method.toUpperCase() === method &&
          new RegExp(`^${b.pattern.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(`/${path}`),
      );
      expect(matches, `${method} /${path} -> ${r.rpc}`).toBe(true);
    }
    expect(fullMethod('NsEndDeviceRegistry.Set')).toBe('/ttn.lorawan.v3.NsEndDeviceRegistry/Set');
  });

  it('belong to the IS or the cluster, events to both', () => {
    expect(matchRoute('GET', ['ns', 'dev_addr'], 'is')).toBeUndefined();
    expect(matchRoute('GET', ['auth_info'], 'cluster')).toBeUndefined();
    expect(matchRoute('PATCH', ['applications', 'app'], 'cluster')).toBeUndefined();
    expect(matchRoute('PATCH', ['applications', 'app'], 'is')).toBe('method');
    expect(route('POST', 'events', 'is').stream).toBe(true);
    expect(route('POST', 'events', 'cluster').name).toBe('events');
  });

  it('key the rate limiter on the request entity (grpcEntityFromRequest)', () => {
    expect(rateLimitEntity(route('GET', 'applications/app/devices/dev'), undefined)).toBe('end device:app.dev');
    expect(rateLimitEntity(route('DELETE', 'ns/applications/app/devices/dev'), undefined)).toBe('end device:app.dev');
    expect(rateLimitEntity(route('GET', 'applications/app/devices'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('GET', 'applications/app'), undefined)).toBe('application:app');
    expect(rateLimitEntity(route('POST', 'applications/app/devices'), { end_device: { ids: { device_id: 'd2' } } })).toBe('end device:app.d2');
    expect(rateLimitEntity(route('POST', 'as/applications/app/devices'), { end_device: { ids: { device_id: 'd3' } } })).toBe('end device:app.d3');
    expect(rateLimitEntity(route('GET', 'auth_info'), undefined)).toBe('');
    expect(rateLimitEntity(route('GET', 'applications'), undefined)).toBe('');
    expect(rateLimitEntity(route('GET', 'ns/dev_addr'), undefined)).toBe('');
  });
});
