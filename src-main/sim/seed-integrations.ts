// Seeds and inspectors of an application's settings for tests and the demo:
// what a real application carries besides its devices (a JavaScript formatter
// link, webhooks, an MQTT pub/sub, package associations), stored as the AS
// registries hold them, and a deep copy of all of it.
import { randomBytes } from 'node:crypto';
import { associationCheck, defaultAssociationCheck, pubsubCheck, webhookCheck } from './as-messages.js';
import type { SimContext } from './context.js';
import { compactRights as compact } from './handlers-app-registry.js';
import { associationKey } from './integrations-store.js';
import { type JsonObject, clone } from './json-path.js';
import type { Check } from './validate.js';
import type { ApplicationParts, SeedIntegrationsOptions, SeededIntegrations } from './types.js';

export const UPLINK_FORMATTER = `function decodeUplink(input) {
  var bytes = input.bytes;
  return {
    data: { temperature: ((bytes[0] << 8) | bytes[1]) / 100, humidity: bytes[2] / 2 },
    warnings: [],
    errors: [],
  };
}
`;
export const DOWNLINK_FORMATTER = `function encodeDownlink(input) {
  return { bytes: [input.data.interval >> 8, input.data.interval & 0xff], fPort: 10, warnings: [], errors: [] };
}

function decodeDownlink(input) {
  return { data: { interval: (input.bytes[0] << 8) | input.bytes[1] }, warnings: [], errors: [] };
}
`;

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

function checked(check: Check, record: JsonObject): JsonObject {
  const err = check(record, undefined);
  if (err) throw new Error(`seeded record is invalid: ${err.message}`);
  return record;
}

export function seedIntegrations(ctx: SimContext, appId: string, opts: SeedIntegrationsOptions = {}): SeededIntegrations {
  const app = ctx.store.app(appId);
  if (!app) throw new Error(`unknown application ${appId}`);
  const now = new Date().toISOString();
  const stamp = { created_at: now, updated_at: now };
  const store = ctx.integrations.of(appId);
  const out: SeededIntegrations = { webhookIds: [], pubsubIds: [], defaultAssociationFPorts: [], deviceAssociations: [], secrets: [] };
  const appIds = { application_id: appId };

  if (opts.link ?? true) {
    store.link = {
      default_formatters: {
        up_formatter: 'FORMATTER_JAVASCRIPT',
        up_formatter_parameter: UPLINK_FORMATTER,
        down_formatter: 'FORMATTER_JAVASCRIPT',
        down_formatter_parameter: DOWNLINK_FORMATTER,
      },
    };
  }

  if (opts.webhooks ?? true) {
    const token = secret('dc-token-');
    const bearer = secret('Bearer crm-');
    const apiKey = secret('crm-key-');
    const downlinkKey = ctx.keys.create(appId, ['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
    const webhooks: JsonObject[] = [
      // Created from the Datacake template: its ids and fields, the header filled in.
      {
        ids: { application_ids: appIds, webhook_id: 'datacake' },
        ...stamp,
        base_url: 'https://api.datacake.co/integrations/lorawan/tti',
        headers: { Authorization: `Token ${token}` },
        format: 'json',
        template_ids: { template_id: 'datacake' },
        template_fields: { token },
        uplink_message: { path: '/' },
      },
      {
        ids: { application_ids: appIds, webhook_id: 'crm-ingest' },
        ...stamp,
        base_url: 'https://crm.example.com/lorawan',
        headers: { Authorization: bearer, 'X-Api-Key': apiKey },
        format: 'json',
        uplink_message: { path: '/uplink' },
        join_accept: { path: '/join' },
        location_solved: {},
        field_mask: { paths: ['up.uplink_message.decoded_payload', 'up.uplink_message.rx_metadata'] },
      },
      // A receiver that schedules downlinks back with the key it was given.
      {
        ids: { application_ids: appIds, webhook_id: 'downlink-bridge' },
        ...stamp,
        base_url: 'https://bridge.example.com/hooks',
        format: 'protobuf',
        downlink_api_key: downlinkKey,
        uplink_message: { path: '/up' },
        downlink_ack: { path: '/ack' },
        downlink_nack: { path: '/nack' },
        downlink_sent: { path: '/sent' },
        downlink_failed: { path: '/failed' },
        downlink_queued: { path: '/queued' },
        paused: true,
      },
    ];
    for (const w of webhooks) {
      const id = (w.ids as { webhook_id: string }).webhook_id;
      store.webhooks.set(id, checked(webhookCheck, w));
      out.webhookIds.push(id);
    }
    out.secrets.push(token, `Token ${token}`, bearer, apiKey, downlinkKey);
  }

  if (opts.pubsub ?? true) {
    const password = secret('mqtt-');
    store.pubsubs.set(
      'broker',
      checked(pubsubCheck, {
        ids: { application_ids: appIds, pub_sub_id: 'broker' },
        ...stamp,
        format: 'json',
        mqtt: {
          server_url: 'mqtts://broker.example.com:8883',
          client_id: 'stack-sim',
          username: 'integration',
          password,
          publish_qos: 'AT_LEAST_ONCE',
          subscribe_qos: 'AT_LEAST_ONCE',
          use_tls: true,
        },
        base_topic: `v3/${appId}`,
        uplink_message: { topic: 'up' },
        join_accept: { topic: 'join' },
        downlink_push: { topic: 'down/push' },
        downlink_replace: { topic: 'down/replace' },
      }),
    );
    out.pubsubIds.push('broker');
    out.secrets.push(password);
  }

  if (opts.packages ?? true) {
    const dmsToken = secret('dms-');
    store.defaults.set(
      199,
      checked(defaultAssociationCheck, {
        ids: { application_ids: appIds, f_port: 199 },
        ...stamp,
        package_name: 'lora-cloud-device-management-v1',
        data: { token: dmsToken, server_url: 'https://mgs.loracloud.com' },
      }),
    );
    out.defaultAssociationFPorts.push(199);
    out.secrets.push(dmsToken);
    for (const deviceId of opts.devices ?? app.sortedIds.slice(0, 2)) {
      const glsToken = secret('gls-');
      store.associations.set(
        associationKey(deviceId, 197),
        checked(associationCheck, {
          ids: { end_device_ids: { device_id: deviceId, application_ids: appIds }, f_port: 197 },
          ...stamp,
          package_name: 'lora-cloud-geolocation-v3',
          data: { token: glsToken, query: 'TOAWIFI' },
        }),
      );
      out.deviceAssociations.push({ deviceId, fPort: 197 });
      out.secrets.push(glsToken);
    }
  }
  return out;
}

export function inspectApplication(ctx: SimContext, appId: string): ApplicationParts | undefined {
  const app = ctx.store.app(appId);
  if (!app) return undefined;
  const a = ctx.integrations.peek(appId);
  const users: Record<string, string[]> = {};
  const organizations: Record<string, string[]> = {};
  for (const [userId, rights] of ctx.keys.usersOf(appId)) users[userId] = compact(rights);
  for (const [orgId, rights] of ctx.keys.organizationsOf(appId)) organizations[orgId] = compact(rights);
  const sorted = <K extends string | number>(m: Map<K, JsonObject> | undefined) =>
    [...(m ?? new Map<K, JsonObject>()).entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => clone(v));
  return {
    application: clone(app.record),
    collaborators: { users, organizations },
    ...(a?.link ? { link: clone(a.link) } : {}),
    webhooks: sorted(a?.webhooks),
    pubsubs: sorted(a?.pubsubs),
    defaultAssociations: sorted(a?.defaults),
    deviceAssociations: sorted(a?.associations),
  };
}
