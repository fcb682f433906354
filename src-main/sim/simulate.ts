// Radio-side simulation: a device sending a join-request or an uplink, and
// what the JS/NS/AS make of it (stored session, events). Event names from
// pkg/joinserver/observability.go, pkg/networkserver/observability.go and
// pkg/applicationserver/observability.go.
import { randomBytes } from 'node:crypto';
import { hostOf } from './codec.js';
import type { SimContext } from './context.js';
import { ulid } from './events.js';
import { refOf } from './handlers-is.js';
import { type JsonObject, getPath, isObject, setPath } from './json-path.js';
import type { JoinResult, UplinkResult } from './types.js';

const hexKey = () => randomBytes(16).toString('hex').toUpperCase();
const str = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = getPath(o, p);
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function uplinkMessage(devAddr: string | undefined, fCnt: number, now: string): JsonObject {
  const msg: JsonObject = {
    '@type': 'type.googleapis.com/ttn.lorawan.v3.UplinkMessage',
    received_at: now,
    rx_metadata: [{ gateway_ids: { gateway_id: 'sim-gateway' }, rssi: -87, channel_rssi: -87, snr: 7.5 }],
    settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: '4/5' } }, frequency: '868100000' },
  };
  if (devAddr) msg.payload = { m_hdr: { m_type: 'UNCONFIRMED_UP' }, mac_payload: { f_hdr: { dev_addr: devAddr, f_cnt: fCnt }, f_port: 1 } };
  else msg.payload = { m_hdr: { m_type: 'JOIN_REQUEST' } };
  return msg;
}

export function simulateJoin(ctx: SimContext, applicationId: string, deviceId: string, appKey?: string): JoinResult {
  const app = ctx.store.app(applicationId);
  const is = app?.is.get(deviceId);
  if (!app || !is) return { accepted: false, reason: 'device_not_found' };
  const ns = app.ns.get(deviceId);
  // Without an NS record the join-request matches no device: no device event.
  if (!ns) return { accepted: false, reason: 'no_network_server_device' };
  if (getPath(ns, 'supports_join') !== true) return { accepted: false, reason: 'abp_device' };
  const ref = refOf(applicationId, deviceId, is);
  const correlationIds = [`ns:uplink:${ulid()}`, `rpc:/ttn.lorawan.v3.NsJs/HandleJoin:${ulid()}`];
  const publish = (name: string, data?: JsonObject) => ctx.bus.publish(name, ref, { data, correlationIds });
  const now = new Date().toISOString();

  const jsAddress = str(is, 'join_server_address');
  if (jsAddress && hostOf(jsAddress) !== hostOf(ctx.clusterHost)) {
    publish('ns.up.join.drop', { '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', name: 'join_server_not_found' });
    return { accepted: false, reason: 'external_join_server' };
  }
  const js = app.js.get(deviceId);
  const rootAppKey = str(js, 'root_keys.app_key.key');
  const rootNwkKey = str(js, 'root_keys.nwk_key.key');
  const reject = (reason: string, name: string): JoinResult => {
    publish('js.join.reject', { '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', namespace: 'pkg/joinserver', name });
    publish('ns.up.join.drop', { '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', namespace: 'pkg/networkserver', name: 'join_request' });
    return { accepted: false, reason };
  };
  if (!js) return reject('no_join_server_device', 'device_not_found');
  if (!rootAppKey) return reject('no_root_keys', 'no_app_key');
  // LoRaWAN 1.1 join-requests are signed with the NwkKey; accept either root key.
  if (appKey !== undefined) {
    const given = appKey.toUpperCase();
    if (given !== rootAppKey && given !== rootNwkKey) return reject('mic_mismatch', 'mic_mismatch');
  }
  publish('js.join.accept');
  publish('ns.up.join.process', uplinkMessage(undefined, 0, now));
  // With downlinks disabled the NS never schedules the join-accept: the device
  // keeps its old session (this is how a migration quiets the source).
  if (getPath(ns, 'mac_settings.schedule_downlinks') === false) return { accepted: false, reason: 'downlinks_disabled' };

  const devAddr = ctx.devAddrs.allocate();
  const sessionKeyId = randomBytes(16).toString('base64');
  const fNwk = hexKey();
  const is11 = getPath(ns, 'lorawan_version') === 'MAC_V1_1';
  setPath(ns, 'session', {
    dev_addr: devAddr,
    keys: {
      session_key_id: sessionKeyId,
      f_nwk_s_int_key: { key: fNwk },
      s_nwk_s_int_key: { key: is11 ? hexKey() : fNwk },
      nwk_s_enc_key: { key: is11 ? hexKey() : fNwk },
    },
    started_at: now,
  });
  setPath(ns, 'ids.dev_addr', devAddr);
  delete ns.pending_session;
  delete ns.pending_mac_state;
  ns.mac_state = { lorawan_version: (getPath(ns, 'lorawan_version') as string | undefined) ?? 'MAC_UNKNOWN', device_class: 'CLASS_A' };
  ns.updated_at = now;
  if (js) {
    js.last_join_nonce = ((getPath(js, 'last_join_nonce') as number | undefined) ?? 0) + 1;
    js.last_dev_nonce = ((getPath(js, 'last_dev_nonce') as number | undefined) ?? 0) + 1;
    js.updated_at = now;
  }
  if (is.activated_at === undefined) is.activated_at = now;
  is.last_seen_at = now;
  app.orderCache.clear();
  const joinedRef = { ...ref, devAddr };
  const accept: JsonObject = {
    '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationUp',
    end_device_ids: { device_id: deviceId, application_ids: { application_id: applicationId }, dev_addr: devAddr },
    join_accept: { session_key_id: sessionKeyId, received_at: now },
  };
  ctx.bus.publish('ns.up.join.accept.forward', joinedRef, { data: accept, correlationIds });
  const as = app.as.get(deviceId);
  if (as) {
    setPath(as, 'session', { dev_addr: devAddr, keys: { session_key_id: sessionKeyId, app_s_key: { key: hexKey() } } });
    setPath(as, 'ids.dev_addr', devAddr);
    as.updated_at = now;
    ctx.bus.publish('as.up.join.forward', joinedRef, { data: accept, correlationIds });
  } else {
    ctx.bus.publish('as.up.join.drop', joinedRef, { correlationIds });
  }
  return { accepted: true, devAddr };
}

export function simulateUplink(ctx: SimContext, applicationId: string, deviceId: string): UplinkResult {
  const app = ctx.store.app(applicationId);
  const is = app?.is.get(deviceId);
  if (!app || !is) return { delivered: false, reason: 'device_not_found' };
  const ns = app.ns.get(deviceId);
  if (!ns) return { delivered: false, reason: 'no_network_server_device' };
  const devAddr = str(ns, 'session.dev_addr');
  if (!devAddr || !isObject(ns.session)) return { delivered: false, reason: 'no_session' };
  const now = new Date().toISOString();
  const fCnt = ((getPath(ns, 'session.last_f_cnt_up') as number | undefined) ?? 0) + 1;
  ns.session.last_f_cnt_up = fCnt;
  ns.updated_at = now;
  is.last_seen_at = now;
  app.orderCache.clear();
  const ref = { ...refOf(applicationId, deviceId, is), devAddr };
  const correlationIds = [`ns:uplink:${ulid()}`, `gs:uplink:${ulid()}`];
  ctx.bus.publish('ns.up.data.process', ref, { data: uplinkMessage(devAddr, fCnt, now), correlationIds });
  const as = app.as.get(deviceId);
  if (!as || !isObject(as.session)) {
    ctx.bus.publish('as.up.data.drop', ref, { correlationIds });
    return { delivered: false, reason: 'no_application_server_session' };
  }
  ctx.bus.publish('as.up.data.forward', ref, {
    correlationIds,
    data: {
      '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationUp',
      end_device_ids: { device_id: deviceId, application_ids: { application_id: applicationId }, dev_addr: devAddr },
      uplink_message: { f_port: 1, f_cnt: fCnt, frm_payload: 'AQID', received_at: now },
    },
  });
  return { delivered: true };
}
