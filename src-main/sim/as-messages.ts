// The AS settings messages: their JSON shape (api/ttn/lorawan/v3/
// applicationserver.proto, applicationserver_web.proto, applicationserver_pubsub.proto,
// applicationserver_packages.proto, messages.proto) and their validators
// (pkg/ttnpb/*.pb.validate.go), for the link, webhooks, pub/subs and package associations.
import type { Schema } from './message-codec.js';
import type { Oneof } from './set-fields.js';
import { type Check, type Rule, definedEnum, idRule, mapRule, maxBytes, maxLen, message, nested, range, runes, uriRule } from './validate.js';

/** PayloadFormatter (messages.proto), index = enum number; JSON prefix FORMATTER. */
export const FORMATTERS = ['FORMATTER_NONE', 'FORMATTER_REPOSITORY', 'FORMATTER_GRPC_SERVICE', 'FORMATTER_JAVASCRIPT', 'FORMATTER_CAYENNELPP'] as const;
const QOS = ['AT_MOST_ONCE', 'AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const;

const formatter = { enum: FORMATTERS, prefix: 'FORMATTER' };
const formatters: Schema = {
  up_formatter: formatter,
  up_formatter_parameter: 'string',
  down_formatter: formatter,
  down_formatter_parameter: 'string',
};

export const LINK_SCHEMA: Schema = { default_formatters: { message: formatters }, skip_payload_crypto: 'bool' };

const applicationIds: Schema = { application_id: 'string' };
const endDeviceIds: Schema = { device_id: 'string', application_ids: { message: applicationIds }, dev_eui: 'string', join_eui: 'string', dev_addr: 'string' };

/** Message types a webhook or pub/sub can enable (the webhook's with a path, the pub/sub's with a topic). */
export const UP_MESSAGES = [
  'uplink_message', 'uplink_normalized', 'join_accept', 'downlink_ack', 'downlink_nack', 'downlink_sent',
  'downlink_failed', 'downlink_queued', 'downlink_queue_invalidated', 'location_solved', 'service_data',
] as const;
const withPath: Schema = { path: 'string' };
const withTopic: Schema = { topic: 'string' };

export const WEBHOOK_SCHEMA: Schema = {
  ids: { message: { application_ids: { message: applicationIds }, webhook_id: 'string' } },
  created_at: 'timestamp',
  updated_at: 'timestamp',
  base_url: 'string',
  headers: 'map',
  format: 'string',
  template_ids: { message: { template_id: 'string' } },
  template_fields: 'map',
  downlink_api_key: 'string',
  ...Object.fromEntries(UP_MESSAGES.map((m) => [m, { message: withPath }])),
  health_status: 'struct',
  field_mask: 'fieldmask',
  paused: 'bool',
};

export const PUBSUB_SCHEMA: Schema = {
  ids: { message: { application_ids: { message: applicationIds }, pub_sub_id: 'string' } },
  created_at: 'timestamp',
  updated_at: 'timestamp',
  format: 'string',
  nats: { message: { server_url: 'string' } },
  mqtt: {
    message: {
      server_url: 'string', client_id: 'string', username: 'string', password: 'string',
      subscribe_qos: { enum: QOS }, publish_qos: { enum: QOS }, use_tls: 'bool',
      tls_ca: 'bytes', tls_client_cert: 'bytes', tls_client_key: 'bytes', headers: 'map',
    },
  },
  // Deprecated in v3.32 (no provider is registered for it) but still in the message.
  aws_iot: 'struct',
  base_topic: 'string',
  downlink_push: { message: withTopic },
  downlink_replace: { message: withTopic },
  ...Object.fromEntries(UP_MESSAGES.map((m) => [m, { message: withTopic }])),
};

/** The pub/sub's `provider` oneof and the webhook health's `status` oneof: mask segments that are not JSON keys. */
export const PUBSUB_ONEOFS: Oneof[] = [{ path: 'provider', parent: '', members: ['nats', 'mqtt', 'aws_iot'] }];
export const WEBHOOK_ONEOFS: Oneof[] = [{ path: 'health_status.status', parent: 'health_status', members: ['healthy', 'unhealthy'] }];

export const ASSOCIATION_SCHEMA: Schema = {
  ids: { message: { end_device_ids: { message: endDeviceIds }, f_port: 'uint32' } },
  created_at: 'timestamp',
  updated_at: 'timestamp',
  package_name: 'string',
  data: 'struct',
};
export const DEFAULT_ASSOCIATION_SCHEMA: Schema = {
  ids: { message: { application_ids: { message: applicationIds }, f_port: 'uint32' } },
  created_at: 'timestamp',
  updated_at: 'timestamp',
  package_name: 'string',
  data: 'struct',
};

// Validators.

const applicationIdsCheck = message('ApplicationIdentifiersValidationError', { application_id: idRule('application_id') });
const appIdsRule = (typeName: string): Rule => nested(typeName, 'application_ids', applicationIdsCheck, true);

const formattersCheck = message('MessagePayloadFormattersValidationError', {
  up_formatter: definedEnum('up_formatter', FORMATTERS),
  up_formatter_parameter: maxLen('up_formatter_parameter', 40960),
  down_formatter: definedEnum('down_formatter', FORMATTERS),
  down_formatter_parameter: maxLen('down_formatter_parameter', 40960),
});
/** ApplicationLink; unknown (removed) fields are "invalid field path". */
export const linkCheck: Check = (m, fields) => {
  for (const f of fields ?? []) {
    if (f !== 'default_formatters' && f !== 'skip_payload_crypto') {
      return message('ApplicationLinkValidationError', { [f]: () => 'invalid field path' })(m, undefined);
    }
  }
  return message('ApplicationLinkValidationError', {
    default_formatters: nested('ApplicationLinkValidationError', 'default_formatters', formattersCheck),
  })(m, fields);
};

function messagesRules(typeName: string, msgType: string, inner: string, max: number, names: readonly string[]): Record<string, Rule> {
  const check = message(msgType, { [inner]: maxLen(inner, max) });
  return Object.fromEntries(names.map((n) => [n, nested(typeName, n, check)]));
}

const WEBHOOK = 'ApplicationWebhookValidationError';
export const webhookCheck: Check = message(WEBHOOK, {
  ids: nested(WEBHOOK, 'ids', message('ApplicationWebhookIdentifiersValidationError', {
    application_ids: appIdsRule('ApplicationWebhookIdentifiersValidationError'),
    webhook_id: idRule('webhook_id'),
  }), true),
  base_url: uriRule('base_url'),
  headers: mapRule(WEBHOOK, 'headers', 50, (k) => (runes(k) > 64 ? 'value length must be at most 64 runes' : undefined), (v) =>
    runes(v) > 4096 ? 'value length must be at most 4096 runes' : undefined),
  format: idRule('format', 20),
  template_ids: nested(WEBHOOK, 'template_ids', message('ApplicationWebhookTemplateIdentifiersValidationError', { template_id: idRule('template_id') })),
  downlink_api_key: maxLen('downlink_api_key', 128),
  ...messagesRules(WEBHOOK, 'ApplicationWebhook_MessageValidationError', 'path', 64, UP_MESSAGES),
});

const PUBSUB = 'ApplicationPubSubValidationError';
const natsCheck = message('ApplicationPubSub_NATSProviderValidationError', { server_url: uriRule('server_url') });
const mqttCheck = message('ApplicationPubSub_MQTTProviderValidationError', {
  server_url: uriRule('server_url'),
  client_id: maxLen('client_id', 23),
  username: maxLen('username', 100),
  password: maxLen('password', 100),
  tls_ca: maxBytes('tls_ca', 8192),
  tls_client_cert: maxBytes('tls_client_cert', 8192),
  tls_client_key: maxBytes('tls_client_key', 8192),
});
/** The provider oneof is required (validate.required); its member's message is validated. */
const providerRule: Rule = (m) => {
  if (m?.nats !== undefined) return nested(PUBSUB, 'nats', natsCheck)(m);
  if (m?.mqtt !== undefined) return nested(PUBSUB, 'mqtt', mqttCheck)(m);
  if (m?.aws_iot !== undefined) return undefined;
  return 'value is required';
};
export const pubsubCheck: Check = message(PUBSUB, {
  ids: nested(PUBSUB, 'ids', message('ApplicationPubSubIdentifiersValidationError', {
    application_ids: appIdsRule('ApplicationPubSubIdentifiersValidationError'),
    pub_sub_id: idRule('pub_sub_id'),
  }), true),
  format: idRule('format', 20),
  base_topic: maxLen('base_topic', 100),
  ...messagesRules(PUBSUB, 'ApplicationPubSub_MessageValidationError', 'topic', 100, ['downlink_push', 'downlink_replace', ...UP_MESSAGES]),
  provider: providerRule,
});

const END_DEVICE_IDS = 'EndDeviceIdentifiersValidationError';
const endDeviceIdsCheck = message(END_DEVICE_IDS, { device_id: idRule('device_id'), application_ids: appIdsRule(END_DEVICE_IDS) });
const ASSOC_IDS = 'ApplicationPackageAssociationIdentifiersValidationError';
export const associationIdsCheck = message(ASSOC_IDS, {
  end_device_ids: nested(ASSOC_IDS, 'end_device_ids', endDeviceIdsCheck, true),
  f_port: range('f_port', 1, 255),
});
const DEFAULT_IDS = 'ApplicationPackageDefaultAssociationIdentifiersValidationError';
export const defaultAssociationIdsCheck = message(DEFAULT_IDS, { application_ids: appIdsRule(DEFAULT_IDS), f_port: range('f_port', 1, 255) });

const ASSOC = 'ApplicationPackageAssociationValidationError';
export const associationCheck: Check = message(ASSOC, {
  ids: nested(ASSOC, 'ids', associationIdsCheck, true),
  package_name: idRule('package_name'),
});
const DEFAULT = 'ApplicationPackageDefaultAssociationValidationError';
export const defaultAssociationCheck: Check = message(DEFAULT, {
  ids: nested(DEFAULT, 'ids', defaultAssociationIdsCheck, true),
  package_name: idRule('package_name'),
});
