// What the Join, Network and Application Servers check on Get/Set of an end
// device, beyond the field-mask lists: key rights, required identifiers, zero
// keys, session consistency and create-time requirements. Sources:
// pkg/joinserver/grpc_deviceregistry.go, pkg/networkserver/grpc_deviceregistry.go,
// pkg/applicationserver/grpc_deviceregistry.go (v3.32).
import { R } from './auth.js';
import {
  type SimError,
  asDeviceNotFound,
  invalidFieldMask,
  invalidFieldValue,
  jsDeviceNotFound,
  noDevEui,
  noJoinEui,
  nsDeviceNotFound,
  registryNotFound,
} from './errors.js';
import type { RpcName } from './fieldmask-rules.js';
import { type JsonObject, getPath, hasAnyField, isObject, setPath } from './json-path.js';

export type ServerComponent = 'js' | 'ns' | 'as';

export interface ComponentRules {
  getRpc: RpcName;
  setRpc: RpcName;
  /** Rights a Get needs for its mask (DEVICES_READ plus READ_KEYS for key paths). */
  readRights(mask: readonly string[]): string[];
  /** Rights a Set needs for its mask. */
  writeRights(mask: readonly string[]): string[];
  /** Checks the real server makes before the rights check. */
  preCheck(dev: JsonObject, mask: readonly string[]): void;
  /** Component rules on the merged record; may derive fields. */
  finish(next: JsonObject, stored: JsonObject | undefined, dev: JsonObject, mask: readonly string[], now: string): void;
  /** Identifiers a create stores besides the masked paths. */
  createIds(dev: JsonObject): JsonObject;
  getNotFound(): SimError;
  deleteNotFound(applicationId: string, deviceId: string): SimError;
}

const str = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = getPath(o, p);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const zeroKey = (o: JsonObject, p: string) => {
  const v = str(o, p);
  return v === undefined || /^0+$/.test(v);
};

function baseIds(dev: JsonObject): JsonObject {
  return { device_id: getPath(dev, 'ids.device_id') ?? null, application_ids: { application_id: getPath(dev, 'ids.application_ids.application_id') ?? null } };
}

const JS: ComponentRules = {
  getRpc: 'JsEndDeviceRegistry.Get',
  setRpc: 'JsEndDeviceRegistry.Set',
  readRights: (mask) =>
    hasAnyField(mask, 'root_keys.app_key.key', 'root_keys.nwk_key.key') ? [R.DEVICES_READ, R.DEVICES_READ_KEYS] : [R.DEVICES_READ],
  writeRights: (mask) =>
    hasAnyField(mask, 'root_keys.app_key.key', 'root_keys.nwk_key.key', 'root_keys.root_key_id')
      ? [R.DEVICES_WRITE, R.DEVICES_WRITE_KEYS]
      : [R.DEVICES_WRITE],
  preCheck(dev, mask) {
    // A zero JoinEUI is valid; an absent one is not.
    if (getPath(dev, 'ids.join_eui') === undefined) throw noJoinEui();
    if (zeroKey(dev, 'ids.dev_eui')) throw noDevEui();
    if (hasAnyField(mask, 'root_keys.app_key.key') && zeroKey(dev, 'root_keys.app_key.key')) {
      throw invalidFieldValue('js', 'root_keys.app_key.key');
    }
  },
  finish(next, stored, dev, mask) {
    if (stored) {
      if (hasAnyField(mask, 'ids.dev_addr') || mask.includes('ids')) {
        if (getPath(dev, 'ids.dev_addr') !== undefined) throw invalidFieldMask('js');
      }
    } else if (getPath(dev, 'ids.dev_addr') !== undefined) {
      throw invalidFieldValue('js', 'ids.dev_addr');
    }
  },
  createIds(dev) {
    const ids = baseIds(dev);
    ids.join_eui = getPath(dev, 'ids.join_eui') ?? null;
    ids.dev_eui = getPath(dev, 'ids.dev_eui') ?? null;
    return ids;
  },
  getNotFound: jsDeviceNotFound,
  deleteNotFound: () => jsDeviceNotFound(),
};

const NS_SESSION_KEY_PATHS = [
  'session.keys.f_nwk_s_int_key.key',
  'session.keys.nwk_s_enc_key.key',
  'session.keys.s_nwk_s_int_key.key',
  'pending_session.keys.f_nwk_s_int_key.key',
  'pending_session.keys.nwk_s_enc_key.key',
  'pending_session.keys.s_nwk_s_int_key.key',
  'mac_state.queued_join_accept.keys.f_nwk_s_int_key.key',
  'mac_state.queued_join_accept.keys.nwk_s_enc_key.key',
  'mac_state.queued_join_accept.keys.s_nwk_s_int_key.key',
  'pending_mac_state.queued_join_accept.keys.f_nwk_s_int_key.key',
  'pending_mac_state.queued_join_accept.keys.nwk_s_enc_key.key',
  'pending_mac_state.queued_join_accept.keys.s_nwk_s_int_key.key',
];

const FREQUENCY_PLAN = /^[A-Z]{2}_\d{3}(?:_[A-Z0-9]+)*$/;

/** LoRaWAN 1.1 devices have three network session keys; 1.0.x only FNwkSIntKey. */
function usesNwkKey(macVersion: unknown): boolean {
  return macVersion === 'MAC_V1_1';
}

function checkNsSession(next: JsonObject, stored: JsonObject | undefined, mask: readonly string[], now: string): void {
  const session = next.session;
  const creating = stored === undefined;
  if (!isObject(session)) {
    // Stricter than the real NS, which accepts an ABP device without a session.
    if (creating && getPath(next, 'supports_join') !== true && getPath(next, 'multicast') !== true) {
      throw invalidFieldValue('ns', 'session');
    }
    return;
  }
  const touches = mask.some((p) => p === 'session' || p.startsWith('session.') || p === 'supports_join' || p === 'lorawan_version');
  if (!creating && !touches) return;
  if (str(next, 'session.dev_addr') === undefined) throw invalidFieldValue('ns', 'session.dev_addr');
  if (zeroKey(next, 'session.keys.f_nwk_s_int_key.key')) throw invalidFieldValue('ns', 'session.keys.f_nwk_s_int_key.key');
  const macVersion = getPath(next, 'mac_state.lorawan_version') ?? getPath(next, 'lorawan_version');
  if (usesNwkKey(macVersion)) {
    if (zeroKey(next, 'session.keys.nwk_s_enc_key.key')) throw invalidFieldValue('ns', 'session.keys.nwk_s_enc_key.key');
    if (zeroKey(next, 'session.keys.s_nwk_s_int_key.key')) throw invalidFieldValue('ns', 'session.keys.s_nwk_s_int_key.key');
  } else {
    const f = str(next, 'session.keys.f_nwk_s_int_key.key');
    for (const k of ['nwk_s_enc_key', 's_nwk_s_int_key']) {
      const p = `session.keys.${k}.key`;
      if (hasAnyField(mask, p) && str(next, p) !== undefined && str(next, p) !== f) throw invalidFieldValue('ns', p);
    }
    // LoRaWAN 1.0.x: the NS derives both from FNwkSIntKey.
    if (hasAnyField(mask, 'session.keys.f_nwk_s_int_key.key') && f) {
      setPath(next, 'session.keys.nwk_s_enc_key', { key: f });
      setPath(next, 'session.keys.s_nwk_s_int_key', { key: f });
    }
  }
  if (getPath(next, 'supports_join') === true && getPath(next, 'session.keys.session_key_id') === undefined) {
    throw invalidFieldValue('ns', 'session.keys.session_key_id');
  }
  if (getPath(next, 'session.started_at') === undefined) setPath(next, 'session.started_at', now);
  if (!isObject(next.mac_state)) {
    next.mac_state = { lorawan_version: (macVersion as string | undefined) ?? 'MAC_UNKNOWN', device_class: 'CLASS_A' };
  }
}

const NS: ComponentRules = {
  getRpc: 'NsEndDeviceRegistry.Get',
  setRpc: 'NsEndDeviceRegistry.Set',
  readRights(mask) {
    const rights: string[] = [R.DEVICES_READ];
    if (hasAnyField(mask, 'pending_session.queued_application_downlinks', 'queued_application_downlinks', 'session.queued_application_downlinks')) {
      rights.push(R.TRAFFIC_READ);
    }
    if (hasAnyField(mask, ...NS_SESSION_KEY_PATHS)) rights.push(R.DEVICES_READ_KEYS);
    return rights;
  },
  writeRights: (mask) =>
    hasAnyField(mask, ...NS_SESSION_KEY_PATHS, 'session.keys.session_key_id', 'pending_session.keys.session_key_id')
      ? [R.DEVICES_WRITE, R.DEVICES_WRITE_KEYS]
      : [R.DEVICES_WRITE],
  preCheck() {},
  finish(next, stored, dev, mask, now) {
    const set = (p: string) => hasAnyField(mask, p);
    if (set('frequency_plan_id') && !FREQUENCY_PLAN.test(str(dev, 'frequency_plan_id') ?? '')) {
      throw invalidFieldValue('ns', 'frequency_plan_id');
    }
    if (set('lorawan_phy_version') && str(dev, 'lorawan_phy_version') === undefined) throw invalidFieldValue('ns', 'lorawan_phy_version');
    if (set('lorawan_version') && str(dev, 'lorawan_version') === undefined) throw invalidFieldValue('ns', 'lorawan_version');
    if (stored) {
      for (const f of ['supports_join', 'multicast']) {
        if (set(f) && (getPath(dev, f) === true) !== (getPath(stored, f) === true)) throw invalidFieldValue('ns', f);
      }
    } else {
      // A device the NS can serve needs its versions and band; the real NS fails
      // its band lookup or version validation without them.
      for (const f of ['frequency_plan_id', 'lorawan_version', 'lorawan_phy_version']) {
        if (str(next, f) === undefined) throw invalidFieldValue('ns', f);
      }
    }
    if (set('supports_join') && getPath(next, 'supports_join') === true) {
      // ifNotZeroThenNotZeroFields: an OTAA device needs both EUIs (a zero JoinEUI counts as set).
      if (getPath(next, 'ids.dev_eui') === undefined) throw invalidFieldValue('ns', 'ids.dev_eui');
      if (getPath(next, 'ids.join_eui') === undefined) throw invalidFieldValue('ns', 'ids.join_eui');
    }
    // ids.dev_addr follows session.dev_addr.
    if (set('ids.dev_addr') && !mask.includes('ids')) {
      if (str(next, 'ids.dev_addr') !== str(next, 'session.dev_addr')) throw invalidFieldValue('ns', 'session.dev_addr');
    } else if (set('session.dev_addr')) {
      const addr = str(next, 'session.dev_addr');
      if (addr) setPath(next, 'ids.dev_addr', addr);
      else if (isObject(next.ids)) delete next.ids.dev_addr;
    }
    checkNsSession(next, stored, mask, now);
  },
  createIds(dev) {
    const ids = baseIds(dev);
    const join = getPath(dev, 'ids.join_eui');
    const devEui = getPath(dev, 'ids.dev_eui');
    if (join !== undefined) ids.join_eui = join;
    if (devEui !== undefined) ids.dev_eui = devEui;
    return ids;
  },
  getNotFound: registryNotFound,
  deleteNotFound: () => nsDeviceNotFound(),
};

const AS: ComponentRules = {
  getRpc: 'AsEndDeviceRegistry.Get',
  setRpc: 'AsEndDeviceRegistry.Set',
  readRights: (mask) =>
    hasAnyField(mask, 'pending_session.keys.app_s_key.key', 'session.keys.app_s_key.key')
      ? [R.DEVICES_READ, R.DEVICES_READ_KEYS]
      : [R.DEVICES_READ],
  writeRights: (mask) =>
    hasAnyField(mask, 'session.keys.app_s_key.key', 'session.keys.session_key_id')
      ? [R.DEVICES_WRITE, R.DEVICES_WRITE_KEYS]
      : [R.DEVICES_WRITE],
  preCheck(dev, mask) {
    if (hasAnyField(mask, 'session.dev_addr') && zeroKey(dev, 'session.dev_addr')) throw invalidFieldValue('as', 'session.dev_addr');
    if (hasAnyField(mask, 'session.keys.app_s_key.key') && zeroKey(dev, 'session.keys.app_s_key.key')) {
      throw invalidFieldValue('as', 'session.keys.app_s_key.key');
    }
  },
  finish(next, stored, dev, mask) {
    if (stored) {
      if (hasAnyField(mask, 'ids.dev_addr') && getPath(dev, 'ids.dev_addr') !== undefined) throw invalidFieldMask('as');
      if (hasAnyField(mask, 'session.dev_addr')) {
        const addr = str(next, 'session.dev_addr');
        if (addr) setPath(next, 'ids.dev_addr', addr);
      }
    } else {
      const idsAddr = str(dev, 'ids.dev_addr');
      if (idsAddr !== undefined) {
        if (!hasAnyField(mask, 'session.dev_addr') || idsAddr !== str(dev, 'session.dev_addr')) throw invalidFieldValue('as', 'ids.dev_addr');
        setPath(next, 'ids.dev_addr', idsAddr);
      }
    }
  },
  createIds(dev) {
    const ids = baseIds(dev);
    const join = getPath(dev, 'ids.join_eui');
    if (join !== undefined) ids.join_eui = join;
    if (!zeroKey(dev, 'ids.dev_eui')) ids.dev_eui = getPath(dev, 'ids.dev_eui') ?? null;
    return ids;
  },
  getNotFound: registryNotFound,
  deleteNotFound: (applicationId, deviceId) => asDeviceNotFound(`${applicationId}.${deviceId}`),
};

export const RULES: Record<ServerComponent, ComponentRules> = { js: JS, ns: NS, as: AS };
