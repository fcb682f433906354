// What must hold for every device of a fleet at any moment, read from the simulators' stores.
import { getAtPath } from '../../src-main/stack/paths.js';
import { joinKeyOf, type Fleet } from './demo-sides.js';

export interface DeviceSides {
  id: string;
  /** The source can still let the device join with its programmed key. */
  sourceUsable: boolean;
  /** The source would answer it (downlinks on). */
  sourceLive: boolean;
  /** The target holds a complete registration with the device's programmed key. */
  targetUsable: boolean;
  targetPartial: boolean;
}

export function sidesOf(f: Fleet, id: string): DeviceSides {
  const s = f.source.inspect(f.sourceApp, id);
  const t = f.target.inspect(f.targetApp, id);
  const prog = f.programmed.get(id)!;
  const keyAt = (js: unknown) => (prog.joinKeySlot ? getAtPath(js ?? {}, `root_keys.${prog.joinKeySlot}.key`) : undefined);
  // The source still takes the device's joins only while its JS holds the device's key in
  // the slot the JS uses (a NwkKey left behind keeps a 1.0.x device joinable there).
  const sourceUsable = Boolean(s?.is && s?.ns && (prog.joinKey ? keyAt(s?.js) === prog.joinKey && joinKeyOf(s?.js, prog.lorawanVersion).key === prog.joinKey : s?.as));
  // OTAA: IS + NS + the device's key where the target's JS will use it. ABP: the AS must hold the AppSKey.
  const otaa = getAtPath(t?.ns ?? {}, 'supports_join') === true;
  const complete = Boolean(t?.is && t?.ns && (otaa
    ? (prog.joinKey ? joinKeyOf(t?.js, prog.lorawanVersion).key === prog.joinKey : joinKeyOf(t?.js, getAtPath(t?.ns ?? {}, 'lorawan_version')).key !== undefined)
    : getAtPath(t?.as ?? {}, 'session.keys.app_s_key.key') !== undefined));
  return {
    id, sourceUsable, targetUsable: complete, targetPartial: Boolean(t) && !complete,
    sourceLive: sourceUsable && getAtPath(s?.ns ?? {}, 'mac_settings.schedule_downlinks') !== false,
  };
}

/** Violations of the invariants: stranded devices, and devices live on both sides. */
export function violations(f: Fleet, ids: string[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const d = sidesOf(f, id);
    if (!d.sourceUsable && !d.targetUsable) out.push(`${id}: stranded (no usable registration on either side)`);
    if (d.targetUsable && d.sourceLive) out.push(`${id}: live on both sides (source downlinks still on)`);
  }
  return out;
}
