// The gateway the target gets: the source's registry fields (gateway.proto) but the server's own
// attributes, secrets, contacts (target accounts, defaulting to the creator) and timestamps.
import type { Gateway } from '../stack/gateway-api.js';
import { GATEWAY_COPY_PATHS } from '../stack/gateway-api.js';
import { CUPS_ATTRIBUTES } from './kinds.js';
import type { GatewayKind } from './schema.js';

/** The create body of the target gateway. */
export function targetGateway(source: Gateway, targetId: string, serverAddress: string, kind: GatewayKind): Record<string, unknown> & { ids: { gateway_id: string; eui?: string } } {
  const out: Record<string, unknown> = {};
  for (const path of GATEWAY_COPY_PATHS) {
    const v = (source as Record<string, unknown>)[path];
    if (v !== undefined) out[path] = v;
  }
  const attributes = Object.fromEntries(Object.entries(source.attributes ?? {}).filter(([k]) => !(CUPS_ATTRIBUTES as readonly string[]).includes(k)));
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  else delete out.attributes;
  // A UDP forwarder cannot authenticate: the target must accept it unauthenticated (reference §1.6).
  if (kind === 'udp' || kind === 'unknown') out.require_authenticated_connection = false;
  return { ids: { gateway_id: targetId, ...(source.ids.eui ? { eui: source.ids.eui } : {}) }, ...out, gateway_server_address: serverAddress };
}

/** The Gateway Server address of a deployment: the cluster's host (host:port where not the default). */
export const serverAddressOf = (clusterUrl: string) => new URL(clusterUrl).host;
