// What the Join, Network and Application Servers check on Get/Set of an end
// device, beyond the field-mask lists: key rights, required identifiers, zero
// keys, session consistency, the NS's field implications, and what a create
// derives. Sources (v3.32): pkg/joinserver/grpc_deviceregistry.go,
// pkg/networkserver/grpc_deviceregistry.go, pkg/applicationserver/grpc_deviceregistry.go
// and their redis/registry.go (SetByID is an upsert: a Set creates an absent
// device and never answers NotFound).
import { R } from './auth.js';
import { baseIds, type ComponentRules, type ServerComponent, str, zeroKey } from './component-common.js';
import { NS } from './ns-rules.js';
import { asDeviceNotFound, invalidFieldMask, invalidFieldValue, jsDeviceNotFound, noDevEui, noJoinEui, registryNotFound } from './errors.js';
import { deletePath, getPath, hasAnyField, setPath } from './json-path.js';

export type { ComponentRules, ServerComponent } from './component-common.js';
export { checkReadOnlyIds, from104, useNwkKey } from './component-common.js';

const JS: ComponentRules = {
  getRpc: 'JsEndDeviceRegistry.Get',
  setRpc: 'JsEndDeviceRegistry.Set',
  // pkg/joinserver/grpc_deviceregistry.go Get: READ_KEYS only for the two key
  // paths; root_key_id and the nonce state (last_dev_nonce, used_dev_nonces,
  // last_join_nonce, resets_join_nonces, last_rj_count_*, net_id) need DEVICES_READ.
  readRights: (mask) =>
    hasAnyField(mask, 'root_keys.app_key.key', 'root_keys.nwk_key.key') ? [R.DEVICES_READ, R.DEVICES_READ_KEYS] : [R.DEVICES_READ],
  // Set: WRITE_KEYS for the keys and root_key_id; nonce state needs DEVICES_WRITE only.
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
    // grpc_deviceregistry.go Set: a zero root_keys.nwk_key.key removes the NwkKey (`RootKeys.NwkKey = nil`).
    if (hasAnyField(mask, 'root_keys.nwk_key.key') && zeroKey(dev, 'root_keys.nwk_key.key')) deletePath(next, 'root_keys.nwk_key');
  },
  createIds(dev) {
    const ids = baseIds(dev);
    ids.join_eui = getPath(dev, 'ids.join_eui') ?? null;
    ids.dev_eui = getPath(dev, 'ids.dev_eui') ?? null;
    return ids;
  },
  // JS Set on update: the mask only (redis/registry.go set).
  idSets: (_dev, mask) => [...mask],
  getNotFound: jsDeviceNotFound,
  deleteNotFound: () => jsDeviceNotFound(),
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
  idSets: (_dev, mask) => [...mask],
  getNotFound: registryNotFound,
  deleteNotFound: (applicationId, deviceId) => asDeviceNotFound(`${applicationId}.${deviceId}`),
};

export const RULES: Record<ServerComponent, ComponentRules> = { js: JS, ns: NS, as: AS };
