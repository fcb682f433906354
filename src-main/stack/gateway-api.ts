// Gateways on The Things Stack: the Identity Server's gateway registry and gateway API keys,
// the Gateway Server's connection stats (on the cluster) and the Gateway Claiming Server.
// Routes and field-mask paths from the server's api-definition (GatewayRegistry, GatewayAccess,
// Gs, GatewayClaimingServer); facts in shared/reference/tts-gateways-apps-rejoin.md §1.
import { z } from 'zod';
import type { CallOptions, StackClient } from './client.js';
import { StackError } from './errors.js';
import { rightsListSchema } from './schemas.js';

const enc = encodeURIComponent;
const anyObject = z.looseObject({});

export const gatewaySchema = z.looseObject({
  ids: z.looseObject({ gateway_id: z.string(), eui: z.string().optional() }),
  name: z.string().optional(),
  description: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  frequency_plan_ids: z.array(z.string()).optional(),
  gateway_server_address: z.string().optional(),
  version_ids: z.looseObject({ brand_id: z.string().optional(), model_id: z.string().optional() }).optional(),
  lbs_lns_secret: z.looseObject({ value: z.string().optional() }).optional(),
  target_cups_uri: z.string().optional(),
  target_cups_key: z.looseObject({ value: z.string().optional() }).optional(),
  require_authenticated_connection: z.boolean().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type Gateway = z.infer<typeof gatewaySchema>;
const gatewayListSchema = z.looseObject({ gateways: z.array(gatewaySchema).optional() });

export const connectionStatsSchema = z.looseObject({
  connected_at: z.string().optional(),
  disconnected_at: z.string().optional(),
  protocol: z.string().optional(),
  last_status_received_at: z.string().optional(),
  last_uplink_received_at: z.string().optional(),
  uplink_count: z.union([z.string(), z.number()]).optional(),
});
export type ConnectionStats = z.infer<typeof connectionStatsSchema>;

const claimInfoSchema = z.looseObject({ supports_claiming: z.boolean().optional(), is_managed: z.boolean().optional() });
const createdKeySchema = z.looseObject({ id: z.string().optional(), key: z.string() });
const apiKeyListSchema = z.looseObject({ api_keys: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).optional() });

/** The registry fields a gateway listing shows (public and INFO; never a secret). */
export const GATEWAY_LIST_PATHS = [
  'name', 'description', 'attributes', 'frequency_plan_ids', 'gateway_server_address', 'version_ids',
  'require_authenticated_connection', 'status_public', 'location_public', 'created_at', 'updated_at',
] as const;

/** Every registry field worth copying to the target (gateway.proto), secrets and contacts aside. */
export const GATEWAY_COPY_PATHS = [
  'name', 'description', 'attributes', 'version_ids', 'auto_update', 'update_channel', 'frequency_plan_ids', 'antennas',
  'status_public', 'location_public', 'schedule_downlink_late', 'enforce_duty_cycle', 'downlink_path_constraint',
  'schedule_anytime_delay', 'update_location_from_status', 'require_authenticated_connection', 'lrfhss',
  'disable_packet_broker_forwarding',
] as const;

/** What a re-point changes on the source and its rollback restores (the secrets need READ/WRITE_SECRETS). */
export const REPOINT_PATHS = ['gateway_server_address', 'lbs_lns_secret'] as const;

export type Owner = { userId: string } | { organizationId: string };
export const ownerPath = (owner: Owner) => ('userId' in owner ? `/users/${enc(owner.userId)}` : `/organizations/${enc(owner.organizationId)}`);

export class GatewayApi {
  constructor(private readonly client: StackClient) {}

  private async request<T>(init: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; route: string; operation: string; schema: z.ZodType<T>; body?: unknown; idempotent?: boolean }, opts: CallOptions): Promise<T> {
    const { data } = await this.client.transport.request({ idempotent: init.method !== 'POST', ...init, signal: opts.signal });
    return data;
  }

  /** The gateways the key's user (or organization, by owner) can see; an application key sees none. */
  async list(owner: Owner | undefined, opts: CallOptions = {}): Promise<Gateway[]> {
    const path = owner ? `${ownerPath(owner)}/gateways` : '/gateways';
    const all: Gateway[] = [];
    for (let page = 1; ; page++) {
      const data = await this.request({
        method: 'GET', url: this.client.url('is', path, { field_mask: GATEWAY_LIST_PATHS.join(','), limit: 1000, page }), route: 'gtw.list',
        operation: 'List gateways', schema: gatewayListSchema,
      }, opts);
      const got = data.gateways ?? [];
      all.push(...got);
      if (got.length < 1000) return all;
    }
  }

  /**
   * One gateway. With `missingAsUndefined`: undefined when it does not exist (404) or, for a
   * caller without rights on it, may not (403: someone else's, or not there).
   */
  async get(id: string, paths: readonly string[], opts: CallOptions & { missingAsUndefined?: boolean } = {}): Promise<Gateway | undefined> {
    try {
      return await this.request({
        method: 'GET', url: this.client.url('is', `/gateways/${enc(id)}`, { field_mask: paths.join(',') }), route: 'gtw.get',
        operation: `Read gateway "${id}"`, schema: gatewaySchema,
      }, opts);
    } catch (err) {
      if (opts.missingAsUndefined && err instanceof StackError && (err.is('NotFound') || err.is('PermissionDenied'))) return undefined;
      throw err;
    }
  }

  async rights(id: string, opts: CallOptions = {}): Promise<string[]> {
    const data = await this.request({
      method: 'GET', url: this.client.url('is', `/gateways/${enc(id)}/rights`), route: 'gtw.rights',
      operation: `Check the API key's rights on gateway "${id}"`, schema: rightsListSchema,
    }, opts);
    return data.rights ?? [];
  }

  /** Creates a gateway under a user or an organization. Not retried: a lost answer is checked by reading. */
  async create(owner: Owner, gateway: Record<string, unknown> & { ids: { gateway_id: string; eui?: string } }, opts: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'POST', url: this.client.url('is', `${ownerPath(owner)}/gateways`), route: 'gtw.create', idempotent: false,
      operation: `Create gateway "${gateway.ids.gateway_id}"`, schema: anyObject, body: { gateway },
    }, opts);
  }

  /** Sets fields of a gateway (a set of the same values twice is the same: retried). */
  async update(id: string, fields: Record<string, unknown>, paths: readonly string[], opts: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'PUT', url: this.client.url('is', `/gateways/${enc(id)}`), route: 'gtw.update',
      operation: `Update gateway "${id}"`, schema: anyObject, body: { gateway: { ids: { gateway_id: id }, ...fields }, field_mask: { paths } },
    }, opts);
  }

  /** A new API key of the gateway; its secret is in this answer only. */
  async createApiKey(id: string, name: string, rights: string[], opts: CallOptions = {}): Promise<{ id?: string; key: string }> {
    return this.request({
      method: 'POST', url: this.client.url('is', `/gateways/${enc(id)}/api-keys`), route: 'gtw.api-keys.create', idempotent: false,
      operation: `Create an API key for gateway "${id}"`, schema: createdKeySchema, body: { name, rights },
    }, opts);
  }

  async listApiKeys(id: string, opts: CallOptions = {}): Promise<{ id: string; name?: string }[]> {
    const data = await this.request({
      method: 'GET', url: this.client.url('is', `/gateways/${enc(id)}/api-keys`, { limit: 1000 }), route: 'gtw.api-keys.list',
      operation: `List the API keys of gateway "${id}"`, schema: apiKeyListSchema,
    }, opts);
    return data.api_keys ?? [];
  }

  async deleteApiKey(id: string, keyId: string, opts: CallOptions = {}): Promise<void> {
    try {
      await this.request({
        method: 'DELETE', url: this.client.url('is', `/gateways/${enc(id)}/api-keys/${enc(keyId)}`), route: 'gtw.api-keys.delete',
        operation: `Delete an API key of gateway "${id}"`, schema: anyObject,
      }, opts);
    } catch (err) {
      if (err instanceof StackError && err.is('NotFound')) return; // already gone: what was asked
      throw err;
    }
  }

  /** The Gateway Server's connection stats on this cluster; undefined when the gateway is not connected here. */
  async connectionStats(id: string, opts: CallOptions = {}): Promise<ConnectionStats | undefined> {
    try {
      return await this.request({
        method: 'GET', url: this.client.url('cluster', `/gs/gateways/${enc(id)}/connection/stats`), route: 'gs.connection-stats',
        operation: `Read the connection of gateway "${id}"`, schema: connectionStatsSchema,
      }, opts);
    } catch (err) {
      if (err instanceof StackError && err.is('NotFound')) return undefined; // pkg/gatewayserver:not_connected
      throw err;
    }
  }

  /**
   * Connection stats of up to 100 gateways in one call (Gs.BatchGetGatewayConnectionStats); gateways
   * not connected are absent from the answer. Every gateway needs the right, or the call fails.
   */
  async batchConnectionStats(ids: string[], opts: CallOptions = {}): Promise<Map<string, ConnectionStats>> {
    const data = await this.request({
      method: 'POST', url: this.client.url('cluster', '/gs/gateways/connection/stats'), route: 'gs.connection-stats.batch', idempotent: true,
      operation: `Read the connections of ${ids.length} gateway(s)`, schema: z.looseObject({ entries: z.record(z.string(), connectionStatsSchema).optional() }),
      body: { gateway_ids: ids.map((gateway_id) => ({ gateway_id })), field_mask: { paths: ['connected_at', 'protocol', 'last_status_received_at', 'last_uplink_received_at'] } },
    }, opts);
    return new Map(Object.entries(data.entries ?? {}));
  }

  /** Whether the deployment's Gateway Claiming Server can claim this EUI. */
  async claimInfo(eui: string, opts: CallOptions = {}): Promise<{ supportsClaiming: boolean; isManaged: boolean }> {
    const data = await this.request({
      method: 'POST', url: this.client.url('cluster', '/gcls/claim/info'), route: 'gcls.info', idempotent: true,
      operation: `Ask whether gateway ${eui} can be claimed`, schema: claimInfoSchema, body: { eui },
    }, opts);
    return { supportsClaiming: data.supports_claiming ?? false, isManaged: data.is_managed ?? false };
  }

  /** Claims a managed gateway with its owner token (bytes: base64 in JSON). */
  async claim(req: { eui: string; ownerToken: string; owner: Owner; gatewayId: string; serverAddress: string; frequencyPlanIds: string[] }, opts: CallOptions = {}): Promise<void> {
    const collaborator = 'userId' in req.owner ? { user_ids: { user_id: req.owner.userId } } : { organization_ids: { organization_id: req.owner.organizationId } };
    await this.request({
      method: 'POST', url: this.client.url('cluster', '/gcls/claim'), route: 'gcls.claim', idempotent: false,
      operation: `Claim gateway ${req.eui}`, schema: anyObject,
      body: {
        authenticated_identifiers: { gateway_eui: req.eui, authentication_code: Buffer.from(req.ownerToken, 'utf8').toString('base64') },
        collaborator, target_gateway_id: req.gatewayId, target_gateway_server_address: req.serverAddress, target_frequency_plan_ids: req.frequencyPlanIds,
      },
    }, opts);
  }

  async unclaim(id: string, opts: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'DELETE', url: this.client.url('cluster', `/gcls/claim/${enc(id)}`), route: 'gcls.unclaim',
      operation: `Unclaim gateway "${id}"`, schema: anyObject,
    }, opts);
  }
}
