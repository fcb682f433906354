// Compares a device read back from the target with the device we meant to create.
import { getAtPath, isObject, leafPaths, type JsonObject } from '../stack/paths.js';
import { canonicalMacVersion, canonicalPhyVersion } from '../stack/versions.js';

const isZero = (v: unknown) =>
  v === undefined || v === null || v === false || v === 0 || v === '' || (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

// Values the server accepts on write but writes back in another form: enums it marshals as
// numbers (RX_DELAY_5 → 5), uint64 values as strings, hex in upper case.
function normalize(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const numbered = /^(?:RX_DELAY|DATA_RATE|DATA_RATE_OFFSET)_(\d+)$/.exec(v);
  if (numbered) return Number(numbered[1]);
  if (/^\d+$/.test(v)) return Number(v);
  return /^[0-9a-fA-F]+$/.test(v) ? v.toUpperCase() : v;
}

// Versions are written back under the server's own names ("1.1" → MAC_V1_1, RP001_V1_1_REV_B → PHY_V1_1_REV_B).
const CANONICAL_AT: Record<string, (v: unknown) => string | undefined> = {
  lorawan_version: canonicalMacVersion,
  lorawan_phy_version: canonicalPhyVersion,
};

const normalizeDeep = (v: unknown): unknown => (Array.isArray(v) ? v.map(normalizeDeep) : normalize(v));

/** Leaf paths whose values differ (zero values equal absence, as the API omits them). */
export function differences(planned: JsonObject, actual: JsonObject, ignore: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const path of leafPaths(planned)) {
    if (ignore(path)) continue;
    const want = getAtPath(planned, path);
    const got = getAtPath(actual, path);
    if (isZero(want) && isZero(got)) continue;
    const canonical = CANONICAL_AT[path];
    if (canonical && canonical(want) !== undefined && canonical(want) === canonical(got)) continue;
    if (JSON.stringify(normalizeDeep(want)) !== JSON.stringify(normalizeDeep(got))) out.push(path);
  }
  return out;
}

export const isKeyPath = (path: string) => /(^|\.)(root_keys|keys)\./.test(path);
