// Radio-side simulation: a device sending a join-request or an uplink, and
// what the JS/NS/AS make of it (stored state, events). Sources (v3.32):
// pkg/networkserver/grpc_gsns.go handleJoinRequest and sendJoinRequest,
// pkg/joinserver/joinserver.go HandleJoin, pkg/networkserver/downlink.go (the
// join-accept), and the events of pkg/{join,network,application}server/observability.go.
import { randomBytes } from 'node:crypto';
import { getHost } from './addresses.js';
import { from104, useNwkKey } from './component-rules.js';
import type { AcceptedJoin, SimContext } from './context.js';
import { JOIN_ERRORS, type SimError, errorDetails, registryNotFound } from './errors.js';
import { carryQueue } from './as-downlink.js';
import { deliverClassADownlink } from './deliver.js';
import { ulid } from './events.js';
import { refOf } from './handlers-is.js';
import { type JsonObject, getPath, isObject, setPath } from './json-path.js';
import type { Application } from './store.js';
import type { JoinOptions, JoinResult, UplinkResult } from './types.js';

const hexKey = () => randomBytes(16).toString('hex').toUpperCase();
const str = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = getPath(o, p);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const num = (o: JsonObject | undefined, p: string): number => {
  const v = getPath(o, p);
  return typeof v === 'number' ? v : 0;
};
const nonZeroKey = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = str(o, p);
  return v !== undefined && !/^0+$/.test(v) ? v.toUpperCase() : undefined;
};

/** pkg/joinserver/config.go DevNonceLimit default (cmd/internal/shared/joinserver/config.go): 10 used DevNonces kept. */
export const DEV_NONCE_LIMIT = 10;
/** HandleJoin: JoinNonce is 24 bits; the JS refuses to go past it (join_nonce_too_high). */
const MAX_JOIN_NONCE = (1 << 24) - 1;
/** The root_key_id the CLI used when it generated both keys (joinserver.go key table). */
export const CLI_GENERATED_ROOT_KEY_ID = 'ttn-lw-cli-generated';

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

/** The root keys the Join Server uses for a join-request of this version. */
export interface JoinKeys {
  /** The key of the MIC and the network session keys, or the error when there is none. */
  network?: string;
  /** The key of the AppSKey. */
  application?: string;
  error?: keyof typeof JOIN_ERRORS;
}

/**
 * pkg/joinserver/joinserver.go HandleJoin, the key table:
 *   no NwkKey, 1.0.x: AppKey | NwkKey, 1.0.x, root_key_id ttn-lw-cli-generated: AppKey |
 *   NwkKey, 1.0.x, other root_key_id (or none): NwkKey for both | 1.1: NwkKey (network), AppKey (application).
 * A 1.1 device without NwkKey is refused (no_nwk_key), without AppKey too (no_app_key).
 */
export function joinServerKeys(js: JsonObject, macVersion: unknown): JoinKeys {
  const nwkKey = nonZeroKey(js, 'root_keys.nwk_key.key');
  const appKey = nonZeroKey(js, 'root_keys.app_key.key');
  const v11 = useNwkKey(macVersion);
  let network: string | undefined;
  let application: string | undefined;
  if (nwkKey && (v11 || getPath(js, 'root_keys.root_key_id') !== CLI_GENERATED_ROOT_KEY_ID)) {
    network = nwkKey;
    if (!v11) application = nwkKey;
  }
  if (application === undefined && appKey) {
    application = appKey;
    if (network === undefined && !v11) network = appKey;
  }
  if (network === undefined) return { error: 'no_nwk_key' };
  if (application === undefined) return { network, error: 'no_app_key' };
  return { network, application };
}

/**
 * The DevNonce a device sends when the test gives none: from LoRaWAN 1.0.4 a
 * counter (last_dev_nonce + 1); before, a random value, here one the Join
 * Server has not seen (above last_dev_nonce and every used DevNonce).
 */
export function defaultDevNonce(js: JsonObject, macVersion: unknown): number {
  let last = num(js, 'last_dev_nonce');
  if (!from104(macVersion)) {
    const used = getPath(js, 'used_dev_nonces');
    if (Array.isArray(used)) for (const n of used) if (typeof n === 'number' && n > last) last = n;
  }
  return (last + 1) & 0xffff;
}

/** The nonce part of HandleJoin: the new JS nonce state, or the error. */
export function checkNonces(
  js: JsonObject,
  macVersion: unknown,
  devNonce: number,
): { error: keyof typeof JOIN_ERRORS } | { joinNonce: number; set: JsonObject } {
  const lastDev = num(js, 'last_dev_nonce');
  const lastJoin = num(js, 'last_join_nonce');
  const resets = getPath(js, 'resets_join_nonces') === true;
  const set: JsonObject = {};
  if (from104(macVersion)) {
    // macspec.IncrementDevNonce: DevNonce must grow, unless the device resets its nonces.
    if ((devNonce !== 0 || lastDev !== 0 || lastJoin !== 0) && !resets && devNonce <= lastDev) return { error: 'dev_nonce_too_small' };
    set.last_dev_nonce = devNonce;
  } else {
    // Before 1.0.4: a DevNonce may not repeat (the last DevNonceLimit are kept), unless the device resets.
    const used = (getPath(js, 'used_dev_nonces') as number[] | undefined) ?? [];
    if (!used.includes(devNonce)) set.used_dev_nonces = [...used, devNonce].slice(-DEV_NONCE_LIMIT);
    else if (!resets) return { error: 'reuse_dev_nonce' };
  }
  if (lastJoin >= MAX_JOIN_NONCE) return { error: 'join_nonce_too_high' };
  set.last_join_nonce = lastJoin + 1;
  return { joinNonce: lastJoin + 1, set };
}

/** Whether a join_server_address names this deployment's Join Server (hosts compared without port). */
function isLocalJoinServer(ctx: SimContext, app: Application, address: string | undefined): boolean {
  if (address === undefined) return true;
  const host = getHost(address);
  const appJs = app.record.join_server_address;
  return host === getHost(ctx.clusterHost) || (typeof appJs === 'string' && host === getHost(appJs));
}

export function simulateJoin(ctx: SimContext, applicationId: string, deviceId: string, opts: JoinOptions = {}): JoinResult {
  const app = ctx.store.app(applicationId);
  const is = app?.is.get(deviceId);
  const ns = app?.ns.get(deviceId);
  // Without an NS record the join-request matches no device: no device event.
  if (!app || !ns) return { accepted: false, reason: is ? 'no_network_server_device' : 'device_not_found' };
  const ref = refOf(applicationId, deviceId, is ?? ns);
  const correlationIds = [`ns:uplink:${ulid()}`, `rpc:/ttn.lorawan.v3.NsJs/HandleJoin:${ulid()}`];
  const publish = (name: string, data?: JsonObject) => ctx.bus.publish(name, ref, { data, correlationIds });
  const now = new Date().toISOString();
  const request = uplinkMessage(undefined, 0, now);
  publish('ns.up.join.receive', request);
  const macVersion = getPath(ns, 'lorawan_version');
  const nsDrop = (reason: string, err: SimError): JoinResult => {
    publish('ns.up.join.drop', errorDetails(err) as JsonObject);
    return { accepted: false, reason };
  };
  if (typeof macVersion !== 'string' || macVersion === 'MAC_UNKNOWN') return nsDrop('unknown_mac_version', JOIN_ERRORS.unknown_mac_version());
  if (getPath(ns, 'supports_join') !== true) return nsDrop('abp_device', JOIN_ERRORS.abp_join_request());

  // sendJoinRequest: the cluster-local Join Server first. It finds the device by
  // its EUIs; an absent one is NotFound, and without interop Join Server the NS
  // then answers join_server_not_found.
  publish('ns.up.join.cluster.attempt');
  const js = app.js.get(deviceId);
  if (!js) {
    publish('ns.up.join.cluster.fail', errorDetails(registryNotFound()) as JsonObject);
    const reason = isLocalJoinServer(ctx, app, str(is, 'join_server_address')) ? 'no_join_server_device' : 'external_join_server';
    return nsDrop(reason, JOIN_ERRORS.join_server_not_found());
  }
  const devNonce = opts.devNonce ?? defaultDevNonce(js, macVersion);
  if (!Number.isInteger(devNonce) || devNonce < 0 || devNonce > 0xffff) throw new Error('devNonce must be within 0..65535');
  // The JS publishes js.join.reject without identifiers (observability.go
  // registerRejectJoin: NewWithIdentifiersAndData(ctx, nil, err)), so no stream
  // sees it; the NS's ns.up.join.cluster.fail and ns.up.join.drop carry the error.
  const jsReject = (name: keyof typeof JOIN_ERRORS): JoinResult => {
    const err = JOIN_ERRORS[name]();
    publish('ns.up.join.cluster.fail', errorDetails(err) as JsonObject);
    publish('ns.up.join.drop', errorDetails(err) as JsonObject);
    return { accepted: false, reason: name, devNonce };
  };
  const nonces = checkNonces(js, macVersion, devNonce);
  if ('error' in nonces) return jsReject(nonces.error);
  const keys = joinServerKeys(js, macVersion);
  if (keys.error) return jsReject(keys.error);
  // The MIC is computed with the network key: a device signing with another key fails.
  const signedWith = opts.key ?? opts.appKey;
  if (signedWith !== undefined && signedWith.toUpperCase() !== keys.network) return jsReject('mic_mismatch');

  // Accepted: the JS stores the nonces, the session keys and the DevAddr (HandleJoin paths).
  let devAddr = ctx.devAddrs.allocate();
  // handleJoinRequest: up to 5 retries for a DevAddr other than the current session's.
  for (let i = 0; i < 5 && devAddr === str(ns, 'session.dev_addr'); i++) devAddr = ctx.devAddrs.allocate();
  const sessionKeyId = randomBytes(16).toString('base64');
  for (const [k, v] of Object.entries(nonces.set)) js[k] = v;
  setPath(js, 'ids.dev_addr', devAddr);
  js.updated_at = now;
  const joinNonce = nonces.joinNonce;
  publish('js.join.accept');
  publish('ns.up.join.cluster.success');
  publish('ns.up.join.process', request);
  // With downlinks disabled the NS never schedules the join-accept: the device
  // keeps its old session (this is how a migration quiets the source).
  if (getPath(ns, 'mac_settings.schedule_downlinks') === false) return { accepted: false, reason: 'downlinks_disabled', devNonce, joinNonce };

  // downlink.go: the join-accept is scheduled, forwarded to the AS, and the NS
  // holds the new session as pending until the device uses it.
  const fNwk = hexKey();
  const is11 = useNwkKey(macVersion);
  const session: JsonObject = {
    dev_addr: devAddr,
    keys: {
      session_key_id: sessionKeyId,
      f_nwk_s_int_key: { key: fNwk },
      s_nwk_s_int_key: { key: is11 ? hexKey() : fNwk },
      nwk_s_enc_key: { key: is11 ? hexKey() : fNwk },
    },
    started_at: now,
  };
  const macState: JsonObject = { lorawan_version: macVersion, device_class: 'CLASS_A' };
  const asSession: JsonObject = { dev_addr: devAddr, keys: { session_key_id: sessionKeyId, app_s_key: { key: hexKey() } } };
  const joinedRef = { ...ref, devAddr };
  const accept: JsonObject = {
    '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationUp',
    end_device_ids: { device_id: deviceId, application_ids: { application_id: applicationId }, dev_addr: devAddr },
    join_accept: { session_key_id: sessionKeyId, received_at: now },
  };
  // The device (LoRaWAN 1.0.4 and 1.1) drops a Join-Accept whose JoinNonce is not above the last it accepted.
  const dropped = opts.deviceLastJoinNonce !== undefined && from104(macVersion) && joinNonce <= opts.deviceLastJoinNonce;
  if (dropped) {
    ns.pending_session = session;
    ns.pending_mac_state = macState;
  } else {
    // The old session's queue goes to the AS with the join-accept and comes back re-encrypted.
    const as = app.as.get(deviceId);
    carryQueue(isObject(ns.session) ? ns.session : undefined, isObject(as?.session) ? as.session : undefined, session, asSession);
    ns.session = session;
    setPath(ns, 'ids.dev_addr', devAddr);
    delete ns.pending_session;
    delete ns.pending_mac_state;
    ns.mac_state = macState;
  }
  ns.updated_at = now;
  ctx.bus.publish('ns.up.join.accept.forward', joinedRef, { data: accept, correlationIds });
  const as = app.as.get(deviceId);
  if (as) {
    if (dropped) as.pending_session = asSession;
    else {
      as.session = asSession;
      setPath(as, 'ids.dev_addr', devAddr);
      delete as.pending_session;
    }
    as.updated_at = now;
    ctx.bus.publish('as.up.join.forward', joinedRef, { data: accept, correlationIds });
  } else {
    ctx.bus.publish('as.up.join.drop', joinedRef, { correlationIds });
  }
  if (dropped) return { accepted: false, reason: 'join_nonce_not_increasing', devNonce, joinNonce };
  if (is) {
    if (is.activated_at === undefined) is.activated_at = now;
    is.last_seen_at = now;
    app.orderCache.clear();
  }
  const accepted: AcceptedJoin = { applicationId, deviceId, joinEui: ref.joinEui, devEui: ref.devEui, devNonce, joinNonce };
  for (const observe of ctx.joinObservers) observe(accepted);
  return { accepted: true, devAddr, devNonce, joinNonce };
}

/** pkg/networkserver/grpc_gsns.go recentUplinkCount: the window of mac_state.recent_uplinks. */
export const RECENT_UPLINK_COUNT = 20;

/**
 * The NS's record of an uplink in mac_state.recent_uplinks (grpc_gsns.go appendRecentUplink with
 * toMACStateRxMetadata: per gateway its gateway_ids, the RSSI/SNR; Packet Broker and relay stay
 * empty), the oldest dropped beyond the window.
 */
function recordRecentUplink(ctx: SimContext, ns: JsonObject, gatewayIds: readonly string[], receivedAt: string, correlationIds: string[]): void {
  const rxMetadata = gatewayIds.map((id) => {
    const eui = getPath(ctx.gateways.get(id)?.record, 'ids.eui');
    return { gateway_ids: { gateway_id: id, ...(typeof eui === 'string' ? { eui } : {}) }, channel_rssi: -42, snr: 9.5 };
  });
  if (!isObject(ns.mac_state)) ns.mac_state = {};
  const state = ns.mac_state as JsonObject;
  const recent = Array.isArray(state.recent_uplinks) ? state.recent_uplinks : [];
  recent.push({ received_at: receivedAt, ...(rxMetadata.length > 0 ? { rx_metadata: rxMetadata } : {}), correlation_ids: correlationIds });
  state.recent_uplinks = recent.slice(-RECENT_UPLINK_COUNT);
}

export function simulateUplink(ctx: SimContext, applicationId: string, deviceId: string, gatewayIds?: readonly string[]): UplinkResult {
  const app = ctx.store.app(applicationId);
  const is = app?.is.get(deviceId);
  if (!app || !is) return { delivered: false, reason: 'device_not_found' };
  const ns = app.ns.get(deviceId);
  if (!ns) return { delivered: false, reason: 'no_network_server_device' };
  // A multicast "device" is a group address nothing transmits on (and the NS
  // keeps session.last_f_cnt_up of multicast devices zero).
  if (getPath(ns, 'multicast') === true) return { delivered: false, reason: 'multicast_device' };
  const devAddr = str(ns, 'session.dev_addr');
  if (!devAddr || !isObject(ns.session)) return { delivered: false, reason: 'no_session' };
  const now = new Date().toISOString();
  const fCnt = num(ns, 'session.last_f_cnt_up') + 1;
  ns.session.last_f_cnt_up = fCnt;
  ns.updated_at = now;
  is.last_seen_at = now;
  app.orderCache.clear();
  const ref = { ...refOf(applicationId, deviceId, is), devAddr };
  const correlationIds = [`ns:uplink:${ulid()}`, `gs:uplink:${ulid()}`];
  if (gatewayIds) recordRecentUplink(ctx, ns, gatewayIds, now, correlationIds);
  ctx.bus.publish('ns.up.data.process', ref, { data: () => uplinkMessage(devAddr, fCnt, now), correlationIds });
  const as = app.as.get(deviceId);
  if (!as || !isObject(as.session)) {
    ctx.bus.publish('as.up.data.drop', ref, { correlationIds });
    const downlink = deliverClassADownlink(ctx, ref, ns, as, correlationIds);
    return { delivered: false, reason: 'no_application_server_session', ...(downlink ? { downlink } : {}) };
  }
  ctx.bus.publish('as.up.data.forward', ref, {
    correlationIds,
    data: () => ({
      '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationUp',
      end_device_ids: { device_id: deviceId, application_ids: { application_id: applicationId }, dev_addr: devAddr },
      uplink_message: { f_port: 1, f_cnt: fCnt, frm_payload: 'AQID', received_at: now },
    }),
  });
  // The NS's downlink task for the RX windows of this uplink.
  const downlink = deliverClassADownlink(ctx, ref, ns, as, correlationIds);
  return downlink ? { delivered: true, downlink } : { delivered: true };
}
