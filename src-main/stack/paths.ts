// Field-mask path helpers over plain JSON objects ("a.b.c" addresses a nested field).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function getAtPath(obj: unknown, path: string): Json | undefined {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur as Json | undefined;
}

export function setAtPath(obj: JsonObject, path: string, value: Json): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (!isObject(next)) cur[key] = {};
    cur = cur[key] as JsonObject;
  }
  cur[keys[keys.length - 1]!] = value;
}

export function deleteAtPath(obj: JsonObject, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? obj : getAtPath(obj, keys.slice(0, -1).join('.'));
  if (isObject(parent)) delete parent[keys[keys.length - 1]!];
}

/** True when `path` equals one of `paths` or lies below one of them. */
export const isCoveredBy = (path: string, paths: Iterable<string>): boolean => {
  for (const p of paths) if (path === p || path.startsWith(`${p}.`)) return true;
  return false;
};

/** Drops paths that another path of the list already covers (`a` makes `a.b` redundant). */
export function topLevelPaths(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort();
  const out: string[] = [];
  for (const p of sorted) if (!isCoveredBy(p, out)) out.push(p);
  return out;
}

/** A new object with only the given paths of `obj` (deep copies; absent paths stay absent). */
export function pickPaths(obj: JsonObject, paths: Iterable<string>): JsonObject {
  const out: JsonObject = {};
  for (const p of paths) {
    const v = getAtPath(obj, p);
    if (v !== undefined) setAtPath(out, p, structuredClone(v));
  }
  return out;
}

/** Merges `source` into `target` without overwriting values `target` already has. */
export function mergeMissing(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined) target[key] = structuredClone(value);
    else if (isObject(existing) && isObject(value)) mergeMissing(existing, value);
  }
  return target;
}

/** Every leaf path of an object (objects are descended, arrays and scalars are leaves). */
export function leafPaths(obj: JsonObject, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value) && Object.keys(value).length > 0) out.push(...leafPaths(value, path));
    else out.push(path);
  }
  return out;
}
