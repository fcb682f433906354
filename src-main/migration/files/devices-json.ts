// devices.json: the JSON stream of end devices that `ttn-lw-migrate` writes and
// `ttn-lw-cli end-devices create` and the Console's importer read.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { JsonStreamSplitter } from '../../stack/json-stream.js';
import { deleteAtPath, getAtPath, isObject, setAtPath, type Json, type JsonObject } from '../../stack/paths.js';
import { DEV_ADDR_PATTERN, EUI_PATTERN, ID_PATTERN, KEY_PATTERN, type EndDevice } from '../../stack/schemas.js';
import { writablePathsOf } from '../../stack/device-writer.js';
import { FieldMaskError, setPathsOf } from '../../stack/split.js';
import { canonicalMacVersion, canonicalPhyVersion } from '../../stack/versions.js';
import { presentRootKeys } from '../join-state.js';

/**
 * Wrapper fields (`mac_settings.rx1_delay`, `…schedule_downlinks`): the paths that have a
 * `.value` child in the Network Server's table. The server reads and writes them as plain
 * JSON values; older files and docs write `{"value": …}`, which it refuses.
 */
const WRAPPERS = [...setPathsOf.ns].filter((p) => p.endsWith('.value')).map((p) => p.slice(0, -'.value'.length));

/** The same device with every `{"value": x}` wrapper written as plain `x`. */
export function unwrapWrappers<T extends JsonObject>(device: T): T {
  const copy = structuredClone(device);
  for (const path of WRAPPERS) {
    const v = getAtPath(copy, path);
    if (isObject(v) && Object.keys(v).length === 1 && 'value' in v) setAtPath(copy, path, v.value as Json);
  }
  return copy;
}

/**
 * Versions under the server's own names: files may say "1.1", "1.0.4" or "V1_1" (the server
 * accepts them), and which root and session keys a device needs depends on the version.
 */
export function withCanonicalVersions<T extends JsonObject>(device: T): T {
  const mac = canonicalMacVersion(device.lorawan_version);
  const phy = canonicalPhyVersion(device.lorawan_phy_version);
  return { ...device, ...(mac ? { lorawan_version: mac } : {}), ...(phy ? { lorawan_phy_version: phy } : {}) };
}

/** What the migrate tool's --tts.no-session clears. */
export const SESSION_FIELDS = ['activated_at', 'ids.dev_addr', 'last_dev_status_received_at', 'last_seen_at', 'mac_state', 'pending_mac_state', 'pending_session', 'session'];
const SERVER_FIELDS = ['network_server_address', 'application_server_address', 'join_server_address'];
const SERVER_OWNED = ['created_at', 'updated_at', 'ids.application_ids'];

/** The exported form of a device: no server addresses, no DevAddr in ids, no server-owned fields. */
export function toExportedDevice(device: EndDevice, withSession: boolean): JsonObject {
  const copy = structuredClone(device) as JsonObject;
  for (const p of [...SERVER_FIELDS, ...SERVER_OWNED, 'ids.dev_addr', ...(withSession ? [] : SESSION_FIELDS)]) deleteAtPath(copy, p);
  return copy;
}

/** Writes devices.json with mode 0600: it holds device keys. */
export async function writeDevicesJson(path: string, devices: AsyncIterable<JsonObject> | Iterable<JsonObject>): Promise<number> {
  const handle = await open(path, 'w', 0o600);
  let n = 0;
  try {
    await handle.chmod(0o600);
    for await (const d of devices) {
      await handle.write(`${JSON.stringify(d)}\n`);
      n++;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return n;
}

export interface ImportProblem {
  index: number;
  deviceId?: string;
  message: string;
}

const check = (cond: boolean, problems: string[], message: string) => !cond && problems.push(message);

/** Validates one device of a file; returns the problems in words (empty when fine). */
export function validateImportedDevice(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return ['not a JSON object'];
  const ids = value.ids;
  if (!isObject(ids)) return ['no "ids" object'];
  const id = ids.device_id;
  check(typeof id === 'string' && id.length <= 36 && ID_PATTERN.test(id), problems, `invalid ids.device_id ${JSON.stringify(id)} (lower-case letters, digits and dashes, 3 to 36 characters)`);
  for (const f of ['dev_eui', 'join_eui'] as const) {
    const v = ids[f];
    check(v === undefined || (typeof v === 'string' && EUI_PATTERN.test(v)), problems, `invalid ids.${f} ${JSON.stringify(v)} (16 hex digits)`);
  }
  for (const f of ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id']) {
    check(typeof value[f] === 'string' && value[f] !== '', problems, `missing ${f}`);
  }
  if (typeof value.lorawan_version === 'string' && value.lorawan_version !== '') {
    check(canonicalMacVersion(value.lorawan_version) !== undefined, problems, `unknown lorawan_version ${JSON.stringify(value.lorawan_version)}`);
  }
  if (typeof value.lorawan_phy_version === 'string' && value.lorawan_phy_version !== '') {
    check(canonicalPhyVersion(value.lorawan_phy_version) !== undefined, problems, `unknown lorawan_phy_version ${JSON.stringify(value.lorawan_phy_version)}`);
  }
  const otaa = value.supports_join === true;
  if (otaa) {
    check(typeof ids.dev_eui === 'string', problems, 'OTAA device without ids.dev_eui');
    check(presentRootKeys(value).length > 0, problems, 'OTAA device without root keys (root_keys.app_key.key or root_keys.nwk_key.key)');
  } else {
    const addr = getAtPath(value, 'session.dev_addr');
    check(addr === undefined || (typeof addr === 'string' && DEV_ADDR_PATTERN.test(addr)), problems, `invalid session.dev_addr ${JSON.stringify(addr)} (8 hex digits)`);
  }
  for (const p of ['root_keys.app_key.key', 'root_keys.nwk_key.key', 'session.keys.app_s_key.key', 'session.keys.f_nwk_s_int_key.key', 'session.keys.s_nwk_s_int_key.key', 'session.keys.nwk_s_enc_key.key']) {
    const k = getAtPath(value, p);
    check(k === undefined || (typeof k === 'string' && KEY_PATTERN.test(k)), problems, `invalid ${p} (32 hex digits)`);
  }
  const { session: _s, mac_state: _m, pending_session: _p, pending_mac_state: _pm, created_at: _c, updated_at: _u, ...writable } = unwrapWrappers(value);
  try {
    writablePathsOf(writable);
  } catch (err) {
    if (err instanceof FieldMaskError) problems.push(`unknown field(s): ${err.paths.join(', ')}`);
    else throw err;
  }
  return problems;
}

/**
 * Reads and validates a whole devices.json before anything is written: any problem in any
 * device rejects the file, with every problem listed.
 */
export async function readDevicesJson(path: string, limits = { maxDevices: 100_000, maxBytes: 512 * 1024 * 1024 }): Promise<{ devices: EndDevice[]; problems: ImportProblem[] }> {
  const splitter = new JsonStreamSplitter();
  const devices: EndDevice[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  let index = 0;
  const take = (text: string) => {
    const i = index++;
    if (i >= limits.maxDevices) throw new Error(`The file holds more than ${limits.maxDevices} devices.`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      problems.push({ index: i, message: 'not valid JSON' });
      return;
    }
    const deviceId = isObject(value) && isObject(value.ids) && typeof value.ids.device_id === 'string' ? value.ids.device_id : undefined;
    for (const message of validateImportedDevice(value)) problems.push({ index: i, deviceId, message });
    if (deviceId && seen.has(deviceId)) problems.push({ index: i, deviceId, message: 'device id appears twice in the file' });
    if (deviceId) seen.add(deviceId);
    devices.push(withCanonicalVersions(unwrapWrappers(value as EndDevice)));
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) throw new Error(`The file is larger than ${limits.maxBytes} bytes.`);
    for (const text of splitter.push(chunk as string)) take(text);
  }
  if (splitter.pending) problems.push({ index, message: 'the file ends in the middle of a device (truncated?)' });
  if (devices.length === 0 && problems.length === 0) problems.push({ index: 0, message: 'the file holds no devices' });
  return { devices, problems };
}
