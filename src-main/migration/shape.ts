// Pure decisions about device shapes: what to read from the source, and the target device
// made from it, exactly as "migrate without persisting the active session" prescribes.
import { randomBytes } from 'node:crypto';
import { getAtPath, isObject, pickPaths, setAtPath, type JsonObject } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import { canonicalMacVersion, canonicalPhyVersion, isMacV11 } from '../stack/versions.js';
import { JOIN_STATE_PATHS, presentRootKeys, ROOT_KEY_NAMES, ROOT_KEY_PATHS } from './join-state.js';
import { withoutMarker } from './source-marker.js';
import { targetDeviceId, type MigrationOptions } from './options.js';

/** Source fields read for a migration (key values only when the key may read them). */
export function sourceReadPaths(canReadKeys: boolean): string[] {
  const base = [
    'name', 'description', 'attributes', 'version_ids', 'locations', 'serial_number', 'lora_alliance_profile_ids',
    'network_server_address', 'application_server_address', 'join_server_address',
    'lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join', 'supports_class_b', 'supports_class_c',
    'mac_settings', 'multicast', 'session.dev_addr', 'formatters', 'skip_payload_crypto_override',
    ...JOIN_STATE_PATHS,
  ];
  return canReadKeys ? [...base, ...ROOT_KEY_PATHS, 'session.keys'] : base;
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
export const isLoRaWAN11 = (d: JsonObject) => isMacV11(getAtPath(d, 'lorawan_version'));

export const randomKey = () => randomBytes(16).toString('hex').toUpperCase();

export interface ShapeInput {
  source: EndDevice;
  options: MigrationOptions;
  /** host[:port] of the target cluster: the server addresses point there… */
  targetHost: string;
  /** …unless the target application names its own (the IS accepts only those). */
  targetAddresses?: ServerAddresses;
  /** schedule_downlinks the target gets: off only where the user had it off and chose to keep it so. */
  downlinksBefore?: DownlinkSetting;
  /** ABP new-session: the DevAddr the target allocated. */
  newDevAddr?: string;
  /** New keys (ABP new-session session keys, or root keys for an external-JS device). */
  newKeys?: Record<string, string>;
}

/** Session keys a new ABP session needs: 1.0.x one network key, 1.1 three. */
export function sessionKeyNames(device: JsonObject): string[] {
  return isLoRaWAN11(device) ? ['f_nwk_s_int_key', 's_nwk_s_int_key', 'nwk_s_enc_key', 'app_s_key'] : ['f_nwk_s_int_key', 'app_s_key'];
}

/**
 * `mac_settings.schedule_downlinks` as the source had it: restored exactly on rollback
 * (unset stays unset: the NS refuses `true` for multicast devices).
 */
export type DownlinkSetting = 'on' | 'off' | 'unset';
export function downlinkSettingOf(device: JsonObject): DownlinkSetting {
  const v = getAtPath(device, 'mac_settings.schedule_downlinks');
  return v === true ? 'on' : v === false ? 'off' : 'unset';
}

/** The device to create on the target. */
export function shapeTargetDevice(input: ShapeInput): EndDevice {
  const { source, options } = input;
  const ids = source.ids;
  const target = pickPaths(source, COPIED) as JsonObject;
  // Our mark on the source (source-marker.ts) never travels.
  const attributes = withoutMarker(target.attributes);
  if (attributes) target.attributes = attributes;
  else delete target.attributes;
  // Files may name versions by alias ("1.1", "V1_0_4"): the server's own names decide which keys apply.
  const macVersion = canonicalMacVersion(target.lorawan_version);
  if (macVersion) target.lorawan_version = macVersion;
  const phy = canonicalPhyVersion(target.lorawan_phy_version);
  if (phy) target.lorawan_phy_version = phy;
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
  if (input.downlinksBefore === 'off') setAtPath(target, 'mac_settings.schedule_downlinks', false);

  if (activationOf(source) === 'otaa') {
    const generated = Object.keys(input.newKeys ?? {}).some((k) => k === 'app_key' || k === 'nwk_key');
    if (generated) {
      // New keys for a device whose keys stay on an external Join Server: nothing else of its JS state applies.
      for (const name of ROOT_KEY_NAMES) {
        const key = input.newKeys?.[name];
        if (key) setAtPath(target, `root_keys.${name}.key`, key.toUpperCase());
      }
    } else {
      // Every root key the source holds (a 1.0.x device with a NwkKey joins with it), its id,
      // and the nonce state, so that the target's Join-Accepts are taken and its DevNonces accepted.
      for (const name of presentRootKeys(source)) setAtPath(target, `root_keys.${name}.key`, String(getAtPath(source, `root_keys.${name}.key`)).toUpperCase());
      for (const path of JOIN_STATE_PATHS) {
        const v = getAtPath(source, path);
        if (v !== undefined && v !== null) setAtPath(target, path, structuredClone(v));
      }
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
