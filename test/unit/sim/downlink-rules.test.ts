// Unit rules of the downlink queue: payload crypto, request decoding and
// validation, routes and rate-limit entities, correlation ids, event names, seeds.
import { describe, expect, it } from 'vitest';
import apiDefinition from '../../../src-main/sim/reference/api-definition.json' with { type: 'json' };
import { decodeDownlinks, downlinkJson, validateDownlinkRequest } from '../../../src-main/sim/downlink-codec.js';
import type { SimError } from '../../../src-main/sim/errors.js';
import { mergeCorrelationIds, resolveNames } from '../../../src-main/sim/events.js';
import { startSimulator } from '../../../src-main/sim/index.js';
import { cryptFrmPayload } from '../../../src-main/sim/lorawan-crypto.js';
import { minAFCntDown, nsQueueOp, takeClassADownlink } from '../../../src-main/sim/ns-downlink.js';
import { fullMethod } from '../../../src-main/sim/rate-limit.js';
import { type Route, matchRoute, rateLimitEntity } from '../../../src-main/sim/routes.js';

type Binding = { method: string; pattern: string };
const services = apiDefinition as unknown as Record<string, Record<string, { http: Binding[] }>>;

function route(method: string, path: string): Route {
  const r = matchRoute(method, path.split('/'), 'cluster');
  if (r === undefined || r === 'method') throw new Error(`no route ${method} ${path}`);
  return r;
}

describe('FRMPayload crypto (pkg/crypto data_messages_test.go vectors)', () => {
  const key = '01'.repeat(16);
  it('encrypts downlinks and uplinks as the real server', () => {
    expect(cryptFrmPayload(key, '01020304', 1, 1, Buffer.from([1, 2, 3, 4])).toString('hex')).toBe('4e75f440');
    expect(cryptFrmPayload(key, '01020304', 1, 0, Buffer.from([1, 2, 3, 4])).toString('hex')).toBe('cff30b4e');
    expect(cryptFrmPayload(key, '01020304', 1, 1, Buffer.from('4e75f440', 'hex')).toString('hex')).toBe('01020304');
    const long = Buffer.alloc(40, 7);
    expect(cryptFrmPayload(key, '01020304', 9, 1, cryptFrmPayload(key, '01020304', 9, 1, long))).toEqual(long);
    expect(cryptFrmPayload(key, '01020304', 1, 1, Buffer.alloc(0))).toHaveLength(0);
  });
});

describe('DownlinkQueueRequest decoding and validation', () => {
  it('reads bytes as base64 (standard or URL-safe), numbers or numeric strings, enum names or numbers', () => {
    const [d] = decodeDownlinks({ downlinks: [{ f_port: '85', frm_payload: '_xD_', priority: 'HIGH', confirmed: true, extra: 1 }] });
    expect(d).toMatchObject({ fPort: 85, priority: 5, confirmed: true, correlationIds: [] });
    expect(d?.frmPayload?.toString('hex')).toBe('ff10ff');
    expect(decodeDownlinks({ downlinks: [{ f_port: 1, priority: 3 }] })[0]?.priority).toBe(3);
    expect(decodeDownlinks(undefined)).toEqual([]);
    expect(() => decodeDownlinks({ downlinks: [{ f_port: 1.5 }] })).toThrow(/unmarshal error at path "downlinks.0.f_port"/);
    expect(() => decodeDownlinks({ downlinks: 'x' } as never)).toThrow(/unmarshal error/);
  });

  it('validates items in order, naming the item and the nested field', () => {
    const items = decodeDownlinks({ downlinks: [{ f_port: 1, frm_payload: 'AQ==' }, { f_port: 224, frm_payload: 'AQ==' }] });
    try {
      validateDownlinkRequest(items);
      expect.unreachable();
    } catch (err) {
      const body = (err as SimError).body() as { details: { attributes: Record<string, unknown>; cause: { attributes: Record<string, unknown> } }[] };
      expect(body.details[0]?.attributes.field).toBe('downlinks[1]');
      expect(body.details[0]?.cause.attributes).toMatchObject({ field: 'f_port', reason: 'value must not be in list [224]' });
    }
    expect(() => validateDownlinkRequest(decodeDownlinks({ downlinks: [{ f_port: 255, frm_payload: 'AQ==' }] }))).not.toThrow();
  });

  it('writes zero scalars omitted and enums by name', () => {
    const [d] = decodeDownlinks({ downlinks: [{ f_port: 2, frm_payload: 'AQ==', priority: 'LOWEST' }] });
    expect(downlinkJson(d!)).toEqual({ f_port: 2, frm_payload: 'AQ==' });
  });
});

describe('the NS queue (pkg/networkserver/grpc_asns.go)', () => {
  const ns = () => ({
    lorawan_version: 'MAC_V1_1',
    mac_state: { lorawan_version: 'MAC_V1_1' },
    session: { dev_addr: '26000001', keys: { session_key_id: 'AQ==' } },
  });
  const item = (fCnt: number, extra: Record<string, unknown> = {}) => ({ ...decodeDownlinks({ downlinks: [{ f_port: 1, frm_payload: 'AQ==', f_cnt: fCnt, session_key_id: 'AQ==', ...extra }] })[0]! });

  it('raises the minimum FCnt over the queue and, for LoRaWAN 1.1, what it sent', () => {
    const dev = ns();
    expect(minAFCntDown(dev, 'session')).toBe(0);
    nsQueueOp(dev, [item(4), item(5)], false);
    expect(minAFCntDown(dev, 'session')).toBe(6);
    expect(minAFCntDown(dev, 'session', true)).toBe(0);
    expect(takeClassADownlink(dev)?.fCnt).toBe(4);
    expect(takeClassADownlink(dev)?.fCnt).toBe(5);
    expect(minAFCntDown(dev, 'session')).toBe(6);
    expect(takeClassADownlink(dev)).toBeUndefined();
  });

  it('refuses items of unknown sessions, too long payloads, and a full queue', () => {
    const dev = ns();
    expect(() => nsQueueOp(dev, [item(1, { session_key_id: 'Ag==' })], false)).toThrow(/unknown session/);
    expect(() => nsQueueOp(dev, [item(1, { frm_payload: Buffer.alloc(243).toString('base64') })], false)).toThrow(/exceeds maximum/);
    expect(() => nsQueueOp(dev, Array.from({ length: 10_001 }, (_, i) => item(i + 1)), false)).toThrow(/capacity/);
    expect(dev.session).not.toHaveProperty('queued_application_downlinks');
  });

  it('holds the queue at a class B/C item in a class A slot', () => {
    const dev = ns();
    nsQueueOp(dev, [item(1, { class_b_c: {} }), item(2)], false);
    expect(takeClassADownlink(dev)).toBeUndefined();
    expect(dev.session).toHaveProperty('queued_application_downlinks', expect.any(Array));
    expect((dev.session as unknown as { queued_application_downlinks: unknown[] }).queued_application_downlinks).toHaveLength(2);
  });
});

describe('routes and rate-limit entities', () => {
  it('serve the AppAs bindings of api-definition.json', () => {
    for (const [method, path] of [
      ['POST', 'as/applications/app/devices/dev/down/push'],
      ['POST', 'as/applications/app/devices/dev/down/replace'],
      ['GET', 'as/applications/app/devices/dev/down'],
    ] as const) {
      const r = route(method, path);
      const [service, rpc] = r.rpc.split('.') as [string, string];
      const bindings = services[service]?.[rpc]?.http ?? [];
      expect(bindings.some((b) => b.method.toUpperCase() === method && new RegExp(`^${b.pattern.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(`/${path}`))).toBe(true);
    }
    expect(route('POST', 'as/applications/app/devices/dev/down/push').name).toBe('as.down.push');
    expect(fullMethod(route('POST', 'as/applications/app/devices/dev/down/replace').rpc)).toBe('/ttn.lorawan.v3.AppAs/DownlinkQueueReplace');
    expect(matchRoute('POST', 'as/applications/app/devices/dev/down/push'.split('/'), 'is')).toBeUndefined();
    expect(matchRoute('PUT', 'as/applications/app/devices/dev/down'.split('/'), 'cluster')).toBe('method');
    expect(matchRoute('POST', 'as/applications/app/devices/dev/down/other'.split('/'), 'cluster')).toBeUndefined();
  });

  it('key push and replace on the application (v3.35.2) or the device (v3.32), the list on the device', () => {
    const push = route('POST', 'as/applications/app/devices/dev/down/push');
    const replace = route('POST', 'as/applications/app/devices/dev/down/replace');
    const list = route('GET', 'as/applications/app/devices/dev/down');
    expect(rateLimitEntity(push, undefined)).toBe('application:app');
    expect(rateLimitEntity(replace, undefined)).toBe('application:app');
    expect(rateLimitEntity(push, undefined, { downlinkPerDevice: true })).toBe('end device:app.dev');
    expect(rateLimitEntity(list, undefined)).toBe('end device:app.dev');
  });
});

describe('events and correlation ids', () => {
  it('merges correlation ids sorted and unique, as pkg/events does', () => {
    expect(mergeCorrelationIds(['b', 'a'], ['a', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('knows the downlink event names', () => {
    expect(resolveNames(['as.down.data.sent.forward', 'ns.down.data.schedule.success'])).toEqual(
      new Set(['as.down.data.sent.forward', 'ns.down.data.schedule.success']),
    );
    expect(resolveNames(['/^as\\.down\\.data\\.(sent|failed)\\./'])).toEqual(new Set(['as.down.data.failed.forward', 'as.down.data.sent.forward']));
  });
});

describe('seeds', () => {
  it('keep the default share of models, seed EM320-TH, and take modelShare', async () => {
    const sims = await Promise.all([startSimulator(), startSimulator(), startSimulator()]);
    try {
      const [a, b, c] = sims as [Awaited<ReturnType<typeof startSimulator>>, Awaited<ReturnType<typeof startSimulator>>, Awaited<ReturnType<typeof startSimulator>>];
      for (const s of sims) s.addApplication('app');
      const ids = a.seedDevices('app', 300, { seed: 9 });
      b.seedDevices('app', 300, { seed: 9, modelShare: 0.3 });
      c.seedDevices('app', 300, { seed: 9, modelShare: 1 });
      const models = (s: typeof a) => ids.map((id) => s.inspect('app', id)?.is.version_ids?.model_id as string | undefined);
      expect(models(a)).toEqual(models(b));
      const share = models(a).filter(Boolean).length / ids.length;
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.4);
      expect(models(c).every(Boolean)).toBe(true);
      expect(new Set(models(c))).toEqual(new Set(['generic-node-sensor-edition', 'lht65', 'em320-th']));
      const em320 = ids.map((id) => c.inspect('app', id)?.is.version_ids).find((v) => v?.model_id === 'em320-th');
      expect(em320).toMatchObject({ brand_id: 'milesight-iot', hardware_version: 'V1.0', firmware_version: '1.02' });
      expect(() => a.seedDevices('app', 1, { modelShare: 2 })).toThrow(/modelShare/);
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });
});
