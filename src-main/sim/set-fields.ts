// The generated ttnpb SetFields on stored JSON: copies masked paths from src
// to dst (a zero/absent value clears), creates a parent message only when the
// source has it, and treats oneofs, whose names are field-mask segments but
// not JSON keys (`provider.mqtt.server_url` is `mqtt.server_url` on the wire).
import { type Json, type JsonObject, clone, isObject } from './json-path.js';

/** A oneof: its mask path, the JSON object that holds its members ('' = root), and the member names. */
export interface Oneof {
  path: string;
  parent: string;
  members: readonly string[];
}

const join = (parent: string, child: string) => (parent === '' ? child : `${parent}.${child}`);

/** The JSON paths a mask path names. */
export function jsonPaths(path: string, oneofs: readonly Oneof[] = []): string[] {
  for (const o of oneofs) {
    if (path === o.path) return o.members.map((m) => join(o.parent, m));
    if (path.startsWith(`${o.path}.`)) return [join(o.parent, path.slice(o.path.length + 1))];
  }
  return [path];
}

function child(obj: JsonObject | undefined, key: string): Json | undefined {
  return obj === undefined ? undefined : obj[key];
}

function setOne(dst: JsonObject, src: JsonObject | undefined, parts: readonly string[], oneofs: readonly Oneof[], at: string): void {
  const [head, ...rest] = parts as [string, ...string[]];
  const here = join(at, head);
  const srcValue = child(src, head);
  const oneof = oneofs.find((o) => o.parent === at && o.members.includes(head));
  if (rest.length === 0) {
    if (srcValue === undefined || srcValue === null) {
      delete dst[head];
      return;
    }
    // Setting a oneof member replaces whichever member was set.
    if (oneof) for (const m of oneof.members) if (m !== head) delete dst[m];
    dst[head] = clone(srcValue);
    return;
  }
  const srcObj = isObject(srcValue) ? srcValue : undefined;
  let dstObj = dst[head];
  if (srcObj === undefined && !isObject(dstObj)) return;
  if (!isObject(dstObj)) {
    if (oneof) for (const m of oneof.members) if (m !== head) delete dst[m];
    dstObj = {};
    dst[head] = dstObj;
  }
  setOne(dstObj, srcObj, rest, oneofs, here);
}

/** Copies the masked paths of src onto dst (ttnpb SetFields); returns dst. */
export function setFields(dst: JsonObject, src: JsonObject | undefined, maskPaths: readonly string[], oneofs: readonly Oneof[] = []): JsonObject {
  const paths = [...new Set(maskPaths.flatMap((p) => jsonPaths(p, oneofs)))].sort((a, b) => a.split('.').length - b.split('.').length);
  for (const p of paths) setOne(dst, src, p.split('.'), oneofs, '');
  return dst;
}

/** A new object with the masked paths of src (a registry's applyFieldMask(nil, stored, gets...)). */
export function project(src: JsonObject, maskPaths: readonly string[], oneofs: readonly Oneof[] = []): JsonObject {
  return setFields({}, src, maskPaths, oneofs);
}
