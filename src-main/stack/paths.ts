// Field-mask path helpers over plain JSON objects ("a.b.c" addresses a nested field).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Keys that reach an object's prototype when read or assigned (`o.__proto__ = …` sets the
 * prototype; `o.constructor.prototype` is Object.prototype): never a field of The Things
 * Stack, refused as path segments and as keys to merge so that data cannot pollute objects.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export class ForbiddenKeyError extends Error {
  constructor(readonly key: string, what: 'path segment' | 'key', where: string) {
    super(`refused ${what} "${key}" in ${where}: it would reach the object's prototype`);
    this.name = 'ForbiddenKeyError';
  }
}

const own = (o: JsonObject, key: string): Json | undefined => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Sets an own data property (also for a key like "__proto__", which `=` would treat as the prototype). */
function define(o: JsonObject, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The value at `path` (own fields only: never one inherited from a prototype). */
export function getAtPath(obj: unknown, path: string): Json | undefined {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = own(cur, key);
  }
  return cur as Json | undefined;
}

export function setAtPath(obj: JsonObject, path: string, value: Json): void {
  const keys = path.split('.');
  for (const key of keys) if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(key, 'path segment', `"${path}"`);
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    let next = own(cur, key);
    if (!isObject(next)) define(cur, key, (next = {}));
    cur = next;
  }
  define(cur, keys[keys.length - 1]!, value);
}

export function deleteAtPath(obj: JsonObject, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? obj : getAtPath(obj, keys.slice(0, -1).join('.'));
  const last = keys[keys.length - 1]!;
  if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
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

/**
 * Merges `source` into `target` without overwriting values `target` already has. Keys are
 * read and defined as own properties, so `constructor` and `prototype` are plain keys (the
 * server accepts them as attribute names); `__proto__` is refused.
 */
export function mergeMissing(target: JsonObject, source: JsonObject, at = ''): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__') throw new ForbiddenKeyError(key, 'key', at ? `"${at}"` : 'the top level');
    const existing = own(target, key);
    if (existing === undefined) define(target, key, structuredClone(value));
    else if (isObject(existing) && isObject(value)) mergeMissing(existing, value, at ? `${at}.${key}` : key);
  }
  return target;
}

/** The first `__proto__` key anywhere in `value` (it would reach a prototype), with its path. */
export function findForbiddenKey(value: unknown, at = ''): { key: string; path: string } | undefined {
  // Iterative: a value nested deeper than the call stack must not crash the search.
  const stack: { v: unknown; path: string }[] = [{ v: value, path: at }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, x] = entries[i]!;
      const p = path ? `${path}.${key}` : key;
      if (!Array.isArray(v) && key === '__proto__') return { key, path: p };
      stack.push({ v: x, path: p });
    }
  }
  return undefined;
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
