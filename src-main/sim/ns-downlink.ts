// The Network Server's application downlink queue: where it lives
// (`session.queued_application_downlinks` and the pending session's), what
// DownlinkQueuePush/Replace accept (pkg/networkserver/grpc_asns.go
// matchApplicationDownlinks, minAFCntDown, downlink-queue-capacity), and the
// class A slot after an uplink that sends the first queued item
// (pkg/networkserver/downlink.go generateDataDownlink, recordDataDownlink,
// processDownlinkTask; ReportTxAcknowledgment in grpc_gsns.go).
import { useNwkKey } from './component-common.js';
import { type Downlink, downlinkFromJson, downlinkJson } from './downlink-codec.js';
import { applicationDownlinkTooLong, unknownMacState, unknownSession } from './downlink-errors.js';
import { downlinkQueueCapacity } from './errors.js';
import { type JsonObject, getPath, isObject } from './json-path.js';

/** pkg/networkserver/config.go DownlinkQueueCapacity default: per session. */
export const DOWNLINK_QUEUE_CAPACITY = 10_000;
/**
 * Largest FRMPayload the NS queues: the band's largest MACPayload over all data
 * rates minus 8 (matchQueuedApplicationDownlinks). 250 - 8 for EU868, US915 and
 * AU915 (the simulator does not model dwell time).
 */
export const MAX_DOWN_LEN = 242;

/**
 * The FCnt of the last application downlink the NS sent per session object, for
 * LoRaWAN 1.1 (separate AFCntDown): the real NS reads it from
 * mac_state.recent_downlinks (minAFCntDown), which the simulator does not store.
 */
const lastSentAFCnt = new WeakMap<JsonObject, number>();

const sessionKeyIdOf = (session: JsonObject | undefined): string | undefined => {
  const v = getPath(session, 'keys.session_key_id');
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function queueOf(session: JsonObject | undefined): Downlink[] {
  const q = session?.queued_application_downlinks;
  if (!Array.isArray(q)) return [];
  return q.map(downlinkFromJson).filter((d): d is Downlink => d !== undefined);
}

function setQueue(session: JsonObject, items: readonly Downlink[]): void {
  if (items.length === 0) delete session.queued_application_downlinks;
  else session.queued_application_downlinks = items.map(downlinkJson);
}

/**
 * grpc_asns.go minAFCntDown: the lowest FCnt the NS accepts for a session's next
 * queued item (`afterClear`: for a replace, which empties the queue first).
 */
export function minAFCntDown(ns: JsonObject, which: 'session' | 'pending_session', afterClear = false): number {
  const session = ns[which];
  if (!isObject(session)) return 0;
  const macState = ns[which === 'session' ? 'mac_state' : 'pending_mac_state'];
  let min = 0;
  const version = getPath(isObject(macState) ? macState : undefined, 'lorawan_version') ?? ns.lorawan_version;
  if (!useNwkKey(version)) {
    // 1.0.x shares FCntDown between network and application downlinks.
    const last = getPath(session, 'last_n_f_cnt_down');
    if (typeof last === 'number' && last > 0) min = last + 1;
  } else {
    const last = lastSentAFCnt.get(session);
    if (last !== undefined) min = last + 1;
  }
  const queue = afterClear ? [] : queueOf(session);
  const tail = queue[queue.length - 1];
  if (tail && tail.fCnt >= min) min = tail.fCnt + 1;
  return min;
}

/** Which NS session (current or pending) holds a session key id. */
export function nsSessionFor(ns: JsonObject, sessionKeyId: string | undefined): 'session' | 'pending_session' | undefined {
  for (const which of ['session', 'pending_session'] as const) {
    const s = ns[which];
    if (isObject(s) && sessionKeyIdOf(s) === sessionKeyId) return which;
  }
  return undefined;
}

/**
 * DownlinkQueuePush/Replace on the NS record (already encrypted, FCnt and session
 * key id set by the AS). Throws the NS's errors; writes nothing on error.
 */
export function nsQueueOp(ns: JsonObject, items: readonly Downlink[], replace: boolean): void {
  if (items.length > DOWNLINK_QUEUE_CAPACITY * 2) throw downlinkQueueCapacity();
  if (!replace && items.length === 0) return;
  const next = new Map<'session' | 'pending_session', Downlink[]>();
  for (const which of ['session', 'pending_session'] as const) {
    if (isObject(ns[which])) next.set(which, replace ? [] : queueOf(ns[which] as JsonObject));
  }
  for (const d of items) {
    const which = nsSessionFor(ns, d.sessionKeyId);
    const queue = which ? next.get(which) : undefined;
    if (!which || !queue) throw unknownSession();
    if (!isObject(ns[which === 'session' ? 'mac_state' : 'pending_mac_state'])) throw unknownMacState();
    if ((d.frmPayload?.length ?? 0) > MAX_DOWN_LEN) throw applicationDownlinkTooLong(d.frmPayload?.length ?? 0, MAX_DOWN_LEN);
    queue.push(d);
  }
  for (const [, queue] of next) if (queue.length > DOWNLINK_QUEUE_CAPACITY) throw downlinkQueueCapacity();
  for (const [which, queue] of next) setQueue(ns[which] as JsonObject, queue);
}

/** mac.DeviceScheduleDownlinks: mac_settings.schedule_downlinks, default true. */
export function schedulesDownlinks(ns: JsonObject): boolean {
  return getPath(ns, 'mac_settings.schedule_downlinks') !== false;
}

/**
 * The class A downlink slot after an uplink: unless scheduling is disabled,
 * the first queued item of the current session leaves the queue (items of the
 * pending session wait; a class B/C item holds the queue, "Skip class B/C
 * downlink for class A downlink slot"), and the NS records it (recordDataDownlink).
 */
export function takeClassADownlink(ns: JsonObject): Downlink | undefined {
  if (!schedulesDownlinks(ns)) return undefined;
  const session = ns.session;
  if (!isObject(session)) return undefined;
  const keyId = sessionKeyIdOf(session);
  const queue = queueOf(session);
  const i = queue.findIndex((d) => d.sessionKeyId === keyId);
  const down = queue[i];
  if (!down || down.classBC) return undefined;
  queue.splice(i, 1);
  setQueue(session, queue);
  const version = getPath(ns, 'mac_state.lorawan_version') ?? ns.lorawan_version;
  if (!useNwkKey(version)) {
    const last = getPath(session, 'last_n_f_cnt_down');
    if (typeof last !== 'number' || down.fCnt > last) session.last_n_f_cnt_down = down.fCnt;
  } else lastSentAFCnt.set(session, down.fCnt);
  if (down.confirmed) session.last_conf_f_cnt_down = down.fCnt;
  return down;
}
