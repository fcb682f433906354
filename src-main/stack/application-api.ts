// The application's own settings on The Things Stack, beyond its devices: the AS link
// (default payload formatters), webhooks, pub/subs, application package associations, the
// AS configuration, creating and updating the application itself, and minting an API key.
// Routes and field-mask paths from the server's api-definition (As, ApplicationWebhookRegistry,
// ApplicationPubSubRegistry, ApplicationPackageRegistry, ApplicationRegistry, ApplicationAccess).
import { z } from 'zod';
import type { CallOptions, StackClient } from './client.js';
import { StackError } from './errors.js';

const enc = encodeURIComponent;
const loose = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

export const linkSchema = loose({
  default_formatters: loose({
    up_formatter: z.string().optional(), up_formatter_parameter: z.string().optional(),
    down_formatter: z.string().optional(), down_formatter_parameter: z.string().optional(),
  }).optional(),
  skip_payload_crypto: z.boolean().optional(),
});
export type ApplicationLink = z.infer<typeof linkSchema>;

export const webhookSchema = loose({ ids: loose({ webhook_id: z.string() }) });
export type Webhook = z.infer<typeof webhookSchema> & Record<string, unknown>;
const webhookListSchema = loose({ webhooks: z.array(webhookSchema).optional() });

export const pubSubSchema = loose({ ids: loose({ pub_sub_id: z.string() }) });
export type PubSub = z.infer<typeof pubSubSchema> & Record<string, unknown>;
const pubSubListSchema = loose({ pubsubs: z.array(pubSubSchema).optional() });

export const associationSchema = loose({ ids: loose({ f_port: z.number().optional() }), package_name: z.string().optional(), data: z.unknown().optional() });
export type PackageAssociation = z.infer<typeof associationSchema>;
const defaultAssociationsSchema = loose({ defaults: z.array(associationSchema).optional() });
const deviceAssociationsSchema = loose({ associations: z.array(associationSchema).optional() });

export const asConfigurationSchema = loose({
  configuration: loose({ pubsub: loose({ providers: loose({ mqtt: z.string().optional(), nats: z.string().optional() }).optional() }).optional() }).optional(),
});
const mqttInfoSchema = loose({ username: z.string().optional(), public_address: z.string().optional(), public_tls_address: z.string().optional() });
const createdKeySchema = loose({ id: z.string().optional(), key: z.string() });
const apiKeyListSchema = loose({ api_keys: z.array(loose({ id: z.string(), name: z.string().optional() })).optional() });
const anyObject = z.looseObject({});

/** Every webhook field the server lets us read and write (ApplicationWebhookRegistry Get/Set), but its health and timestamps. */
export const WEBHOOK_PATHS = [
  'base_url', 'format', 'headers', 'template_ids', 'template_fields', 'downlink_api_key', 'field_mask', 'paused',
  'uplink_message', 'uplink_normalized', 'join_accept', 'downlink_ack', 'downlink_nack', 'downlink_sent', 'downlink_failed',
  'downlink_queued', 'downlink_queue_invalidated', 'location_solved', 'service_data',
] as const;
/** Every pub/sub field (ApplicationPubSubRegistry Get/Set) but timestamps; the provider as a whole. */
export const PUBSUB_PATHS = [
  'format', 'base_topic', 'provider', 'uplink_message', 'uplink_normalized', 'join_accept', 'downlink_ack', 'downlink_nack',
  'downlink_sent', 'downlink_failed', 'downlink_queued', 'downlink_queue_invalidated', 'location_solved', 'service_data',
  'downlink_push', 'downlink_replace',
] as const;

/** Pub/sub providers as GET /as/configuration says; ENABLED is the enum's zero value, absent from JSON. */
export type ProviderStatus = 'ENABLED' | 'WARNING' | 'DISABLED';

export class ApplicationApi {
  constructor(private readonly client: StackClient) {}

  private async get<T>(url: string, route: string, operation: string, schema: z.ZodType<T>, opts: CallOptions & { tolerateNotFound?: boolean } = {}): Promise<T | undefined> {
    try {
      const { data } = await this.client.transport.request({ method: 'GET', url, route, idempotent: true, operation, schema, signal: opts.signal });
      return data;
    } catch (err) {
      if (opts.tolerateNotFound && err instanceof StackError && err.is('NotFound')) return undefined;
      throw err;
    }
  }

  private async put(method: 'PUT' | 'POST', url: string, route: string, operation: string, body: unknown, opts: CallOptions = {}): Promise<unknown> {
    // A set of the same settings twice leaves the same settings: safe to retry.
    const { data } = await this.client.transport.request({ method, url, route, idempotent: method === 'PUT', operation, body, schema: anyObject, signal: opts.signal });
    return data;
  }

  /** The AS link (default formatters); undefined when none was ever set (the AS answers 404). */
  getLink(appId: string, opts: CallOptions = {}): Promise<ApplicationLink | undefined> {
    return this.get(this.client.url('as', `/applications/${enc(appId)}/link`, { field_mask: 'default_formatters,skip_payload_crypto' }), 'as.link.get',
      `Read the payload formatters of application "${appId}"`, linkSchema, { ...opts, tolerateNotFound: true });
  }

  async setLink(appId: string, link: ApplicationLink, paths: string[], opts: CallOptions = {}): Promise<void> {
    await this.put('PUT', this.client.url('as', `/applications/${enc(appId)}/link`), 'as.link.set', `Set the payload formatters of application "${appId}"`,
      { link, field_mask: { paths } }, opts);
  }

  async listWebhooks(appId: string, opts: CallOptions = {}): Promise<Webhook[]> {
    const data = await this.get(this.client.url('as', `/webhooks/${enc(appId)}`, { field_mask: WEBHOOK_PATHS.join(',') }), 'as.webhooks.list',
      `List the webhooks of application "${appId}"`, webhookListSchema, opts);
    return (data?.webhooks ?? []) as Webhook[];
  }

  async setWebhook(appId: string, webhook: Webhook, paths: string[], opts: CallOptions = {}): Promise<void> {
    const id = webhook.ids.webhook_id;
    await this.put('PUT', this.client.url('as', `/webhooks/${enc(appId)}/${enc(id)}`), 'as.webhooks.set', `Set webhook "${id}" of application "${appId}"`,
      { webhook: { ...webhook, ids: { webhook_id: id, application_ids: { application_id: appId } } }, field_mask: { paths } }, opts);
  }

  async listPubSubs(appId: string, opts: CallOptions = {}): Promise<PubSub[]> {
    const data = await this.get(this.client.url('as', `/pubsub/${enc(appId)}`, { field_mask: PUBSUB_PATHS.join(',') }), 'as.pubsubs.list',
      `List the pub/subs of application "${appId}"`, pubSubListSchema, opts);
    return (data?.pubsubs ?? []) as PubSub[];
  }

  async setPubSub(appId: string, pubsub: PubSub, paths: string[], opts: CallOptions = {}): Promise<void> {
    const id = pubsub.ids.pub_sub_id;
    await this.put('PUT', this.client.url('as', `/pubsub/${enc(appId)}/${enc(id)}`), 'as.pubsubs.set', `Set pub/sub "${id}" of application "${appId}"`,
      { pubsub: { ...pubsub, ids: { pub_sub_id: id, application_ids: { application_id: appId } } }, field_mask: { paths } }, opts);
  }

  async listDefaultAssociations(appId: string, opts: CallOptions = {}): Promise<PackageAssociation[]> {
    const data = await this.get(this.client.url('as', `/applications/${enc(appId)}/packages/associations`, { field_mask: 'package_name,data' }), 'as.packages.defaults',
      `List the application package associations of "${appId}"`, defaultAssociationsSchema, opts);
    return data?.defaults ?? [];
  }

  async setDefaultAssociation(appId: string, fPort: number, association: Pick<PackageAssociation, 'package_name' | 'data'>, opts: CallOptions = {}): Promise<void> {
    await this.put('PUT', this.client.url('as', `/applications/${enc(appId)}/packages/associations/${fPort}`), 'as.packages.set-default',
      `Associate a package with FPort ${fPort} of application "${appId}"`,
      // The field mask is top-level (SetApplicationPackageDefaultAssociationRequest), not inside "default" as a docs example has it.
      { default: { ids: { application_ids: { application_id: appId }, f_port: fPort }, ...association }, field_mask: { paths: ['package_name', 'data'] } }, opts);
  }

  async listDeviceAssociations(appId: string, devId: string, opts: CallOptions = {}): Promise<PackageAssociation[]> {
    const data = await this.get(this.client.url('as', `/applications/${enc(appId)}/devices/${enc(devId)}/packages/associations`, { field_mask: 'package_name,data' }),
      'as.packages.device', `List the package associations of device "${devId}"`, deviceAssociationsSchema, opts);
    return data?.associations ?? [];
  }

  async setDeviceAssociation(appId: string, devId: string, fPort: number, association: Pick<PackageAssociation, 'package_name' | 'data'>, opts: CallOptions = {}): Promise<void> {
    await this.put('PUT', this.client.url('as', `/applications/${enc(appId)}/devices/${enc(devId)}/packages/associations/${fPort}`), 'as.packages.set-device',
      `Associate a package with FPort ${fPort} of device "${devId}"`,
      { association: { ids: { end_device_ids: { device_id: devId, application_ids: { application_id: appId } }, f_port: fPort }, ...association }, field_mask: { paths: ['package_name', 'data'] } }, opts);
  }

  /** Which pub/sub providers the Application Server offers (absent = ENABLED, the enum's zero value). */
  async pubSubProviders(opts: CallOptions = {}): Promise<{ mqtt: ProviderStatus; nats: ProviderStatus }> {
    const data = await this.get(this.client.url('as', '/configuration'), 'as.configuration', 'Read the Application Server configuration', asConfigurationSchema, opts);
    const p = data?.configuration?.pubsub?.providers;
    const status = (v: string | undefined): ProviderStatus => (v === 'WARNING' || v === 'DISABLED' ? v : 'ENABLED');
    return { mqtt: status(p?.mqtt), nats: status(p?.nats) };
  }

  /** The built-in MQTT server's username and address for the application. */
  mqttConnectionInfo(appId: string, opts: CallOptions = {}) {
    return this.get(this.client.url('as', `/applications/${enc(appId)}/mqtt-connection-info`), 'as.mqtt-info', `Read the MQTT connection of application "${appId}"`, mqttInfoSchema, opts);
  }

  /** Creates an application under a user or an organization (an application key cannot). */
  async createApplication(owner: { userId: string } | { organizationId: string }, app: { id: string; name?: string; description?: string; attributes?: Record<string, string> }, opts: CallOptions = {}): Promise<void> {
    const path = 'userId' in owner ? `/users/${enc(owner.userId)}/applications` : `/organizations/${enc(owner.organizationId)}/applications`;
    const { id, ...fields } = app;
    // Not retried: a create whose answer was lost is checked by reading the application.
    await this.client.transport.request({
      method: 'POST', url: this.client.url('is', path), route: 'app.create', idempotent: false, schema: anyObject, signal: opts.signal,
      operation: `Create application "${id}"`, body: { application: { ids: { application_id: id }, ...fields } },
    });
  }

  async updateApplication(appId: string, fields: { name?: string; description?: string; attributes?: Record<string, string> }, paths: string[], opts: CallOptions = {}): Promise<void> {
    await this.put('PUT', this.client.url('is', `/applications/${enc(appId)}`), 'app.update', `Update application "${appId}"`,
      { application: { ids: { application_id: appId }, ...fields }, field_mask: { paths } }, opts);
  }

  /** The application's API keys: ids and names (never their secrets). */
  async listApiKeys(appId: string, opts: CallOptions = {}): Promise<{ id: string; name?: string }[]> {
    const data = await this.get(this.client.url('is', `/applications/${enc(appId)}/api-keys`, { limit: 1000 }), 'app.api-keys.list',
      `List the API keys of application "${appId}"`, apiKeyListSchema, opts);
    return data?.api_keys ?? [];
  }

  async deleteApiKey(appId: string, keyId: string, opts: CallOptions = {}): Promise<void> {
    await this.client.transport.request({
      method: 'DELETE', url: this.client.url('is', `/applications/${enc(appId)}/api-keys/${enc(keyId)}`), route: 'app.api-keys.delete', idempotent: true,
      operation: `Delete an API key of application "${appId}"`, schema: anyObject, signal: opts.signal,
    });
  }

  /** A new API key of the application; its secret is in the answer only. */
  async createApiKey(appId: string, name: string, rights: string[], opts: CallOptions = {}): Promise<string> {
    const { data } = await this.client.transport.request({
      method: 'POST', url: this.client.url('is', `/applications/${enc(appId)}/api-keys`), route: 'app.api-keys.create', idempotent: false,
      operation: `Create an API key for application "${appId}"`, body: { name, rights }, schema: createdKeySchema, signal: opts.signal,
    });
    return data.key;
  }
}
