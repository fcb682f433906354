// Splits end-device field masks across The Things Stack's components, from the server's
// own tables (generated/device-fields.ts): each component is asked only for the paths it
// serves and allows, and each set carries only the paths its component accepts.
import { deviceFieldTables } from './generated/device-fields.js';
import { getAtPath, isCoveredBy, isObject, pickPaths, type JsonObject } from './paths.js';

export const COMPONENTS = ['is', 'js', 'ns', 'as'] as const;
export type Component = (typeof COMPONENTS)[number];

const toSets = (t: Record<Component, readonly string[]>) =>
  Object.fromEntries(COMPONENTS.map((c) => [c, new Set(t[c])])) as Record<Component, Set<string>>;

export const getPathsOf = toSets(deviceFieldTables.get);
export const setPathsOf = toSets(deviceFieldTables.set);
export const isCreatePaths = new Set<string>(deviceFieldTables.set.isCreate);

export class FieldMaskError extends Error {
  constructor(readonly paths: string[], readonly side: 'get' | 'set') {
    super(`No component ${side === 'get' ? 'serves' : 'accepts'} the field path(s): ${paths.join(', ')}`);
    this.name = 'FieldMaskError';
  }
}

const IDS_PATHS = (p: string) => p === 'ids' || p.startsWith('ids.');

/**
 * Assigns each requested path to the components that own it. A path no component owns as a
 * whole (such as `session`, split between NS and AS) is replaced by the component's own
 * sub-paths. Paths under `ids` are not assigned: every request carries the identifiers.
 */
function split(paths: Iterable<string>, tables: Record<Component, Set<string>>, side: 'get' | 'set') {
  const out: Record<Component, string[]> = { is: [], js: [], ns: [], as: [] };
  const unknown: string[] = [];
  for (const path of new Set(paths)) {
    if (IDS_PATHS(path)) continue;
    let owned = false;
    for (const c of COMPONENTS) {
      const table = tables[c];
      if (table.has(path)) {
        out[c].push(path);
        owned = true;
        continue;
      }
      // Children of the path this component owns, keeping only the top-most ones.
      const children = [...table].filter((t) => t.startsWith(`${path}.`)).sort();
      for (const child of children) {
        if (!isCoveredBy(child, out[c])) out[c].push(child);
        owned = true;
      }
    }
    if (!owned) unknown.push(path);
  }
  if (unknown.length > 0) throw new FieldMaskError(unknown, side);
  for (const c of COMPONENTS) out[c].sort();
  return out;
}

// The same few masks are split for every device of a run: remember the answers.
function memoized(tables: Record<Component, Set<string>>, side: 'get' | 'set') {
  const cache = new Map<string, Record<Component, string[]>>();
  return (paths: Iterable<string>): Record<Component, string[]> => {
    const list = [...paths];
    const key = list.join(',');
    let hit = cache.get(key);
    if (!hit) {
      hit = split(list, tables, side);
      if (cache.size > 500) cache.clear();
      cache.set(key, hit);
    }
    return { is: [...hit.is], js: [...hit.js], ns: [...hit.ns], as: [...hit.as] };
  };
}

export const splitGetPaths = memoized(getPathsOf, 'get');
export const splitSetPaths = memoized(setPathsOf, 'set');

// Every path a component's table names, with all their ancestors: "does this component
// own anything at or below this path?" in O(1).
const reachOf = (tables: Record<Component, Set<string>>) =>
  Object.fromEntries(
    COMPONENTS.map((c) => {
      const reach = new Set<string>();
      for (const p of tables[c]) {
        const keys = p.split('.');
        for (let i = 1; i <= keys.length; i++) reach.add(keys.slice(0, i).join('.'));
      }
      return [c, reach];
    }),
  ) as Record<Component, Set<string>>;
const setReach = reachOf(setPathsOf);

/**
 * The part of `device` that component `c` should receive for the given paths: the values at
 * those paths, minus any nested field that only other components own (for a whole `session`,
 * the NS must not receive the AS's `app_s_key`). Fields no table names are kept.
 */
export function bodyFor(device: JsonObject, c: Component, paths: readonly string[]): JsonObject {
  const body = pickPaths(device, paths);
  const prune = (obj: JsonObject, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const path = `${prefix}.${key}`;
      if (setReach[c].has(path)) {
        if (isObject(value)) prune(value, path);
      } else if (COMPONENTS.some((o) => setReach[o].has(path))) {
        delete obj[key];
      }
    }
  };
  for (const p of paths) {
    const value = getAtPath(body, p);
    if (isObject(value)) prune(value, p);
  }
  return body;
}
