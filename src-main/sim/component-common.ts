// What the Join, Network and Application Servers' rules share: the rules' shape, identifier
// checks, zero tests and MAC version order (pkg/specification/macspec).
import { readOnlyField, type SimError } from './errors.js';
import { type RpcName, storagePath } from './fieldmask-rules.js';
import { type Json, type JsonObject, getPath, hasAnyField, isZeroScalar } from './json-path.js';

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
  /** Identifier paths the Set writes (the registry refuses changing them: read_only_field). */
  idSets(dev: JsonObject, mask: readonly string[]): string[];
  getNotFound(): SimError;
  deleteNotFound(applicationId: string, deviceId: string): SimError;
}

export const str = (o: JsonObject | undefined, p: string): string | undefined => {
  const v = getPath(o, p);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
export const zeroKey = (o: JsonObject, p: string) => {
  const v = str(o, p);
  return v === undefined || /^0+$/.test(v);
};
/** ttnpb FieldIsZero on the stored JSON (a present message is not zero; `X.value` of a wrapper is X). */
const ZERO_ENUMS = new Set(['CLASS_A', 'MAC_UNKNOWN', 'PHY_UNKNOWN']);
export const isZeroAt = (o: JsonObject | undefined, path: string): boolean => {
  const v: Json | undefined = getPath(o, storagePath(path));
  return v === undefined || isZeroScalar(v) || (typeof v === 'string' && ZERO_ENUMS.has(v));
};

export function baseIds(dev: JsonObject): JsonObject {
  return { device_id: getPath(dev, 'ids.device_id') ?? null, application_ids: { application_id: getPath(dev, 'ids.application_ids.application_id') ?? null } };
}

/** Identifiers the registries refuse to change on update (redis/registry.go errReadOnlyField). */
const ID_PATHS = ['ids.application_ids.application_id', 'ids.device_id', 'ids.join_eui', 'ids.dev_eui'];

/** Throws read_only_field when an update writes an identifier with another value than stored. */
export function checkReadOnlyIds(component: ServerComponent, stored: JsonObject, dev: JsonObject, sets: readonly string[]): void {
  for (const p of ID_PATHS) {
    if (hasAnyField(sets, p) && (getPath(dev, p) ?? null) !== (getPath(stored, p) ?? null)) throw readOnlyField(component, p);
  }
}

// MAC versions in specification order (pkg/specification/macspec compareMACVersion).
const MAC_ORDER: Record<string, number> = { MAC_V1_0: 1, MAC_V1_0_1: 2, MAC_V1_0_2: 3, MAC_V1_0_3: 4, MAC_V1_0_4: 5, MAC_V1_1: 6 };
export const macOrder = (v: unknown): number => (typeof v === 'string' ? (MAC_ORDER[v] ?? 0) : 0);
/** macspec.UseNwkKey: LoRaWAN 1.1 and later. */
export const useNwkKey = (v: unknown) => macOrder(v) >= MAC_ORDER.MAC_V1_1!;
/** macspec.IncrementDevNonce and RequireDevEUIForABP: LoRaWAN 1.0.4 and later (1.1 included). */
export const from104 = (v: unknown) => macOrder(v) >= MAC_ORDER.MAC_V1_0_4!;
