// What a deployment's servers do when a physical gateway talks to them: the CUPS update-info
// (pkg/basicstation/cups/update_info.go updateInfo) and the Gateway Server's connect of a Basic
// Station LNS (pkg/gatewayserver/io/semtechws/ws.go handleTraffic) or a UDP packet forwarder
// (pkg/gatewayserver/io/udp/udp.go connect), both through GatewayServer.FillGatewayContext and
// Connect (pkg/gatewayserver/gatewayserver.go).
import type { SimContext } from './context.js';
import { SimError } from './errors.js';
import { requireGateway } from './gateway-rights.js';
import type { GatewayConnection } from './gateway-store.js';
import { G } from './handlers-gateway-read.js';
import { type JsonObject, getPath, isObject } from './json-path.js';
import { lnsUri } from './station-rules.js';

export interface UpdateInfoRequest {
  eui: string;
  /** The station's cups.key (the Authorization header). */
  cupsKey: string;
  /** The station's current CUPS and LNS URIs (req.CUPSURI, req.LNSURI). */
  cupsUri: string;
  lnsUri: string;
  station?: string;
  model?: string;
  package?: string;
}

export interface UpdateInfoAnswer {
  cupsUri?: string;
  cupsKey?: string;
  lnsUri?: string;
  lnsKey?: string;
}

const cupsError = (name: string, message: string, attributes: Record<string, unknown> = {}, code = 5) =>
  new SimError(code, 'pkg/basicstation/cups', name, message, attributes);

const secretText = (v: unknown): string | undefined =>
  isObject(v) && typeof v.value === 'string' && v.value !== '' ? Buffer.from(v.value, 'base64').toString('utf8') : undefined;

/** updateInfo: lookup by EUI, CUPS key rights, the three branches, then the cups-* attributes. */
export function updateInfo(ctx: SimContext, req: UpdateInfoRequest): UpdateInfoAnswer {
  const row = ctx.gateways.byEui(req.eui);
  if (!row) {
    throw new SimError(5, 'pkg/identityserver/store', 'gateway_not_found_by_eui', 'gateway with eui `{gateway_eui}` not found', { gateway_eui: req.eui });
  }
  const id = getPath(row.record, 'ids.gateway_id') as string;
  try {
    const caller = ctx.keys.authenticate(`Bearer ${req.cupsKey}`);
    requireGateway(ctx, caller, id, G.INFO, G.SETTINGS_BASIC, G.READ_SECRETS);
  } catch (err) {
    const e = cupsError('unauthenticated', 'call was not authenticated', {}, 16);
    if (err instanceof SimError) e.causedBy = err;
    throw e;
  }
  const gtw = row.record;
  const answer: UpdateInfoAnswer = {};
  const targetUri = typeof gtw.target_cups_uri === 'string' ? gtw.target_cups_uri : '';
  const targetKey = secretText(gtw.target_cups_key);
  if (ctx.config.allowCupsUriUpdate && targetUri !== '' && targetUri !== req.cupsUri) {
    if (!targetKey) throw cupsError('target_cups_credentials_not_found', 'Target CUPS credentials not found for gateway `{gateway_uid}`', { gateway_uid: id });
    answer.cupsUri = targetUri;
    answer.cupsKey = targetKey;
  } else if (targetKey) {
    // Only the CUPS credentials may rotate: no LNS configuration in this branch.
    if (targetKey !== req.cupsKey) answer.cupsKey = targetKey;
  } else {
    const lnsKey = secretText(gtw.lbs_lns_secret);
    if (!isObject(gtw.lbs_lns_secret)) throw cupsError('lns_credentials_not_found', 'LNS credentials not found for gateway `{gateway_uid}`', { gateway_uid: id });
    let address = typeof gtw.gateway_server_address === 'string' ? gtw.gateway_server_address : '';
    if (address === '') address = req.lnsUri !== '' ? req.lnsUri : ctx.clusterHost;
    answer.lnsUri = lnsUri(address);
    answer.lnsKey = lnsKey ?? '';
  }
  const attributes: JsonObject = { ...((gtw.attributes as JsonObject | undefined) ?? {}), 'cups-last-seen': new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  if (req.station) attributes['cups-station'] = req.station;
  if (req.model) attributes['cups-model'] = req.model;
  if (req.package) attributes['cups-package'] = req.package;
  gtw.attributes = attributes;
  gtw.updated_at = new Date().toISOString();
  return answer;
}

const replaceExisting = (ctx: SimContext, conn: GatewayConnection) => {
  const existing = ctx.gateways.connections.get(conn.gatewayId);
  // Connect: "Disconnect existing connection" with errNewConnection.
  if (existing && existing !== conn) existing.onDisconnect?.('new_connection');
  ctx.gateways.connections.set(conn.gatewayId, conn);
};

function newConnection(id: string, eui: string, protocol: 'ws' | 'udp'): GatewayConnection {
  return { gatewayId: id, eui, protocol, connectedAt: new Date().toISOString(), remoteIp: '127.0.0.1', uplinkCount: 0 };
}

/**
 * A Basic Station's LNS connection: no Authorization is `no_auth_provided`; the key's rights must
 * include RIGHT_GATEWAY_LINK on the gateway registered with the EUI (an unregistered EUI becomes
 * `eui-<eui>`, on which a key has no rights).
 */
export function connectWs(ctx: SimContext, eui: string, key: string | undefined, onDisconnect: (reason: string) => void): GatewayConnection {
  const row = ctx.gateways.byEui(eui);
  const id = row ? (getPath(row.record, 'ids.gateway_id') as string) : `eui-${eui.toLowerCase()}`;
  if (!key) throw new SimError(16, 'pkg/gatewayserver/io/semtechws', 'no_auth_provided', 'no auth provided `{uid}`', { uid: id });
  requireGateway(ctx, ctx.keys.authenticate(`Bearer ${key}`), id, G.LINK);
  const conn = { ...newConnection(id, eui, 'ws'), onDisconnect };
  replaceExisting(ctx, conn);
  return conn;
}

/**
 * A UDP packet forwarder: the frontend grants itself the link right, so any registered EUI
 * connects, unless the gateway requires an authenticated connection. Unregistered EUIs are refused
 * as with `require-registered-gateways` (an assumption; the open-source default lets them in).
 */
export function connectUdp(ctx: SimContext, eui: string, onDisconnect: (reason: string) => void): GatewayConnection {
  const row = ctx.gateways.byEui(eui);
  if (!row) throw new SimError(5, 'pkg/gatewayserver', 'gateway_eui_not_registered', 'gateway EUI `{eui}` is not registered', { eui });
  if (row.record.require_authenticated_connection === true) {
    throw new SimError(16, 'pkg/gatewayserver', 'unauthenticated_gateway_connection', 'gateway requires an authenticated connection');
  }
  const conn = { ...newConnection(getPath(row.record, 'ids.gateway_id') as string, eui, 'udp'), onDisconnect };
  replaceExisting(ctx, conn);
  return conn;
}

/** The station closed its connection (it went elsewhere): the GS forgets it. */
export function disconnect(ctx: SimContext, conn: GatewayConnection): void {
  if (ctx.gateways.connections.get(conn.gatewayId) === conn) ctx.gateways.connections.delete(conn.gatewayId);
}
