// Pure decisions about device shapes: what to read from the source, and the target device
// made from it, exactly as "migrate without persisting the active session" prescribes.
import { randomBytes } from 'node:crypto';
import { getAtPath, isObject, pickPaths, setAtPath, type JsonObject } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import { targetDeviceId, type MigrationOptions } from './options.js';

/** Source fields read for a migration (keys only when the key may read them). */
export function sourceReadPaths(canReadKeys: boolean): string[] {
  const base = [
    'name', 'description', 'attributes', 'version_ids', 'locations', 'serial_number', 'lora_alliance_profile_ids',
    'network_server_address', 'application_server_address', 'join_server_address',
    'lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join', 'supports_class_b', 'supports_class_c',
    'mac_settings', 'multicast', 'session.dev_addr', 'formatters', 'skip_payload_crypto_override',
  ];
  return canReadKeys ? [...base, 'root_keys.app_key.key', 'root_keys.nwk_key.key', 'session.keys'] : base;
}

/** Fields copied from the source for every device (besides identifiers and keys). */
const COPIED = [
  'name', 'description', 'attributes', 'version_ids', 'locations', 'serial_number', 'lora_alliance_profile_ids',
  'lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_class_b', 'supports_class_c',
  'mac_settings', 'multicast', 'formatters', 'skip_payload_crypto_override',
];

export const SERVER_ADDRESS_FIELDS = ['network_server_address', 'application_server_address', 'join_server_address'] as const;
export type ServerAddresses = Partial<Record<(typeof SERVER_ADDRESS_FIELDS)[number], string>>;

export type Activation = 'otaa' | 'abp';
export const activationOf = (d: JsonObject): Activation => (getAtPath(d, 'supports_join') === true ? 'otaa' : 'abp');
export const isLoRaWAN11 = (d: JsonObject) => String(getAtPath(d, 'lorawan_version') ?? '').startsWith('MAC_V1_1');

export const randomKey = () => randomBytes(16).toString('hex').toUpperCase();

export interface ShapeInput {
  source: EndDevice;
  options: MigrationOptions;
  /** host[:port] of the target cluster: the server addresses point there… */
  targetHost: string;
  /** …unless the target application names its own (the IS accepts only those). */
  targetAddresses?: ServerAddresses;
  /** The source's schedule_downlinks before we quieted it (false only if the user had turned it off). */
  scheduleDownlinksBefore?: boolean;
  /** ABP new-session: the DevAddr the target allocated. */
  newDevAddr?: string;
  /** New keys (ABP new-session session keys, or root keys for an external-JS device). */
  newKeys?: Record<string, string>;
}

/** Session keys a new ABP session needs: 1.0.x one network key, 1.1 three. */
export function sessionKeyNames(device: JsonObject): string[] {
  return isLoRaWAN11(device) ? ['f_nwk_s_int_key', 's_nwk_s_int_key', 'nwk_s_enc_key', 'app_s_key'] : ['f_nwk_s_int_key', 'app_s_key'];
}
export const rootKeyNames = (device: JsonObject) => (isLoRaWAN11(device) ? ['app_key', 'nwk_key'] : ['app_key']);

/** The device to create on the target. */
export function shapeTargetDevice(input: ShapeInput): EndDevice {
  const { source, options } = input;
  const ids = source.ids;
  const target = pickPaths(source, COPIED) as JsonObject;
  target.ids = {
    device_id: targetDeviceId(ids.device_id, options.idMapping),
    application_ids: { application_id: '' }, // set by the client to the target application
    ...(ids.dev_eui ? { dev_eui: ids.dev_eui.toUpperCase() } : {}),
    ...(ids.join_eui ? { join_eui: ids.join_eui.toUpperCase() } : {}),
  };
  for (const server of SERVER_ADDRESS_FIELDS) target[server] = input.targetAddresses?.[server] || input.targetHost;
  target.supports_join = activationOf(source) === 'otaa';

  // Our own quieting must not travel: the target schedules downlinks unless the user had turned them off.
  const mac = isObject(target.mac_settings) ? target.mac_settings : undefined;
  if (mac) {
    delete mac.schedule_downlinks;
    if (Object.keys(mac).length === 0) delete target.mac_settings;
  }
  if (input.scheduleDownlinksBefore === false) setAtPath(target, 'mac_settings.schedule_downlinks', false);

  if (activationOf(source) === 'otaa') {
    for (const name of rootKeyNames(source)) {
      const key = input.newKeys?.[name] ?? getAtPath(source, `root_keys.${name}.key`);
      if (typeof key === 'string') setAtPath(target, `root_keys.${name}.key`, key.toUpperCase());
    }
  } else if (options.abpMode === 'keep-session') {
    // Same DevAddr and keys; frame counters start again, so the target must accept the reset.
    setAtPath(target, 'session.dev_addr', String(getAtPath(source, 'session.dev_addr') ?? '').toUpperCase());
    for (const name of sessionKeyNames(source)) {
      const key = getAtPath(source, `session.keys.${name}.key`);
      if (typeof key === 'string') setAtPath(target, `session.keys.${name}.key`, key.toUpperCase());
    }
    setAtPath(target, 'mac_settings.resets_f_cnt', true);
  } else if (options.abpMode === 'new-session') {
    setAtPath(target, 'session.dev_addr', (input.newDevAddr ?? '').toUpperCase());
    for (const name of sessionKeyNames(source)) {
      const key = input.newKeys?.[name];
      if (key) setAtPath(target, `session.keys.${name}.key`, key);
    }
  }
  return target as EndDevice;
}

const KEY_PATH = /(^|\.)(root_keys|keys)(\.|$)/;

/** The same device with every key replaced by a marker: for plans, journals and the UI. */
export function redactKeys<T extends JsonObject>(device: T): T {
  const copy = structuredClone(device);
  const walk = (o: JsonObject, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (k === 'key' && KEY_PATH.test(prefix)) o[k] = '••••';
      else if (isObject(v)) walk(v, path);
    }
  };
  walk(copy, '');
  return copy;
}
