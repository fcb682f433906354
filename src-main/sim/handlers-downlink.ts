// The Application Server's downlink queue API (AppAs service):
//   POST /as/applications/{app}/devices/{dev}/down/push     DownlinkQueuePush
//   POST /as/applications/{app}/devices/{dev}/down/replace  DownlinkQueueReplace
//   GET  /as/applications/{app}/devices/{dev}/down          DownlinkQueueList
// Sources (v3.32): pkg/applicationserver/io/grpc/grpc.go (rights),
// pkg/applicationserver/applicationserver.go downlinkQueueOp (correlation ids,
// payload checks, events), pkg/applicationserver/observability.go (events),
// pkg/networkserver/grpc_asns.go (the NS's half).
import { encryptForSessions, listForSession } from './as-downlink.js';
import { requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, nowIso, ok, requireParam } from './context.js';
import { type Downlink, decodeDownlinks, downlinkJson, validateDownlinkRequest } from './downlink-codec.js';
import { downlinkMaxRetriesInvalid, noFPort, noPayload } from './downlink-errors.js';
import { SimError, asDeviceNotFound, errorDetails, nsDeviceNotFound, registryNotFound } from './errors.js';
import { mergeCorrelationIds, ulid } from './events.js';
import { refOf } from './handlers-is.js';
import type { JsonObject } from './json-path.js';
import { nsQueueOp } from './ns-downlink.js';

const TRAFFIC_DOWN_WRITE = 'RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE';
const TRAFFIC_READ = 'RIGHT_APPLICATION_TRAFFIC_READ';
/** cmd/internal/shared/applicationserver/config.go: downlinks.confirmation.max-retry-attempts default. */
const MAX_RETRY_ATTEMPTS = 32;
const DOWNLINK_TYPE = 'type.googleapis.com/ttn.lorawan.v3.ApplicationDownlink';

const withType = (d: Downlink): JsonObject => ({ '@type': DOWNLINK_TYPE, ...downlinkJson(d) });

/** initAndValidateConfirmationRetriesConfig: a confirmed item gets attempt 1; max_attempts is capped by the config. */
function confirmationRetries(d: Downlink): void {
  if (!d.confirmed) return;
  d.confirmedRetry ??= { attempt: 1 };
  if ((d.confirmedRetry.maxAttempts ?? 0) > MAX_RETRY_ATTEMPTS) throw downlinkMaxRetriesInvalid(MAX_RETRY_ATTEMPTS);
}

function queueOp(ctx: SimContext, req: ApiRequest, replace: boolean): Reply {
  const appId = requireParam(req.params.app, 'end_device_ids.application_ids.application_id');
  const devId = requireParam(req.params.dev, 'end_device_ids.device_id');
  // grpc-gateway decodes, the validator middleware validates, then the method checks rights.
  const items = decodeDownlinks(req.body);
  validateDownlinkRequest(items);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, TRAFFIC_DOWN_WRITE);

  // downlinkQueueOp: the call's correlation ids (rpc interceptor), plus one
  // as:downlink id for the call when it has at most one item, else one per item.
  const method = replace ? 'DownlinkQueueReplace' : 'DownlinkQueuePush';
  const callIds = [`rpc:/ttn.lorawan.v3.AppAs/${method}:${ulid()}`];
  if (items.length <= 1) callIds.push(`as:downlink:${ulid()}`);
  for (const d of items) {
    d.correlationIds = mergeCorrelationIds(callIds, d.correlationIds, items.length > 1 ? [`as:downlink:${ulid()}`] : []);
  }

  const app = ctx.store.app(appId);
  const as = app?.as.get(devId);
  if (!app || !as) throw asDeviceNotFound(`${appId}.${devId}`);
  for (const d of items) {
    // encodeDownlink: neither frm_payload nor decoded_payload. The simulator has no
    // payload formatters, so decoded_payload alone leaves frm_payload empty, as
    // FORMATTER_NONE does.
    if (d.frmPayload === undefined && d.decodedPayload === undefined) throw noPayload();
    confirmationRetries(d);
  }
  const ref = refOf(appId, devId, as);
  for (const d of items) ctx.bus.publish('as.down.data.receive', ref, { data: withType(d), correlationIds: mergeCorrelationIds(callIds, d.correlationIds) });
  try {
    // attemptDownlinkQueueOp
    if (items.some((d) => d.fPort === 0)) throw noFPort();
    const ns = app.ns.get(devId);
    if (!ns) throw nsDeviceNotFound();
    const encrypted = encryptForSessions(as, ns, items, replace);
    nsQueueOp(ns, encrypted.items, replace);
    for (const [session, last] of encrypted.lastAFCntDown) session.last_a_f_cnt_down = last;
    const now = nowIso();
    as.updated_at = now;
    ns.updated_at = now;
    for (const d of encrypted.items) {
      ctx.bus.publish('as.down.data.forward', ref, { data: withType(d), correlationIds: mergeCorrelationIds(callIds, d.correlationIds) });
    }
  } catch (err) {
    // registerDropDownlinks: one as.down.data.drop per item, the error as data.
    const data = (err instanceof SimError ? errorDetails(err) : {}) as JsonObject;
    for (let i = 0; i < items.length; i++) ctx.bus.publish('as.down.data.drop', ref, { data, correlationIds: callIds });
    throw err;
  }
  return ok({});
}

export const pushDownlinks = (ctx: SimContext, req: ApiRequest): Reply => queueOp(ctx, req, false);
export const replaceDownlinks = (ctx: SimContext, req: ApiRequest): Reply => queueOp(ctx, req, true);

/** DownlinkQueueList: TRAFFIC_READ; AS and NS registry Get; the queue of the AS's session, decrypted. */
export function listDownlinks(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, TRAFFIC_READ);
  const app = ctx.store.app(appId);
  const as = app?.as.get(devId);
  const ns = app?.ns.get(devId);
  if (!as || !ns) throw registryNotFound();
  const queue = listForSession(as, ns);
  // An empty queue is a nil list: `{}` on the wire.
  return ok(queue.length === 0 ? {} : { downlinks: queue.map(downlinkJson) });
}
