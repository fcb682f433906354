// Delivery of queued downlinks in the RX window of an uplink: schedule_downlinks,
// the events the NS and AS publish (and which reach application subscribers),
// frame counters, and the queue across a re-join.
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src-main/sim/index.js';
import { APP_KEY, type ApiResponse, callAt, createOtaa, openStream, simulatorPerTest } from './helpers.js';

const start = simulatorPerTest();
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const deviceIds = (dev: string) => ({ device_ids: { device_id: dev, application_ids: { application_id: 'app' } } });

async function joined(s: Simulator, key: string, dev: string, devEui: string): Promise<void> {
  await createOtaa(s, key, 'app', dev, devEui);
  expect(s.simulateJoin('app', dev, { key: APP_KEY }).accepted).toBe(true);
}
const push = (s: Simulator, key: string, dev: string, downlinks: unknown[]): Promise<ApiResponse> =>
  callAt(s.clusterUrl, key, 'POST', `/as/applications/app/devices/${dev}/down/push`, { downlinks });
const list = async (s: Simulator, key: string, dev: string): Promise<unknown[]> =>
  (await callAt(s.clusterUrl, key, 'GET', `/as/applications/app/devices/${dev}/down`)).body.downlinks ?? [];

/** NS Set of mac_settings.schedule_downlinks: true, false, or undefined to unset it. */
async function scheduleDownlinks(s: Simulator, key: string, dev: string, value: boolean | undefined): Promise<void> {
  const res = await callAt(s.clusterUrl, key, 'PUT', `/ns/applications/app/devices/${dev}`, {
    end_device: value === undefined ? {} : { mac_settings: { schedule_downlinks: value } },
    field_mask: { paths: ['mac_settings.schedule_downlinks'] },
  });
  expect(res.status, res.text).toBe(200);
}

describe('schedule_downlinks (pkg/networkserver/downlink.go: "Downlink slot skipped since scheduling is disabled")', () => {
  it('sends nothing while false and keeps the queue; sends the first item once true, or unset', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002001');
    await scheduleDownlinks(s, key, 'dev-1', false);
    await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff'), correlation_ids: ['trigger:1'] }, { f_port: 2, frm_payload: b64('02') }]);
    for (let i = 0; i < 3; i++) expect(s.simulateUplink('app', 'dev-1')).toEqual({ delivered: true });
    expect(await list(s, key, 'dev-1')).toHaveLength(2);

    await scheduleDownlinks(s, key, 'dev-1', true);
    const first = s.simulateUplink('app', 'dev-1');
    expect(first.delivered).toBe(true);
    expect(first.downlink).toMatchObject({ fPort: 85, payloadHex: 'FF10FF' });
    expect(first.downlink?.correlationIds).toContain('trigger:1');
    expect(first.downlink?.correlationIds.some((c) => c.startsWith('as:downlink:'))).toBe(true);
    expect(await list(s, key, 'dev-1')).toHaveLength(1);

    await scheduleDownlinks(s, key, 'dev-1', false);
    expect(s.simulateUplink('app', 'dev-1').downlink).toBeUndefined();
    await scheduleDownlinks(s, key, 'dev-1', undefined);
    expect(s.inspect('app', 'dev-1')?.ns.mac_settings?.schedule_downlinks).toBeUndefined();
    expect(s.simulateUplink('app', 'dev-1').downlink).toMatchObject({ fPort: 2, payloadHex: '02' });
    expect(await list(s, key, 'dev-1')).toHaveLength(0);
    expect(s.simulateUplink('app', 'dev-1')).toEqual({ delivered: true });
  });

  it('advances the NS FCntDown (LoRaWAN 1.0.x) and the confirmed counter as it sends', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002002');
    await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01') }, { f_port: 1, frm_payload: b64('02'), confirmed: true }]);
    s.simulateUplink('app', 'dev-1');
    expect(s.inspect('app', 'dev-1')?.ns.session.last_n_f_cnt_down).toBe(1);
    s.simulateUplink('app', 'dev-1');
    const session = s.inspect('app', 'dev-1')?.ns.session;
    expect(session.last_n_f_cnt_down).toBe(2);
    expect(session.last_conf_f_cnt_down).toBe(2);
    // The next push starts above what the NS sent.
    await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('03') }]);
    expect(await list(s, key, 'dev-1')).toMatchObject([{ f_cnt: 3 }]);
  });
});

describe('delivery events', () => {
  it('reach a device stream in full and an application stream as the real definitions propagate them', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002003');
    const device = await openStream(s.url, key, { identifiers: [deviceIds('dev-1')] });
    const app = await openStream(s.url, key, { identifiers: [{ application_ids: { application_id: 'app' } }] });
    try {
      await device.next('events.stream.start');
      await app.next('events.stream.start');
      await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff'), correlation_ids: ['trigger:42'] }]);
      const received = s.simulateUplink('app', 'dev-1').downlink;
      expect(received).toBeDefined();

      const attempt = await device.next('ns.down.data.schedule.attempt');
      expect(attempt.correlation_ids).toContain('trigger:42');
      expect(attempt.correlation_ids.some((c: string) => c.startsWith('ns:downlink:'))).toBe(true);
      expect(attempt.correlation_ids.some((c: string) => c.startsWith('ns:uplink:'))).toBe(true);
      expect(attempt.data.payload.mac_payload).toMatchObject({ f_port: 85, full_f_cnt: 1 });
      const success = await device.next('ns.down.data.schedule.success');
      expect(success.correlation_ids).toEqual(attempt.correlation_ids);
      await device.next('ns.down.transmission.success');

      const sent = await app.next('as.down.data.sent.forward');
      expect(sent.identifiers[0].device_ids.device_id).toBe('dev-1');
      expect(sent.visibility.rights).toEqual(['RIGHT_APPLICATION_TRAFFIC_READ']);
      expect(sent.correlation_ids).toContain('trigger:42');
      expect(sent.data.downlink_sent).toMatchObject({ f_port: 85, f_cnt: 1, frm_payload: b64('ff10ff') });
      expect(sent.data.downlink_sent.correlation_ids).toContain('trigger:42');
      expect(sent.data.downlink_sent.correlation_ids).toEqual(received?.correlationIds);
      await device.next('as.down.data.sent.forward');

      // WithPropagateToParent: receive and sent.forward yes; forward and the NS scheduling events no.
      await new Promise((r) => setTimeout(r, 100));
      expect(app.names()).toEqual(expect.arrayContaining(['as.down.data.receive', 'as.down.data.sent.forward', 'as.up.data.forward']));
      for (const hidden of ['as.down.data.forward', 'ns.down.data.schedule.attempt', 'ns.down.data.schedule.success', 'ns.down.transmission.success']) {
        expect(app.names()).not.toContain(hidden);
        expect(device.names()).toContain(hidden);
      }
    } finally {
      device.close();
      app.close();
    }
  });

  it('shows delivery only to keys with TRAFFIC_READ', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002004');
    const devicesOnly = s.createApiKey('app', ['RIGHT_APPLICATION_DEVICES_READ']);
    const stream = await openStream(s.url, devicesOnly, { identifiers: [{ application_ids: { application_id: 'app' } }] });
    try {
      await push(s, key, 'dev-1', [{ f_port: 85, frm_payload: b64('ff10ff') }]);
      s.simulateUplink('app', 'dev-1');
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.names().filter((n) => n.startsWith('as.down') || n.startsWith('ns.down'))).toEqual([]);
    } finally {
      stream.close();
    }
  });
});

describe('the queue across a join', () => {
  it('is re-encrypted for the new session (InvalidatedDownlinks), FCnt from 1', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002005');
    await push(s, key, 'dev-1', [{ f_port: 1, frm_payload: b64('01') }, { f_port: 1, frm_payload: b64('02') }]);
    s.simulateUplink('app', 'dev-1');
    const before = s.inspect('app', 'dev-1')?.as.session.keys.session_key_id;
    expect(s.simulateJoin('app', 'dev-1', { key: APP_KEY }).accepted).toBe(true);
    const after = s.inspect('app', 'dev-1')?.as.session.keys.session_key_id;
    expect(after).not.toBe(before);
    expect(await list(s, key, 'dev-1')).toMatchObject([{ f_cnt: 1, frm_payload: b64('02'), session_key_id: after }]);
    expect(s.simulateUplink('app', 'dev-1').downlink).toMatchObject({ fPort: 1, payloadHex: '02' });
  });

  it('the uplink without an AS session still gets the NS downlink', async () => {
    const { s, key } = await start();
    await joined(s, key, 'dev-1', '70B3D57ED0002006');
    await push(s, key, 'dev-1', [{ f_port: 7, frm_payload: b64('07') }]);
    const del = await callAt(s.clusterUrl, key, 'DELETE', '/as/applications/app/devices/dev-1');
    expect(del.status).toBe(200);
    const res = s.simulateUplink('app', 'dev-1');
    expect(res).toMatchObject({ delivered: false, reason: 'no_application_server_session', downlink: { fPort: 7 } });
  });
});
