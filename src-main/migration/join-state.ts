// What a device's Join Server record holds that a migration must carry: the root keys and
// the nonce state. Rules from pkg/joinserver/joinserver.go (HandleJoin's root-key table).
import { getAtPath, type JsonObject } from '../stack/paths.js';
import { isMacV11 } from '../stack/versions.js';

export const ROOT_KEY_NAMES = ['app_key', 'nwk_key'] as const;
export type RootKeyName = (typeof ROOT_KEY_NAMES)[number];

/** The root key id of keys `ttn-lw-cli` generated: its devices join with the AppKey even when a NwkKey is set. */
export const CLI_GENERATED_ROOT_KEY_ID = 'ttn-lw-cli-generated';

/**
 * Join Server fields kept by `ttn-lw-migrate --tts.no-session` besides the keys: without
 * them the target starts at JoinNonce 0 and a LoRaWAN 1.0.4/1.1 device ignores its
 * Join-Accepts; a device that resets its nonces is refused after a power cycle.
 * Reading them needs no key rights.
 */
export const JOIN_STATE_PATHS = [
  'root_keys.root_key_id', 'last_join_nonce', 'last_dev_nonce', 'used_dev_nonces', 'resets_join_nonces',
  'last_rj_count_0', 'last_rj_count_1', 'net_id',
] as const;

export const ROOT_KEY_PATHS = ROOT_KEY_NAMES.map((n) => `root_keys.${n}.key`);

/** The root keys a device record carries. */
export const presentRootKeys = (device: JsonObject): RootKeyName[] =>
  ROOT_KEY_NAMES.filter((n) => typeof getAtPath(device, `root_keys.${n}.key`) === 'string' && getAtPath(device, `root_keys.${n}.key`) !== '');

/**
 * Whether the Join Server can accept the device's joins with the root keys present:
 * LoRaWAN 1.1 needs NwkKey and AppKey; 1.0.x uses the NwkKey when there is one (unless
 * ttn-lw-cli generated the keys), the AppKey otherwise.
 */
export function joinableWith(device: JsonObject, present: readonly RootKeyName[] = presentRootKeys(device)): boolean {
  const nwk = present.includes('nwk_key');
  const app = present.includes('app_key');
  if (isMacV11(getAtPath(device, 'lorawan_version'))) return nwk && app;
  if (nwk && getAtPath(device, 'root_keys.root_key_id') !== CLI_GENERATED_ROOT_KEY_ID) return true;
  return app;
}

/** Root keys a device needs when new ones are generated (keys on an external Join Server). */
export const rootKeysToGenerate = (device: JsonObject): RootKeyName[] => (isMacV11(getAtPath(device, 'lorawan_version')) ? ['app_key', 'nwk_key'] : ['app_key']);
