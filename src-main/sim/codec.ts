// Reads an end device from request JSON the way The Things Stack's JSON
// unmarshaler (TheThingsIndustries/protoc-gen-go-json) and proto validators do,
// and writes it back the way its marshaler does: EUIs, DevAddr and keys as
// upper-case hex, MAC/PHY versions as their canonical enum names, other LoRaWAN
// enums (RxDelay, DataRateIndex, DataRateOffset) as numbers, uint64 as strings,
// wrapper messages as plain values, zero scalars omitted.
import { badRequest, validation } from './errors.js';
import { WRAPPER_PATHS } from './fieldmask-rules.js';
import { type Json, type JsonObject, isObject, isZeroScalar } from './json-path.js';

type Rule = (v: Json, path: string) => Json;

const ID_PATTERN = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
const ADDRESS_PATTERN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$/;

function unmarshalError(path: string, reason: string): Error {
  return badRequest(`unmarshal error at path "end_device.${path}": ${reason}`);
}

function hex(bytes: number): Rule {
  const re = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
  return (v, path) => {
    if (typeof v !== 'string') throw unmarshalError(path, 'expected a hex string');
    if (v === '') return v;
    if (!re.test(v)) throw unmarshalError(path, `invalid length or characters: want ${bytes} bytes of hex`);
    return v.toUpperCase();
  };
}

export const MAC_VERSIONS = ['MAC_UNKNOWN', 'MAC_V1_0', 'MAC_V1_0_1', 'MAC_V1_0_2', 'MAC_V1_1', 'MAC_V1_0_3', 'MAC_V1_0_4'];
const MAC_ALIASES: Record<string, number> = {
  UNKNOWN: 0, unknown: 0, V1_0: 1, '1.0': 1, '1.0.0': 1, V1_0_1: 2, '1.0.1': 2, V1_0_2: 3, '1.0.2': 3,
  V1_1: 4, '1.1': 4, '1.1.0': 4, V1_0_3: 5, '1.0.3': 5, V1_0_4: 6, '1.0.4': 6,
};

// Index = enum number; the first declared name is what the server writes back.
export const PHY_VERSIONS = [
  'PHY_UNKNOWN', 'PHY_V1_0', 'PHY_V1_0_1', 'PHY_V1_0_2_REV_A', 'PHY_V1_0_2_REV_B', 'PHY_V1_1_REV_A',
  'PHY_V1_1_REV_B', 'PHY_V1_0_3_REV_A', 'RP002_V1_0_0', 'RP002_V1_0_1', 'RP002_V1_0_2', 'RP002_V1_0_3', 'RP002_V1_0_4',
];
const PHY_ALIASES: Record<string, number> = {
  TS001_V1_0: 1, TS001_V1_0_1: 2, RP001_V1_0_2: 3, RP001_V1_0_2_REV_B: 4, RP001_V1_1_REV_A: 5,
  RP001_V1_1_REV_B: 6, RP001_V1_0_3_REV_A: 7, unknown: 0, '1.0': 1, '1.0.0': 1, V1_0: 1, '1.0.1': 2,
  V1_0_1: 2, '1.0.2': 3, '1.0.2-a': 3, V1_0_2: 3, V1_0_2_REV_A: 3, '1.0.2-b': 4, V1_0_2_REV_B: 4,
  '1.1-a': 5, '1.1.0-a': 5, V1_1_REV_A: 5, '1.1-b': 6, '1.1.0-b': 6, V1_1_REV_B: 6, '1.0.3-a': 7, V1_0_3_REV_A: 7,
};

function stringEnum(names: string[], aliases: Record<string, number>, what: string): Rule {
  return (v, path) => {
    let n: number | undefined;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string') n = names.indexOf(v) >= 0 ? names.indexOf(v) : aliases[v];
    if (n === undefined || names[n] === undefined) throw unmarshalError(path, `could not read ${what} enum: invalid value ${JSON.stringify(v)}`);
    return names[n] as string;
  };
}

/** Enums the marshaler writes as numbers (EnumsAsInts): RX_DELAY_5 -> 5. */
function numberEnum(prefix: string, max: number, what: string): Rule {
  return (v, path) => {
    let n: number | undefined;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string' && v.startsWith(prefix)) n = Number(v.slice(prefix.length));
    else if (typeof v === 'string' && /^\d+$/.test(v)) n = Number(v);
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > max) {
      throw unmarshalError(path, `could not read ${what} enum: invalid value ${JSON.stringify(v)}`);
    }
    return n;
  };
}

const uint64: Rule = (v, path) => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  throw unmarshalError(path, 'expected an unsigned integer');
};

/** uint32 (pkg/ttnpb end_device_json.pb.go ReadUint32/WriteUint32): written back as a JSON number. */
const uint32: Rule = (v, path) => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw unmarshalError(path, 'expected an unsigned 32-bit integer');
  return n;
};

/** repeated uint32 (WriteUint32Array): a list of numbers. */
const uint32List: Rule = (v, path) => {
  if (!Array.isArray(v)) throw unmarshalError(path, 'expected an array');
  return v.map((x, i) => uint32(x, `${path}[${i}]`));
};

/** bool: the unmarshaler reads only true/false ("ReadBool: expect t or f"). */
const bool: Rule = (v, path) => {
  if (typeof v !== 'boolean') throw unmarshalError(path, 'ReadBool: expect t or f');
  return v;
};

const maxLen = (n: number): Rule => (v, path) => {
  if (typeof v !== 'string') throw unmarshalError(path, 'expected a string');
  if ([...v].length > n) throw validation(path, `value length must be at most ${n} runes`);
  return v;
};

const identifier: Rule = (v, path) => {
  if (typeof v !== 'string') throw unmarshalError(path, 'expected a string');
  if (v.length > 36) throw validation(path, 'value length must be at most 36 runes');
  if (!ID_PATTERN.test(v)) throw validation(path, `value does not match regex pattern "${ID_PATTERN.source}"`);
  return v;
};

const address: Rule = (v, path) => {
  if (typeof v !== 'string') throw unmarshalError(path, 'expected a string');
  if (!ADDRESS_PATTERN.test(v)) throw validation(path, `value does not match regex pattern "${ADDRESS_PATTERN.source}"`);
  return v;
};

const attributes: Rule = (v, path) => {
  if (!isObject(v)) throw unmarshalError(path, 'expected an object');
  const keys = Object.keys(v);
  if (keys.length > 10) throw validation(path, 'value must contain no more than 10 pair(s)');
  for (const k of keys) {
    const val = v[k];
    if (typeof val !== 'string') throw unmarshalError(`${path}.${k}`, 'expected a string');
    if (k.length > 36 || !ID_PATTERN.test(k)) throw validation(`${path}[${k}]`, `value does not match regex pattern "${ID_PATTERN.source}"`);
    if ([...val].length > 200) throw validation(`${path}[${k}]`, 'value length must be at most 200 runes');
  }
  return { ...v };
};

const timestamp: Rule = (v, path) => {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw unmarshalError(path, 'expected an RFC 3339 timestamp');
  return v;
};

const EXACT: Record<string, Rule> = {
  'ids.dev_eui': hex(8),
  'ids.join_eui': hex(8),
  'ids.device_id': identifier,
  'ids.application_ids.application_id': identifier,
  lorawan_version: stringEnum(MAC_VERSIONS, MAC_ALIASES, 'MACVersion'),
  'mac_state.lorawan_version': stringEnum(MAC_VERSIONS, MAC_ALIASES, 'MACVersion'),
  'pending_mac_state.lorawan_version': stringEnum(MAC_VERSIONS, MAC_ALIASES, 'MACVersion'),
  lorawan_phy_version: stringEnum(PHY_VERSIONS, PHY_ALIASES, 'PHYVersion'),
  name: maxLen(50),
  description: maxLen(2000),
  attributes,
  network_server_address: address,
  application_server_address: address,
  join_server_address: address,
  frequency_plan_id: maxLen(64),
  service_profile_id: maxLen(64),
  max_frequency: uint64,
  min_frequency: uint64,
  created_at: timestamp,
  updated_at: timestamp,
  activated_at: timestamp,
  last_seen_at: timestamp,
  'session.started_at': timestamp,
  // Join Server state (api/ttn/lorawan/v3/end_device.proto EndDevice 21-32; keys.proto RootKeys).
  'root_keys.root_key_id': maxLen(2048),
  resets_join_nonces: bool,
  net_id: hex(3),
  last_dev_nonce: uint32,
  used_dev_nonces: uint32List,
  last_join_nonce: uint32,
  last_rj_count_0: uint32,
  last_rj_count_1: uint32,
  supports_join: bool,
  multicast: bool,
  supports_class_b: bool,
  supports_class_c: bool,
};

for (const prefix of ['mac_settings.', 'mac_settings.desired_']) {
  EXACT[`${prefix}rx1_delay`] = numberEnum('RX_DELAY_', 15, 'RxDelay');
  EXACT[`${prefix}rx2_data_rate_index`] = numberEnum('DATA_RATE_', 15, 'DataRateIndex');
  EXACT[`${prefix}ping_slot_data_rate_index`] = numberEnum('DATA_RATE_', 15, 'DataRateIndex');
  EXACT[`${prefix}rx1_data_rate_offset`] = numberEnum('DATA_RATE_OFFSET_', 7, 'DataRateOffset');
  EXACT[`${prefix}rx2_frequency`] = uint64;
  EXACT[`${prefix}ping_slot_frequency`] = uint64;
  EXACT[`${prefix}beacon_frequency`] = uint64;
}
EXACT['mac_settings.adr.mode.static.data_rate_index'] = numberEnum('DATA_RATE_', 15, 'DataRateIndex');
EXACT['mac_settings.adr.mode.dynamic.min_data_rate_index'] = numberEnum('DATA_RATE_', 15, 'DataRateIndex');
EXACT['mac_settings.adr.mode.dynamic.max_data_rate_index'] = numberEnum('DATA_RATE_', 15, 'DataRateIndex');
EXACT['mac_settings.factory_preset_frequencies'] = (v, path) => {
  if (!Array.isArray(v)) throw unmarshalError(path, 'expected an array');
  return v.map((x, i) => uint64(x, `${path}[${i}]`));
};

const DEV_ADDR = /(^|\.)dev_addr$/;
const AES_KEY = /(^|\.)(app_key|nwk_key|app_s_key|f_nwk_s_int_key|s_nwk_s_int_key|nwk_s_enc_key)\.key$/;
const devAddr = hex(4);
const aesKey = hex(16);

function ruleFor(path: string): Rule | undefined {
  const exact = EXACT[path];
  if (exact) return exact;
  if (DEV_ADDR.test(path)) return devAddr;
  if (AES_KEY.test(path)) return aesKey;
  return undefined;
}

function normalizeValue(v: Json, path: string): Json | undefined {
  const wrapper = WRAPPER_PATHS.has(path);
  // Wrapper messages are plain values on the wire: the real unmarshaler fails on
  // `{"value": false}` ("ReadBool: expect t or f").
  if (wrapper && isObject(v)) throw unmarshalError(path, `a wrapped value is written as a plain JSON value, not an object`);
  if (v === null) return undefined;
  const rule = ruleFor(path);
  let out: Json = v;
  if (rule) out = rule(v, path);
  else if (isObject(v)) {
    const obj: JsonObject = {};
    for (const k of Object.keys(v)) {
      const n = normalizeValue(v[k] as Json, path ? `${path}.${k}` : k);
      if (n !== undefined) obj[k] = n;
    }
    out = obj;
  }
  // A wrapper that is present is "set", even when its value is false or 0.
  if (!wrapper && isZeroScalar(out)) return undefined;
  return out;
}

/** Normalizes and validates an `end_device` request object. */
export function normalizeDevice(input: unknown): JsonObject {
  if (input === undefined || input === null) throw validation('end_device', 'value is required');
  if (!isObject(input)) throw badRequest('unmarshal error at path "end_device": expected an object');
  return (normalizeValue(input, '') as JsonObject | undefined) ?? {};
}

