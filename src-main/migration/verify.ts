// Compares a device read back from the target with the device we meant to create.
import { getAtPath, isObject, leafPaths, type JsonObject } from '../stack/paths.js';

const isZero = (v: unknown) =>
  v === undefined || v === null || v === false || v === 0 || v === '' || (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

const normalize = (v: unknown) => (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v) ? v.toUpperCase() : v);

/** Leaf paths whose values differ (zero values equal absence, as the API omits them). */
export function differences(planned: JsonObject, actual: JsonObject, ignore: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const path of leafPaths(planned)) {
    if (ignore(path)) continue;
    const want = getAtPath(planned, path);
    const got = getAtPath(actual, path);
    if (isZero(want) && isZero(got)) continue;
    if (JSON.stringify(normalize(want)) !== JSON.stringify(normalize(got))) out.push(path);
  }
  return out;
}

export const isKeyPath = (path: string) => /(^|\.)(root_keys|keys)\./.test(path);
