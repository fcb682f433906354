// devices.json: the JSON stream of end devices that `ttn-lw-migrate` writes and
// `ttn-lw-cli end-devices create` and the Console's importer read.
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { writeAtomic } from '../../files/atomic-write.js';
import { describePosition, JsonStreamError, JsonStreamSplitter } from '../../stack/json-stream.js';
import { deleteAtPath, findForbiddenKey, getAtPath, isObject, type JsonObject } from '../../stack/paths.js';
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

/** The wrapper paths as a tree, walked along the keys a device has (not every path for every device). */
interface WrapperNode { wrapper: boolean; children: Map<string, WrapperNode> }
const WRAPPER_TREE: WrapperNode = { wrapper: false, children: new Map() };
for (const path of WRAPPERS) {
  let node = WRAPPER_TREE;
  for (const key of path.split('.')) {
    let next = node.children.get(key);
    if (!next) node.children.set(key, (next = { wrapper: false, children: new Map() }));
    node = next;
  }
  node.wrapper = true;
}

/** Unwraps in place (for a device freshly parsed, which nothing else holds). */
function unwrapInPlace(obj: JsonObject, node: WrapperNode = WRAPPER_TREE): void {
  for (const key of Object.keys(obj)) {
    const child = node.children.get(key);
    if (!child) continue;
    const v = obj[key];
    if (!isObject(v)) continue;
    const keys = Object.keys(v);
    if (child.wrapper && keys.length === 1 && keys[0] === 'value') obj[key] = v.value!;
    else if (child.children.size > 0) unwrapInPlace(v, child);
  }
}

/** The same device with every `{"value": x}` wrapper written as plain `x`. */
export function unwrapWrappers<T extends JsonObject>(device: T): T {
  const copy = structuredClone(device);
  unwrapInPlace(copy);
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

/** Writes devices.json with mode 0600 (it holds device keys), atomically (writeAtomic). */
export async function writeDevicesJson(path: string, devices: AsyncIterable<JsonObject> | Iterable<JsonObject>): Promise<number> {
  let n = 0;
  await writeAtomic(path, async (handle) => {
    let pending: string[] = [];
    let size = 0;
    for await (const d of devices) {
      const line = `${JSON.stringify(d)}\n`;
      pending.push(line);
      size += line.length;
      n++;
      if (size >= 1 << 20) {
        await handle.write(pending.join(''));
        pending = [];
        size = 0;
      }
    }
    if (pending.length > 0) await handle.write(pending.join(''));
  });
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
  const forbidden = isObject(value) ? findForbiddenKey(value) : undefined;
  if (forbidden) return [forbiddenProblem(forbidden)];
  return validateDevice(value, isObject(value) ? unwrapWrappers(value) : undefined);
}

const forbiddenProblem = (f: { key: string; path: string }) => `refused key "${f.key}" at ${f.path}`;

/**
 * `unwrapped`: the device with its wrappers unwrapped (made once by the caller), which has
 * checked that no key of it reaches a prototype.
 */
function validateDevice(value: unknown, unwrapped: JsonObject | undefined): string[] {
  const problems: string[] = [];
  if (Array.isArray(value)) return ['not a JSON object but an array (devices.json holds one JSON object per device, one after another)'];
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
  const { session: _s, mac_state: _m, pending_session: _p, pending_mac_state: _pm, created_at: _c, updated_at: _u, ...writable } = unwrapped ?? unwrapWrappers(value);
  try {
    writablePathsOf(writable);
  } catch (err) {
    if (err instanceof FieldMaskError) problems.push(`unknown field(s): ${err.paths.join(', ')}`);
    else throw err;
  }
  return problems;
}

/** Text that may hold a key reaching a prototype (also written with \u escapes). */
const MAY_HOLD_FORBIDDEN_KEY = /"(?:__proto__|constructor|prototype)"|\\u/;

/** The largest one device may be in a file, in characters (no real device comes near). */
export const MAX_DEVICE_LENGTH = 8 * 1024 * 1024;

/** A DevEUI/JoinEUI pair as the registries key it: upper case, JoinEUI zero when absent. */
function euiPairOf(value: JsonObject): { devEui: string; joinEui: string } | undefined {
  const ids = value.ids;
  if (!isObject(ids) || typeof ids.dev_eui !== 'string' || !EUI_PATTERN.test(ids.dev_eui)) return undefined;
  const join = ids.join_eui === undefined ? '0000000000000000' : ids.join_eui;
  if (typeof join !== 'string' || !EUI_PATTERN.test(join)) return undefined;
  return { devEui: ids.dev_eui.toUpperCase(), joinEui: join.toUpperCase() };
}

/**
 * Reads and validates a whole devices.json before anything is written: any problem in any
 * device rejects the file, with every problem listed. The file is a stream of JSON objects
 * (one after another, as ttn-lw-migrate writes it); anything else between them, nesting
 * deeper than 64 levels or one device over 8 MiB stops the reading with its position.
 * Linear in the size of the file.
 */
export async function readDevicesJson(
  path: string,
  limits: { maxDevices: number; maxBytes: number; maxDeviceLength?: number } = { maxDevices: 100_000, maxBytes: 512 * 1024 * 1024 },
): Promise<{ devices: EndDevice[]; problems: ImportProblem[] }> {
  const maxDeviceLength = limits.maxDeviceLength ?? MAX_DEVICE_LENGTH;
  const splitter = new JsonStreamSplitter({ strict: true, maxValueLength: maxDeviceLength });
  const decoder = new StringDecoder('utf8');
  const devices: EndDevice[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  const pairs = new Map<string, { deviceId: string | undefined; index: number }>();
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
    // Keys that reach a prototype: looked for in the text first (cheap), in the value only when they may be there.
    const forbidden = isObject(value) && MAY_HOLD_FORBIDDEN_KEY.test(text) ? findForbiddenKey(value) : undefined;
    // Unwrapped once, in place: the parsed value belongs to nobody else.
    const device = isObject(value) && !forbidden ? value : undefined;
    if (device) unwrapInPlace(device);
    const messages = forbidden ? [forbiddenProblem(forbidden)] : validateDevice(value, device);
    for (const message of messages) problems.push({ index: i, deviceId, message });
    if (deviceId !== undefined) {
      const first = seen.get(deviceId);
      if (first !== undefined) problems.push({ index: i, deviceId, message: `device id appears twice in the file (also device #${first + 1})` });
      else seen.set(deviceId, i);
    }
    const pair = isObject(value) ? euiPairOf(value) : undefined;
    if (pair) {
      const key = `${pair.joinEui}/${pair.devEui}`;
      const other = pairs.get(key);
      if (other) {
        problems.push({
          index: i, deviceId,
          message: `DevEUI ${pair.devEui} with JoinEUI ${pair.joinEui} is also device ${JSON.stringify(other.deviceId ?? '?')} (device #${other.index + 1}): a DevEUI and JoinEUI pair can be registered once`,
        });
      } else {
        pairs.set(key, { deviceId, index: i });
      }
    }
    if (device) devices.push(withCanonicalVersions(device as EndDevice));
  };
  /** A file that is not a stream of devices: where, and (for a few cases) what it looks like instead. */
  const structural = (err: JsonStreamError): ImportProblem => {
    if (err.reason === 'length') {
      return { index, message: `starts at ${describePosition(err.position)} and is longer than ${maxDeviceLength} characters, far more than any device: is the file one JSON array? devices.json holds one JSON object per device, one after another` };
    }
    if (err.reason === 'depth') return { index, message: `${err.message}: no device nests that deep` };
    const hint = /"[,\]]"/.test(err.message) ? 'devices.json holds one JSON object per device, one after another, without commas or brackets' : 'the file is not a stream of JSON devices';
    return { index, message: `${err.message}: ${hint}` };
  };
  const feed = (text: string): boolean => {
    let values: string[];
    try {
      values = splitter.push(text);
    } catch (err) {
      if (!(err instanceof JsonStreamError)) throw err;
      for (const t of err.values) take(t);
      problems.push(structural(err));
      return false;
    }
    for (const t of values) take(t);
    return true;
  };
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) throw new Error(`The file is larger than ${limits.maxBytes} bytes.`);
      if (!feed(decoder.write(chunk))) return { devices, problems };
    }
    if (!feed(decoder.end())) return { devices, problems };
  } finally {
    stream.destroy();
  }
  if (splitter.pending) problems.push({ index, message: `the file ends in the middle of a device (truncated?): it starts at ${describePosition(splitter.pendingStart)}` });
  if (devices.length === 0 && problems.length === 0) problems.push({ index: 0, message: 'the file holds no devices' });
  return { devices, problems };
}
