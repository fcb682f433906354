// The AS downlink queue routes (push, replace, list): rights, validation,
// correlation ids, FCnt/session key assignment, errors and push events.
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src-main/sim/index.js';
import { cryptFrmPayload } from '../../../src-main/sim/lorawan-crypto.js';
import { APP_KEY, type ApiResponse, callAt, createOtaa, errorName, openStream, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** An OTAA device that joined (session on NS and AS). */
async function joined(s: Simulator, key: string, dev: string, devEui: string): Promise<void> {
  await createOtaa(s, key, 'app', dev, devEui);
  expect(s.simulateJoin('app', dev, { key: APP_KEY }).accepted).toBe(true);
}

const push = (s: Simulator, key: string, dev: string, downlinks: unknown[], op = 'push'): Promise<ApiResponse> =>
  callAt(s.clusterUrl, key, 'POST', `/as/applications/app/devices/${dev}/down/${op}`, { downlinks });
const list = (s: Simulator, key: string, dev: string): Promise<ApiResponse> => callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${dev}/down`);
const detail = (res: ApiResponse) => res.body?.details?.[0];

describe('rights (pkg/applicationserver/io/grpc/grpc.go)', () => {
  it('push and replace need TRAFFIC_DOWN_WRITE, list needs TRAFFIC_READ', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001001');
    const readOnly = s.createApiKey('app', ['RIGHT_APPLICATION_TRAFFIC_READ']);
    const downOnly = s.createApiKey('app', ['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    const item = { f_port: 1, frm_payload: b64('01') };
    for (const op of ['push', 'replace']) {
      const res = await push(s, readOnly, 'dev-1', [item], op);
      expect(res.status).toBe(403);
      expect(errorName(res)).toBe('insufficient_application_rights');
      expect(detail(res).attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
      expect((await push(s, downOnly, 'dev-1', [item], op)).status).toBe(200);
    }
    const denied = await list(s, downOnly, 'dev-1');
    expect(denied.status).toBe(403);
    expect(detail(denied).attributes.missing).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ']);
    expect((await list(s, readOnly, 'dev-1')).status).toBe(200);
    // RIGHT_APPLICATION_LINK implies both traffic rights.
    const link = s.createApiKey('app', ['RIGHT_APPLICATION_LINK']);
    expect((await push(s, link, 'dev-1', [item])).status).toBe(200);
    expect((await list(s, link, 'dev-1')).status).toBe(200);
    s.addApplication('other');
    const foreign = await push(s, s.createApiKey('other', ['RIGHT_APPLICATION_ALL']), 'dev-1', [item]);
    expect(foreign.status).toBe(403);
    expect(errorName(foreign)).toBe('no_application_rights');
  });
});

describe('push and list', () => {
  it('keeps the client correlation ids, adds as:downlink and the call, and assigns FCnt and session key id', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001002');
    const res = await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff'), priority: 'NORMAL', correlation_ids: ['zz:mine:1', 'aa:mine:2'] }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    await push(s, key, 'dev-1', [{ f_port: 2, frm_payload: b64('0102'), confirmed: true }]);
    const listed = await list(s, key, 'dev-1');
    expect(listed.status).toBe(200);
    const [first, second] = listed.body.downlinks;
    const sessionKeyId = s.inspect('app', 'dev-1')?.as.session.keys.session_key_id;
    expect(first).toMatchObject({ f_port: 85, f_cnt: 1, frm_payload: b64('ff10ff'), priority: 'NORMAL', session_key_id: sessionKeyId });
    expect(first.correlation_ids).toEqual(expect.arrayContaining(['zz:mine:1', 'aa:mine:2']));
    expect(first.correlation_ids.filter((c: string) => c.startsWith('as:downlink:'))).toHaveLength(1);
    expect(first.correlation_ids.some((c: string) => c.startsWith('rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:'))).toBe(true);
    // pkg/events keeps correlation ids sorted.
    expect(first.correlation_ids).toEqual([...first.correlation_ids].sort());
    expect(second).toMatchObject({ f_port: 2, f_cnt: 2, confirmed: true, confirmed_retry: { attempt: 1 } });
    expect(s.inspect('app', 'dev-1')?.as.session.last_a_f_cnt_down).toBe(2);
  });

  it('gives each item of a multi-item push its own as:downlink id', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001003');
    await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01') }, { f_port: 1, frm_payload: b64('02') }]);
    const [a, b] = (await list(s, key, 'dev-1')).body.downlinks;
    const idOf = (d: { correlation_ids: string[] }) => d.correlation_ids.filter((c) => c.startsWith('as:downlink:'));
    expect(idOf(a)).toHaveLength(1);
    expect(idOf(b)).toHaveLength(1);
    expect(idOf(a)[0]).not.toBe(idOf(b)[0]);
  });

  it('stores ciphertext on the NS, encrypted with the AppSKey for the assigned FCnt', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001004');
    await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff') }]);
    const parts = s.inspect('app', 'dev-1')!;
    const [queued] = parts.ns.session.queued_application_downlinks;
    expect(queued.frm_payload).not.toBe(b64('ff10ff'));
    const plain = cryptFrmPayload(parts.as.session.keys.app_s_key.key, parts.as.session.dev_addr, queued.f_cnt, 1, Buffer.from(queued.frm_payload, 'base64'));
    expect(plain.toString('hex')).toBe('ff10ff');
  });

  it('replace replaces the queue; an empty list answers {}', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001005');
    expect((await list(s, key, 'dev-1')).body).toEqual({});
    await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01') }, { f_port: 1, frm_payload: b64('02') }]);
    expect((await push(s, key, 'dev-1', [{ f_port: 9, frm_payload: b64('09'), correlation_ids: ['r:1'] }], 'replace')).status).toBe(200);
    const after = (await list(s, key, 'dev-1')).body.downlinks;
    expect(after).toHaveLength(1);
    // The AS's frame counter moves on: the replaced items used 1 and 2.
    expect(after[0]).toMatchObject({ f_port: 9, f_cnt: 3, frm_payload: b64('09') });
    expect(after[0].correlation_ids.some((c: string) => c.startsWith('rpc:/ttn.lorawan.v3.AppAs/DownlinkQueueReplace:'))).toBe(true);
    expect((await push(s, key, 'dev-1', [], 'replace')).status).toBe(200);
    expect((await list(s, key, 'dev-1')).body).toEqual({});
  });

  it('raises the FCnt to the NS minimum (LoRaWAN 1.0.x shares FCntDown: last_n_f_cnt_down + 1)', async () => {
    const { s, key } = await start();
    const ids = s.seedDevices('app', 30, { mix: 'otaa', seed: 7 });
    // A seeded 1.0.x device whose NS sent more downlinks than the AS knows of.
    const id = ids.find((d) => {
      const p = s.inspect('app', d);
      return p?.ns.lorawan_version !== 'MAC_V1_1' && (p?.ns.session.last_n_f_cnt_down ?? 0) > (p?.as.session.last_a_f_cnt_down ?? 0) + 1;
    });
    expect(id).toBeDefined();
    const nsLast = s.inspect('app', id!)?.ns.session.last_n_f_cnt_down as number;
    expect((await push(s, key, id!, [{ f_port: 1, frm_payload: b64('01') }])).status).toBe(200);
    expect((await list(s, key, id!)).body.downlinks[0].f_cnt).toBe(nsLast + 1);
    expect(s.inspect('app', id!)?.as.session.last_a_f_cnt_down).toBe(nsLast + 1);
  });
});

describe('validation and errors', () => {
  it('answers the validator for f_port, frm_payload length, priority and correlation ids, nothing queued', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001007');
    const cases: [unknown, string, string][] = [
      [{ f_port: 256, frm_payload: b64('01') }, 'f_port', 'value must be less than or equal to 255'],
      [{ f_port: 224, frm_payload: b64('01') }, 'f_port', 'value must not be in list [224]'],
      [{ f_port: 1, frm_payload: Buffer.alloc(256).toString('base64') }, 'frm_payload', 'value length must be at most 255 bytes'],
      [{ f_port: 1, frm_payload: b64('01'), priority: 9 }, 'priority', 'value must be one of the defined enum values'],
      [{ f_port: 1, frm_payload: b64('01'), correlation_ids: ['x'.repeat(101)] }, 'correlation_ids[0]', 'value length must be at most 100 runes'],
    ];
    for (const [item, field, reason] of cases) {
      const res = await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('00') }, item]);
      expect(res.status, JSON.stringify(item)).toBe(400);
      expect(detail(res)).toMatchObject({ namespace: 'pkg/errors', name: 'validation', code: 3 });
      expect(detail(res).attributes).toMatchObject({ field: 'downlinks[1]', reason: 'embedded message failed validation', name: 'DownlinkQueueRequestValidationError' });
      expect(detail(res).cause.attributes).toMatchObject({ field, reason, name: 'ApplicationDownlinkValidationError' });
    }
    const retries = await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01'), confirmed: true, confirmed_retry: { max_attempts: 101 } }]);
    expect(detail(retries).cause.attributes).toMatchObject({ field: 'confirmed_retry' });
    expect(detail(retries).cause.cause.attributes).toMatchObject({ field: 'max_attempts', reason: 'value must be inside range (0, 100]' });
    expect((await list(s, key, 'dev-1')).body).toEqual({});
  });

  it('refuses undecodable bodies before anything else (grpc-gateway)', async () => {
    const { s } = await start();
    const noRights = s.createApiKey('app', ['RIGHT_APPLICATION_INFO']);
    for (const item of [{ f_port: 1, frm_payload: '%%%' }, { f_port: -1, frm_payload: b64('01') }, { f_port: 1, frm_payload: b64('01'), priority: 'URGENT' }]) {
      const res = await push(s, noRights, 'dev-1', [item]);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([]);
      expect(res.body.message).toMatch(/unmarshal error at path "downlinks\.0\./);
    }
  });

  it('answers the AS and NS errors: payload, FPort, retries, length, session, device', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001008');
    const expectError = (res: ApiResponse, status: number, namespace: string, name: string, code: number) => {
      expect(res.status, res.text).toBe(status);
      expect(detail(res)).toMatchObject({ namespace, name, code });
    };
    expectError(await push(s, key, 'dev-1', [{ f_port: 1 }]), 400, 'pkg/applicationserver', 'no_payload', 3);
    expectError(await push(s, key, 'dev-1', [{ f_port: 0, frm_payload: b64('01') }]), 400, 'pkg/applicationserver', 'no_f_port', 3);
    expectError(
      await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01'), confirmed: true, confirmed_retry: { max_attempts: 33 } }]),
      400, 'pkg/applicationserver', 'downlink_max_retries_invalid', 3,
    );
    const long = await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: Buffer.alloc(243).toString('base64') }]);
    expectError(long, 400, 'pkg/networkserver', 'application_downlink_too_long', 3);
    expect(detail(long).attributes).toEqual({ length: 243, max: 242 });
    expect((await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: Buffer.alloc(242).toString('base64') }])).status).toBe(200);
    // A device that never joined has no session on the AS.
    await createOtaa(s, key, 'app', 'dev-2', '70B3D57ED0001009');
    expectError(await push(s, key, 'dev-2', [{ f_port: 1, frm_payload: b64('01') }]), 400, 'pkg/applicationserver', 'no_device_session', 9);
    const missing = await push(s, key, 'nope', [{ f_port: 1, frm_payload: b64('01') }]);
    expectError(missing, 404, 'pkg/applicationserver', 'device_not_found', 5);
    expect(detail(missing).attributes).toEqual({ device_uid: 'app.nope' });
    expectError(await list(s, key, 'nope'), 404, 'pkg/redis', 'not_found', 5);
    // A decoded_payload without a downlink formatter queues an empty FRMPayload (FORMATTER_NONE).
    expect((await push(s, key, 'dev-1', [{ f_port: 3, decoded_payload: { reboot: true } }])).status).toBe(200);
    const last = (await list(s, key, 'dev-1')).body.downlinks.at(-1);
    expect(last.f_port).toBe(3);
    expect(last.frm_payload).toBeUndefined();
  });

  it('serves the routes on the cluster only, with the unknown-route 404 elsewhere', async () => {
    const { s, key } = await start({ separateCluster: true });
    const [id] = s.seedDevices('app', 1, { mix: 'otaa' });
    expect((await callAt(s.url, key, 'POST', `/as/applications/app/devices/${id}/down/push`, { downlinks: [] })).status).toBe(404);
    expect((await callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${id}/down/push`)).status).toBe(405);
    expect((await push(s, key, id!, [{ f_port: 1, frm_payload: b64('01') }])).status).toBe(200);
    expect((await list(s, key, id!)).body.downlinks).toHaveLength(1);
  });
});

describe('push events (pkg/applicationserver/observability.go)', () => {
  it('publishes as.down.data.receive and as.down.data.forward; only receive reaches application subscribers', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0001011');
    const device = await openStream(s.url, key, { identifiers: [{ device_ids: { device_id: 'dev-1', application_ids: { application_id: 'app' } } }] });
    const app = await openStream(s.url, key, { identifiers: [{ application_ids: { application_id: 'app' } }] });
    try {
      await device.next('events.stream.start');
      await app.next('events.stream.start');
      await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff'), correlation_ids: ['mine:1'] }]);
      const receive = await device.next('as.down.data.receive');
      expect(receive.data).toMatchObject({ f_port: 85, frm_payload: b64('ff10ff') });
      expect(receive.correlation_ids).toContain('mine:1');
      expect(receive.visibility.rights).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ']);
      const forward = await device.next('as.down.data.forward');
      expect(forward.data).toMatchObject({ f_port: 85, f_cnt: 1 });
      expect(forward.data.frm_payload).not.toBe(b64('ff10ff'));
      expect(forward.correlation_ids).toContain('mine:1');
      await app.next('as.down.data.receive');
      await new Promise((r) => setTimeout(r, 100));
      expect(app.names()).not.toContain('as.down.data.forward');
      await push(s, key, 'dev-1', [{ f_port: 0, frm_payload: b64('01') }]);
      const drop = await device.next('as.down.data.drop');
      expect(drop.data).toMatchObject({ namespace: 'pkg/applicationserver', name: 'no_f_port' });
    } finally {
      device.close();
      app.close();
    }
  });
});
