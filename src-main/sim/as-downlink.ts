// The Application Server's side of the downlink queue: encrypting items per
// session with the AppSKey and assigning FCnt and session key id
// (pkg/applicationserver/payload.go encryptDownlinks, applicationserver.go
// attemptDownlinkQueueOp), decrypting what the NS holds (DownlinkQueueList,
// decryptDownlink), and re-encrypting a queue for a new session after a join
// (handleJoinAccept with the join-accept's InvalidatedDownlinks).
import { type Downlink, downlinkJson } from './downlink-codec.js';
import { noAppSKey, noDeviceSession, unknownSession } from './downlink-errors.js';
import { type JsonObject, getPath, isObject } from './json-path.js';
import { cryptFrmPayload } from './lorawan-crypto.js';
import { minAFCntDown, nsSessionFor, queueOf } from './ns-downlink.js';

type Which = 'session' | 'pending_session';

const text = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = getPath(o, p);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const keyIdOf = (s: JsonObject | undefined) => text(s, 'keys.session_key_id');
/** types.MustDevAddr(session.DevAddr).OrZero(). */
const devAddrOf = (s: JsonObject) => text(s, 'dev_addr') ?? '00000000';

/** Encrypts (or decrypts: the same XOR) one downlink's FRMPayload for a session. */
function crypt(session: JsonObject, fCnt: number, payload: Buffer | undefined): Buffer {
  const key = text(session, 'keys.app_s_key.key');
  if (!key) throw noAppSKey();
  return cryptFrmPayload(key, devAddrOf(session), fCnt, 1, payload ?? Buffer.alloc(0));
}

/** The AS sessions a queue operation encrypts for: current and pending (attemptDownlinkQueueOp). */
function asSessions(as: JsonObject): [Which, JsonObject][] {
  const out: [Which, JsonObject][] = [];
  for (const which of ['session', 'pending_session'] as const) {
    const s = as[which];
    if (isObject(s)) out.push([which, s]);
  }
  return out;
}

export interface Encrypted {
  items: Downlink[];
  /** AS session.last_a_f_cnt_down per session, to store when the NS accepted the items. */
  lastAFCntDown: Map<JsonObject, number>;
}

/**
 * encryptDownlinks for every AS session. The FCnt of the first item is the AS's
 * last_a_f_cnt_down + 1, raised to the NS's minimum: the real NS answers
 * f_cnt_too_low with DownlinkQueueOperationErrorDetails and the AS rebuilds its
 * counter from them and retries (buildSessionsFromError), which ends there.
 */
export function encryptForSessions(as: JsonObject, ns: JsonObject, items: readonly Downlink[], replace: boolean): Encrypted {
  const sessions = asSessions(as);
  if (sessions.length === 0) throw noDeviceSession();
  // Without any NS session the AS rebuilds both away and then has none.
  if (!isObject(ns.session) && !isObject(ns.pending_session)) throw noDeviceSession();
  const out: Encrypted = { items: [], lastAFCntDown: new Map() };
  for (const [, s] of sessions) {
    const keyId = keyIdOf(s);
    const which = nsSessionFor(ns, keyId);
    // Simplified: the real AS would fetch the AppSKey of the NS's session from the JS.
    if (!which) throw unknownSession();
    const last = getPath(s, 'last_a_f_cnt_down');
    let fCnt = Math.max((typeof last === 'number' ? last : 0) + 1, minAFCntDown(ns, which, replace));
    for (const item of items) {
      // The NS gets ciphertext only (encryptedItem.DecodedPayload = nil).
      const enc: Downlink = { ...item, fCnt, frmPayload: crypt(s, fCnt, item.frmPayload) };
      delete enc.decodedPayload;
      if (keyId) enc.sessionKeyId = keyId;
      else delete enc.sessionKeyId;
      out.items.push(enc);
      out.lastAFCntDown.set(s, fCnt);
      fCnt++;
    }
  }
  return out;
}

/** DownlinkQueueList: the items of the AS's session (else its pending session), decrypted. */
export function listForSession(as: JsonObject, ns: JsonObject): Downlink[] {
  const all = [...queueOf(isObject(ns.session) ? ns.session : undefined), ...queueOf(isObject(ns.pending_session) ? ns.pending_session : undefined)];
  if (all.length === 0) return [];
  const session = isObject(as.session) ? as.session : isObject(as.pending_session) ? as.pending_session : undefined;
  if (!session) throw noDeviceSession();
  if (!text(session, 'keys.app_s_key.key')) throw noAppSKey();
  const keyId = keyIdOf(session);
  return all.filter((d) => d.sessionKeyId === keyId).map((d) => ({ ...d, frmPayload: crypt(session, d.fCnt, d.frmPayload) }));
}

/** The plaintext of a downlink the NS sent, as the AS decrypts it (decryptDownlink); undefined without its session. */
export function decryptSent(as: JsonObject | undefined, d: Downlink): Buffer | undefined {
  if (!as) return undefined;
  for (const [, s] of asSessions(as)) {
    if (keyIdOf(s) === d.sessionKeyId && text(s, 'keys.app_s_key.key')) return crypt(s, d.fCnt, d.frmPayload);
  }
  return undefined;
}

/**
 * After a join: the NS hands the old session's queue to the AS with the
 * join-accept (InvalidatedDownlinks); the AS decrypts it with the old session
 * and pushes it again for the new one, FCnt counting from 1.
 */
export function carryQueue(oldNsSession: JsonObject | undefined, oldAsSession: JsonObject | undefined, newNsSession: JsonObject, newAsSession: JsonObject): void {
  const oldKeyId = keyIdOf(oldNsSession);
  const items = queueOf(oldNsSession).filter((d) => d.sessionKeyId === oldKeyId);
  if (items.length === 0 || !oldAsSession || keyIdOf(oldAsSession) !== oldKeyId || !text(oldAsSession, 'keys.app_s_key.key')) return;
  const keyId = keyIdOf(newAsSession);
  let fCnt = 1;
  const next = items.map((d) => {
    const plain = crypt(oldAsSession, d.fCnt, d.frmPayload);
    const item: Downlink = { ...d, fCnt, frmPayload: crypt(newAsSession, fCnt, plain) };
    if (keyId) item.sessionKeyId = keyId;
    else delete item.sessionKeyId;
    fCnt++;
    return item;
  });
  newNsSession.queued_application_downlinks = next.map((d) => downlinkJson(d));
  newAsSession.last_a_f_cnt_down = fCnt - 1;
}
