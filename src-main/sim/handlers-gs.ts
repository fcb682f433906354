// Gateway Server connection stats (pkg/gatewayserver/grpc.go), on the cluster:
//   GET  /gs/gateways/{id}/connection/stats   GetGatewayConnectionStats (RIGHT_GATEWAY_STATUS_READ)
//   POST /gs/gateways/connection/stats        BatchGetGatewayConnectionStats
// The stats are the connection's (io.Connection.Stats, no stats registry): `not_connected`
// when this deployment's GS holds no connection of the gateway.
import { type ApiRequest, type Reply, type SimContext, ok, requireParam } from './context.js';
import { SimError, validation } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import type { GatewayConnection } from './gateway-store.js';
import { requireGateway } from './gateway-rights.js';
import { G } from './handlers-gateway-read.js';
import { type JsonObject, isObject, pick } from './json-path.js';

/** gatewayserver.go errNotConnected. */
export const notConnected = (uid: string) =>
  new SimError(5, 'pkg/gatewayserver', 'not_connected', 'gateway `{gateway_uid}` not connected', { gateway_uid: uid });

/** io.Connection.Stats as JSON (uint64 counters are strings in proto JSON). */
export function statsJson(c: GatewayConnection): JsonObject {
  const out: JsonObject = { connected_at: c.connectedAt, protocol: c.protocol, gateway_remote_address: { ip: c.remoteIp } };
  if (c.lastStatusAt) {
    out.last_status_received_at = c.lastStatusAt;
    out.last_status = { time: c.lastStatusAt, versions: { 'ttn-lw-gateway-server': 'sim' }, ip: [c.remoteIp] };
  }
  if (c.uplinkCount > 0 && c.lastUplinkAt) {
    out.last_uplink_received_at = c.lastUplinkAt;
    out.uplink_count = String(c.uplinkCount);
  }
  return out;
}

export function getConnectionStats(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_id');
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), id, G.STATUS_READ);
  const conn = ctx.gateways.connections.get(id);
  if (!conn) throw notConnected(id);
  return ok(statsJson(conn));
}

export function batchConnectionStats(ctx: SimContext, req: ApiRequest): Reply {
  const raw = req.body?.gateway_ids;
  const ids = Array.isArray(raw) ? raw.map((g) => (isObject(g) && typeof g.gateway_id === 'string' ? g.gateway_id : '')) : [];
  const T = 'BatchGetGatewayConnectionStatsRequestValidationError';
  if (ids.length < 1) throw validation('gateway_ids', 'value must contain at least 1 item(s)', T);
  if (ids.length > 100) throw validation('gateway_ids', 'value must contain no more than 100 item(s)', T);
  const fm = req.body?.field_mask;
  const mask = isObject(fm) && Array.isArray(fm.paths) ? fm.paths.filter((p): p is string => typeof p === 'string') : [];
  checkAllowed('Gs.BatchGetGatewayConnectionStats', mask);
  // AssertGatewayBatchRights: every gateway needs the right (here: the first failure is answered).
  const caller = ctx.keys.authenticate(req.authorization);
  for (const id of ids) requireGateway(ctx, caller, id, G.STATUS_READ);
  const entries: JsonObject = {};
  for (const id of ids) {
    const conn = ctx.gateways.connections.get(id);
    if (!conn) continue;
    const st = statsJson(conn);
    entries[id] = mask.length > 0 ? pick(st, mask) : st;
  }
  return ok(Object.keys(entries).length > 0 ? { entries } : {});
}
