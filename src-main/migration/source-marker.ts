// The mark Stack Migrator leaves on a source device while it moves it: an attribute the
// Identity Server keeps with the device, so that any later run — from the app or the CLI,
// on any machine, with or without the first run's journal — knows that the device's quiet
// downlinks are ours (and what the user had before), and how far the move got.
import { isObject, type JsonObject } from '../stack/paths.js';
import type { DownlinkSetting } from './shape.js';

/** The attribute key (pattern ^[a-z0-9](?:[-]?[a-z0-9]){2,}$, at most 36 characters). */
export const MARKER_KEY = 'stack-migrator';
/** The server keeps at most 10 attributes per device (end_device.proto). */
export const MAX_ATTRIBUTES = 10;

/**
 * - `quieted`: downlinks turned off by us; the target may be partly or wholly created, and the
 *   source's root keys may even be replaced already (a crash right after the rotation).
 * - `retired`: the target was verified and the source's root keys replaced: moved.
 * - `reprogram`: an ABP device with a new session on the target, waiting to be re-programmed.
 * - `triggered`: the target was verified, the source's root keys replaced, and a re-join
 *   trigger may be in the source's queue (its downlinks on for it): never pushed again; what
 *   is left is quieting (or deleting) the source.
 */
export type MarkerState = 'quieted' | 'retired' | 'reprogram' | 'triggered';
export interface SourceMarker {
  state: MarkerState;
  /** schedule_downlinks as the user had it before our quieting. */
  before: DownlinkSetting;
}

const MARKER_PATTERN = /^(quieted|retired|reprogram|triggered) downlinks=(on|off|unset)\b/;

export function formatMarker(m: SourceMarker): string {
  return `${m.state} downlinks=${m.before} (set by Stack Migrator while it moves this device; do not edit)`;
}

/** The marker a device carries, if any (a value that does not parse is not ours). */
export function markerOf(device: JsonObject): SourceMarker | undefined {
  const attributes = isObject(device.attributes) ? device.attributes : undefined;
  const value = attributes?.[MARKER_KEY];
  const m = typeof value === 'string' ? MARKER_PATTERN.exec(value) : null;
  return m ? { state: m[1] as MarkerState, before: m[2] as DownlinkSetting } : undefined;
}

/** The device's attributes with the marker set (or removed when `marker` is undefined). */
export function attributesWithMarker(device: JsonObject, marker: SourceMarker | undefined): Record<string, string> {
  const current = isObject(device.attributes) ? device.attributes : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (k !== MARKER_KEY && typeof v === 'string') out[k] = v;
  if (marker) out[MARKER_KEY] = formatMarker(marker);
  return out;
}

/** Whether a marker can be added: the device already holds the most attributes the server allows. */
export const roomForMarker = (device: JsonObject) =>
  markerOf(device) !== undefined || Object.keys(isObject(device.attributes) ? device.attributes : {}).length < MAX_ATTRIBUTES;

/** The user's own attributes: ours never travels to the target. */
export function withoutMarker(attributes: unknown): JsonObject | undefined {
  if (!isObject(attributes)) return undefined;
  const { [MARKER_KEY]: _ours, ...rest } = attributes;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
