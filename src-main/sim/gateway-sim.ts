// The GatewaySimulator methods of a Simulator (gateway-types.ts): seeding and inspection of the
// gateway registry and this deployment's Gateway Server connections.
import { implied } from './auth.js';
import type { SimContext } from './context.js';
import { decodeGateway, gatewayCheck } from './gateway-messages.js';
import type { GatewaySeed, GatewaySimulator } from './gateway-types.js';
import { statsJson } from './handlers-gs.js';
import { present } from './handlers-gateway-read.js';
import { createGatewayRecord } from './handlers-gateway-registry.js';
import { type JsonObject, clone } from './json-path.js';
import type { Right } from './types.js';

/** The CUPS Key rights (update_info.go registerGateway). */
export const CUPS_KEY_RIGHTS = ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_SETTINGS_BASIC', 'RIGHT_GATEWAY_READ_SECRETS'];

export function gatewaySimulator(ctx: SimContext): GatewaySimulator {
  return {
    addGateway(seed: GatewaySeed) {
      const gateway = decodeGateway(seed.gateway as JsonObject, 'gateway');
      const invalid = gatewayCheck(gateway, undefined);
      if (invalid || !gateway) throw new Error(`invalid gateway: ${invalid?.message ?? 'missing'}`);
      const owner = seed.owner;
      const collaborator: JsonObject =
        'userId' in owner ? { user_ids: { user_id: owner.userId } } : { organization_ids: { organization_id: owner.organizationId } };
      if ('userId' in owner) ctx.keys.ensureUser(owner.userId);
      else if (!ctx.keys.orgs.get(owner.organizationId)) throw new Error(`unknown organization ${owner.organizationId}`);
      const record = createGatewayRecord(ctx, undefined, gateway, collaborator);
      if (seed.cups) {
        const attrs: JsonObject = { ...((record.attributes as JsonObject | undefined) ?? {}), 'cups-last-seen': new Date().toISOString() };
        if (seed.cups.station) attrs['cups-station'] = seed.cups.station;
        if (seed.cups.model) attrs['cups-model'] = seed.cups.model;
        if (seed.cups.package) attrs['cups-package'] = seed.cups.package;
        record.attributes = attrs;
      }
    },
    inspectGateway(gatewayId) {
      const row = ctx.gateways.get(gatewayId);
      return row ? clone(present(row.record, Object.keys(row.record))) : undefined;
    },
    listGatewayIds() {
      return ctx.gateways.liveIds();
    },
    gatewayApiKeys(gatewayId) {
      return ctx.keys.keysOf({ type: 'gateway', id: gatewayId }).map((k) => ({ id: k.id, ...(k.name ? { name: k.name } : {}), rights: [...k.granted] }));
    },
    createGatewayApiKey(gatewayId: string, rights: Right[]) {
      if (!ctx.gateways.get(gatewayId)) throw new Error(`unknown gateway ${gatewayId}`);
      return ctx.keys.createGatewayKey(gatewayId, rights);
    },
    gatewayConnection(gatewayId) {
      const conn = ctx.gateways.connections.get(gatewayId);
      return conn ? statsJson(conn) : undefined;
    },
  };
}

/** UserApiKeyOptions.gateways: the user's collaborator rights per (existing) gateway. */
export function setUserGatewayRights(ctx: SimContext, userId: string, gateways: Record<string, readonly Right[]> | undefined): void {
  for (const [gatewayId, rights] of Object.entries(gateways ?? {})) {
    if (!ctx.gateways.get(gatewayId)) throw new Error(`unknown gateway ${gatewayId}`);
    if (rights.some((r) => !r.startsWith('RIGHT_GATEWAY_') && r !== 'RIGHT_ALL')) throw new Error(`not a gateway right in ${rights.join(',')}`);
    ctx.gateways.setMember('user', userId, gatewayId, implied(rights));
  }
}
