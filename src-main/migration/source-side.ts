// What a migration does to the source registration: quiet it (and mark it as ours), put it
// back as it was, and retire it. The mark lives with the device on the Identity Server, so
// any later run recognises our quieting and how far the move got (source-marker.ts).
import type { StackClient } from '../stack/client.js';
import type { JsonObject } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import type { DeviceFacts } from './journal.js';
import { ROOT_KEY_NAMES, type RootKeyName } from './join-state.js';
import { randomKey, type DownlinkSetting } from './shape.js';
import { attributesWithMarker, markerOf, type SourceMarker } from './source-marker.js';

export interface StackSource {
  kind: 'stack';
  client: StackClient;
  appId: string;
  canReadKeys: boolean;
}

// Wrapped booleans travel as plain JSON values (ttnpb.BoolValue marshals to true/false).
const QUIET_PATH = 'mac_settings.schedule_downlinks';

function idsOf(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>) {
  return {
    device_id: sourceId, application_ids: { application_id: source.appId },
    ...(facts.devEui ? { dev_eui: facts.devEui } : {}), ...(facts.joinEui ? { join_eui: facts.joinEui } : {}),
  };
}

/** schedule_downlinks before our quieting; journals of earlier versions kept a boolean (true: on or unset). */
export function downlinksBeforeOf(facts: Partial<DeviceFacts>): DownlinkSetting | undefined {
  if (facts.downlinksBefore) return facts.downlinksBefore;
  if (facts.scheduleDownlinksBefore === undefined) return undefined;
  // "Unset" is the safe reading of an old `true`: the NS schedules downlinks either way, and refuses `true` for multicast devices.
  return facts.scheduleDownlinksBefore ? 'unset' : 'off';
}

/** Sets schedule_downlinks on the source NS: on, off, or unset (the path masked without a value clears it). */
export async function setScheduleDownlinks(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, value: DownlinkSetting) {
  const mac_settings: JsonObject = value === 'unset' ? {} : { schedule_downlinks: value === 'on' };
  await source.client.setDevice(source.appId, { ids: idsOf(source, sourceId, facts), mac_settings }, [QUIET_PATH]);
}

/**
 * Writes (or, with `undefined`, removes) our mark in the device's attributes on the
 * Identity Server. The attributes are written whole (the field mask names the map), from
 * `known` when this attempt read them, else read first.
 */
export async function markSource(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, marker: SourceMarker | undefined, known?: JsonObject) {
  const device = known ?? (await source.client.getDevicePart('is', source.appId, sourceId, ['attributes'], { tolerateNotFound: true }));
  if (!device) return; // gone from the source: nothing to mark
  if (!marker && !markerOf(device)) return;
  const attributes = attributesWithMarker(device, marker);
  await source.client.setDevice(source.appId, { ids: idsOf(source, sourceId, facts), attributes }, ['attributes']);
  if (known) known.attributes = attributes;
}

/**
 * Quiets the source: first the mark (what the user had, so that no later run takes our
 * quieting for the user's setting), then downlinks off. Nothing is written when an earlier
 * attempt already did both.
 */
export async function quietSource(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, read: JsonObject, before: DownlinkSetting) {
  const marker = markerOf(read);
  const off = (read.mac_settings as JsonObject | undefined)?.schedule_downlinks === false;
  if (marker?.state === 'quieted' && marker.before === before && off) return;
  await markSource(source, sourceId, facts, { state: 'quieted', before }, read);
  await setScheduleDownlinks(source, sourceId, facts, 'off');
}

/** Puts the source back as the user had it: downlinks as before, then our mark removed. */
export async function restoreSource(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, before: DownlinkSetting, known?: JsonObject) {
  await setScheduleDownlinks(source, sourceId, facts, before);
  await markSource(source, sourceId, facts, undefined, known);
}

/**
 * Rotates every root key the source held to fresh random ones, or deletes the device, on the
 * source. After a rotation the mark says "retired", so that a later run leaves the device
 * alone (a crash just before that write leaves "quieted": the later run then finds the
 * target complete and rotates again, which is harmless). A PUT on the Join Server is an
 * upsert: a device no longer there (deleted by hand) is left alone instead of coming back as
 * a stub holding its EUIs.
 */
export async function retireSource(
  source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, action: 'rotate-keys' | 'delete', known?: JsonObject,
  /** The Join Server held the device when this attempt read it (seconds ago): no need to ask again. */
  onJoinServer = false,
) {
  if (action === 'delete') {
    await source.client.deleteDevice(source.appId, sourceId);
    return;
  }
  if (!(await rotateRootKeys(source, sourceId, facts, onJoinServer))) return;
  const before = downlinksBeforeOf(facts);
  if (before) await markSource(source, sourceId, facts, { state: 'retired', before }, known);
}

/**
 * Replaces every root key the source's Join Server holds by a random one; false when the JS
 * no longer has the device (deleted by hand: a PUT would bring it back as a stub).
 */
export async function rotateRootKeys(source: StackSource, sourceId: string, facts: Partial<DeviceFacts>, onJoinServer: boolean): Promise<boolean> {
  if (!onJoinServer && !(await source.client.getDevicePart('js', source.appId, sourceId, ['root_keys.root_key_id'], { tolerateNotFound: true }))) {
    return false; // nothing left that could join there
  }
  const names: readonly RootKeyName[] = facts.rootKeys?.length ? facts.rootKeys : ROOT_KEY_NAMES;
  const device = {
    ids: { device_id: sourceId, application_ids: { application_id: source.appId }, dev_eui: facts.devEui ?? '', join_eui: facts.joinEui ?? '' },
    root_keys: Object.fromEntries(names.map((n) => [n, { key: randomKey() }])),
  } as EndDevice;
  await source.client.setDevice(source.appId, device, names.map((n) => `root_keys.${n}.key`));
  return true;
}
