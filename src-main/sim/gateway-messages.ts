// The Gateway message of the Identity Server (api/ttn/lorawan/v3/gateway.proto) as create and
// update read it, and its validator (pkg/ttnpb/gateway.pb.validate.go, identifiers.pb.validate.go).
// `ids.eui` is hex (types.Unmarshal8Bytes); Secret.value is bytes, so base64 in JSON.
import { organizationOrUserCheck } from './application-messages.js';
import { badRequest } from './errors.js';
import { type Json, type JsonObject, isObject } from './json-path.js';
import { type Schema, decodeMessage } from './message-codec.js';
import { type Check, ID_PATTERN, type Rule, fieldError, idRule, mapRule, maxLen, message, nested, runes, uriRule } from './validate.js';

const secret: Schema = { key_id: 'string', value: 'bytes' };
const organizationOrUser: Schema = {
  organization_ids: { message: { organization_id: 'string' } },
  user_ids: { message: { user_id: 'string', email: 'string' } },
};

/** Scalar and message fields; `ids`, `frequency_plan_ids` and `antennas` are decoded apart. */
const GATEWAY_SCHEMA: Schema = {
  name: 'string',
  description: 'string',
  attributes: 'map',
  administrative_contact: { message: organizationOrUser },
  technical_contact: { message: organizationOrUser },
  version_ids: { message: { brand_id: 'string', model_id: 'string', hardware_version: 'string', firmware_version: 'string', runtime_version: 'string' } },
  gateway_server_address: 'string',
  auto_update: 'bool',
  update_channel: 'string',
  frequency_plan_id: 'string',
  status_public: 'bool',
  location_public: 'bool',
  schedule_downlink_late: 'bool',
  enforce_duty_cycle: 'bool',
  downlink_path_constraint: {
    enum: ['DOWNLINK_PATH_CONSTRAINT_NONE', 'DOWNLINK_PATH_CONSTRAINT_PREFER_OTHER', 'DOWNLINK_PATH_CONSTRAINT_NEVER'],
    prefix: 'DOWNLINK_PATH_CONSTRAINT',
  },
  schedule_anytime_delay: 'duration',
  update_location_from_status: 'bool',
  lbs_lns_secret: { message: secret },
  claim_authentication_code: { message: { secret: { message: secret }, valid_from: 'timestamp', valid_to: 'timestamp' } },
  target_cups_uri: 'string',
  target_cups_key: { message: secret },
  require_authenticated_connection: 'bool',
  lrfhss: { message: { supported: 'bool' } },
  disable_packet_broker_forwarding: 'bool',
};

const ANTENNA_SCHEMA: Schema = {
  location: { message: { latitude: 'struct', longitude: 'struct', altitude: 'struct', accuracy: 'struct', source: 'string' } },
  attributes: 'map',
  placement: { enum: ['PLACEMENT_UNKNOWN', 'INDOOR', 'OUTDOOR'] },
};

const HEX8 = /^[0-9A-Fa-f]{16}$/;

/** types.Unmarshal8Bytes: hex of 8 bytes, or empty. */
export function decodeEui(v: Json | undefined, path: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !HEX8.test(v)) throw badRequest(`unmarshal error at path "${path}": invalid EUI64`);
  return v.toUpperCase();
}

function decodeAntenna(v: Json, path: string): JsonObject {
  if (!isObject(v)) throw badRequest(`unmarshal error at path "${path}": expected an object`);
  const out: JsonObject = {};
  if (v.gain !== undefined && v.gain !== null) {
    if (typeof v.gain !== 'number') throw badRequest(`unmarshal error at path "${path}.gain": expected a number`);
    if (v.gain !== 0) out.gain = v.gain;
  }
  // Location numbers are kept as given (the struct spec only checks it is an object).
  const loc = v.location;
  if (isObject(loc)) {
    const l: JsonObject = {};
    for (const f of ['latitude', 'longitude', 'altitude', 'accuracy']) {
      if (loc[f] === undefined || loc[f] === null) continue;
      if (typeof loc[f] !== 'number') throw badRequest(`unmarshal error at path "${path}.location.${f}": expected a number`);
      if (loc[f] !== 0) l[f] = loc[f];
    }
    if (typeof loc.source === 'string' && loc.source !== '' && loc.source !== 'SOURCE_UNKNOWN') l.source = loc.source;
    out.location = l;
  }
  const rest = decodeMessage({ attributes: ANTENNA_SCHEMA.attributes as 'map', placement: ANTENNA_SCHEMA.placement as never }, v, path) ?? {};
  return { ...out, ...rest };
}

/** A request's Gateway: known fields only, zero values dropped (as the JSON unmarshaler leaves them). */
export function decodeGateway(v: Json | undefined, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badRequest(`unmarshal error at path "${path}": expected an object`);
  const out = decodeMessage(GATEWAY_SCHEMA, v, path) ?? {};
  if (v.ids !== undefined && v.ids !== null) {
    if (!isObject(v.ids)) throw badRequest(`unmarshal error at path "${path}.ids": expected an object`);
    const ids: JsonObject = {};
    const id = v.ids.gateway_id;
    if (id !== undefined && id !== null && typeof id !== 'string') throw badRequest(`unmarshal error at path "${path}.ids.gateway_id": expected a string`);
    if (typeof id === 'string' && id !== '') ids.gateway_id = id;
    const eui = decodeEui(v.ids.eui, `${path}.ids.eui`);
    if (eui) ids.eui = eui;
    out.ids = ids;
  }
  for (const field of ['frequency_plan_ids', 'antennas'] as const) {
    const list = v[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw badRequest(`unmarshal error at path "${path}.${field}": expected a list`);
    if (field === 'frequency_plan_ids') {
      if (list.some((x) => typeof x !== 'string')) throw badRequest(`unmarshal error at path "${path}.${field}": expected strings`);
      if (list.length > 0) out[field] = [...list];
    } else if (list.length > 0) {
      out[field] = list.map((a, i) => decodeAntenna(a, `${path}.antennas[${i}]`));
    }
  }
  return out;
}

const GTW = 'GatewayValidationError';
const SERVER_ADDRESS =
  /^([a-z]{2,5}:\/\/)?(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$/;
const SERVER_ADDRESS_REASON =
  'value does not match regex pattern "^([a-z]{2,5}://)?(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\\\-]*[a-zA-Z0-9])\\\\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\\\-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$"';

const secretCheck: Check = message('SecretValidationError', {
  value: (m) => (typeof m?.value === 'string' && Buffer.from(m.value, 'base64').length > 2048 ? 'value length must be at most 2048 bytes' : undefined),
});

const list =
  (field: string, max: number, item?: (v: Json, i: number) => string | undefined): Rule =>
  (m) => {
    const v = m?.[field];
    if (!Array.isArray(v)) return undefined;
    if (v.length > max) return `value must contain no more than ${max} item(s)`;
    for (const [i, x] of v.entries()) {
      const r = item?.(x, i);
      if (r) return fieldError(GTW, `${field}[${i}]`, r);
    }
    return undefined;
  };

const attributeKey = (k: string) =>
  runes(k) > 36 ? 'value length must be at most 36 runes' : ID_PATTERN.test(k) ? undefined : 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"';
const attributeValue = (v: string) => (runes(v) > 200 ? 'value length must be at most 200 runes' : undefined);

/** Gateway.ValidateFields: declaration order of gateway.proto. */
export const gatewayCheck: Check = message(GTW, {
  ids: nested(GTW, 'ids', message('GatewayIdentifiersValidationError', { gateway_id: idRule('gateway_id') }), true),
  name: maxLen('name', 50),
  description: maxLen('description', 2000),
  attributes: mapRule(GTW, 'attributes', 10, attributeKey, attributeValue),
  administrative_contact: nested(GTW, 'administrative_contact', organizationOrUserCheck),
  technical_contact: nested(GTW, 'technical_contact', organizationOrUserCheck),
  gateway_server_address: (m) => (SERVER_ADDRESS.test(typeof m?.gateway_server_address === 'string' ? m.gateway_server_address : '') ? undefined : SERVER_ADDRESS_REASON),
  update_channel: maxLen('update_channel', 128),
  frequency_plan_id: maxLen('frequency_plan_id', 64),
  frequency_plan_ids: list('frequency_plan_ids', 8, (x) => (typeof x === 'string' && runes(x) > 64 ? 'value length must be at most 64 runes' : undefined)),
  antennas: list('antennas', 8),
  lbs_lns_secret: nested(GTW, 'lbs_lns_secret', secretCheck),
  target_cups_uri: (m) => (typeof m?.target_cups_uri === 'string' && m.target_cups_uri !== '' ? uriRule('target_cups_uri')(m) : undefined),
  target_cups_key: nested(GTW, 'target_cups_key', secretCheck),
});

/** Fields a create stores (server-set timestamps apart). */
export const GATEWAY_FIELDS = ['ids', ...Object.keys(GATEWAY_SCHEMA), 'frequency_plan_ids', 'antennas'];
