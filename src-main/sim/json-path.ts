// Plain-JSON helpers: dotted field paths, deep copies and field-mask
// projections, in the semantics of The Things Stack's ttnpb field-mask utils.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy; faster than structuredClone for the small trees we hold. */
export function clone<T extends Json | undefined>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  const out: JsonObject = {};
  for (const k in v) out[k] = clone((v as JsonObject)[k] as Json);
  return out as T;
}

export function getPath(obj: JsonObject | undefined, path: string): Json | undefined {
  let cur: Json | undefined = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Sets a value, creating intermediate objects (replacing non-objects). */
export function setPath(obj: JsonObject, path: string, value: Json): void {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = cur[part];
    if (isObject(next)) cur = next;
    else {
      const created: JsonObject = {};
      cur[part] = created;
      cur = created;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Deletes the leaf of a path; parents stay (like a proto SetFields with a zero value). */
export function deletePath(obj: JsonObject, path: string): void {
  const parts = path.split('.');
  let cur: Json | undefined = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isObject(cur)) return;
    cur = cur[parts[i] as string];
  }
  if (isObject(cur)) delete cur[parts[parts.length - 1] as string];
}

/** Proto3 zero scalar (messages are never zero: an empty message is still "set"). */
export function isZeroScalar(v: Json | undefined): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

/**
 * ttnpb.HasAnyField: true when a requested path equals a searched path or is
 * one of its parents ('root_keys' matches 'root_keys.app_key.key').
 */
export function hasAnyField(requested: readonly string[], ...search: string[]): boolean {
  for (const r of requested) {
    for (const s of search) {
      if (r === s || s.startsWith(r + '.')) return true;
    }
  }
  return false;
}

/** Copies the masked paths of src into a new object (absent paths are skipped). */
export function pick(src: JsonObject, paths: readonly string[]): JsonObject {
  const out: JsonObject = {};
  // Parents first, so a child path never lands in an object its parent replaces.
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  for (const p of sorted) {
    const v = getPath(src, p);
    if (v === undefined) continue;
    setPath(out, p, clone(v));
  }
  return out;
}

/** The distinct top-level field names of a list of paths. */
export function topLevelFields(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('.')[0] as string))];
}
