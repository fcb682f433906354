// Request JSON → stored JSON for the AS's settings messages, as grpc-gateway and
// the TTS JSON unmarshaler (pkg/jsonpb, protoc-gen-go-json) read them: unknown
// fields ignored, a wrong type is a plain 400, proto3 zero values dropped
// (messages stay when present, even empty), enums written by name.
import { badRequest } from './errors.js';
import { type Json, type JsonObject, isObject } from './json-path.js';

export type FieldSpec =
  | 'string'
  | 'bool'
  | 'uint32'
  | 'bytes'
  | 'map'
  | 'struct'
  | 'timestamp'
  | 'duration'
  | 'fieldmask'
  | { enum: readonly string[]; prefix?: string }
  | { message: Schema };
export interface Schema {
  readonly [field: string]: FieldSpec;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fail(path: string, what: string): never {
  throw badRequest(`unmarshal error at path "${path}": ${what}`);
}

function decodeEnum(spec: { enum: readonly string[]; prefix?: string }, v: Json, path: string): Json | undefined {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) fail(path, 'expected an enum value');
    // Out-of-range numbers reach the validator (defined_only) or are stored as numbers.
    const name = spec.enum[v];
    return v === 0 ? undefined : (name ?? v);
  }
  if (typeof v !== 'string') fail(path, 'expected an enum value');
  let i = spec.enum.indexOf(v);
  if (i < 0 && spec.prefix) i = spec.enum.indexOf(`${spec.prefix}_${v}`);
  if (i < 0) fail(path, `invalid value for enum: ${JSON.stringify(v)}`);
  return i === 0 ? undefined : (spec.enum[i] as string);
}

function decodeField(spec: FieldSpec, v: Json, path: string): Json | undefined {
  if (v === null) return undefined;
  if (typeof spec === 'object') {
    if ('enum' in spec) return decodeEnum(spec, v, path);
    return decodeMessage(spec.message, v, path);
  }
  switch (spec) {
    case 'string':
      if (typeof v !== 'string') fail(path, 'expected a string');
      return v === '' ? undefined : v;
    case 'bool':
      if (typeof v !== 'boolean') fail(path, 'expected a boolean');
      return v ? true : undefined;
    case 'uint32': {
      const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(path, 'expected a uint32');
      return n === 0 ? undefined : n;
    }
    case 'bytes':
      if (typeof v !== 'string' || !BASE64.test(v) || v.replace(/=+$/, '').length % 4 === 1) fail(path, 'expected base64');
      return v === '' ? undefined : Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('base64');
    case 'map': {
      if (!isObject(v)) fail(path, 'expected an object');
      const out: JsonObject = {};
      for (const [k, val] of Object.entries(v)) {
        if (typeof val !== 'string') fail(`${path}.${k}`, 'expected a string');
        out[k] = val;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'struct':
      if (!isObject(v)) fail(path, 'expected an object');
      return v;
    case 'timestamp':
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) fail(path, 'expected an RFC 3339 timestamp');
      return v;
    case 'duration':
      if (typeof v !== 'string' || !/^-?\d+(\.\d+)?s$/.test(v)) fail(path, 'expected a duration');
      return v;
    case 'fieldmask': {
      const paths = typeof v === 'string' ? v.split(',').filter((p) => p !== '') : isObject(v) ? (v.paths ?? []) : undefined;
      if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) fail(path, 'expected a field mask');
      return paths.length > 0 ? { paths } : {};
    }
  }
}

/** Decodes a message: known fields only, zero values dropped. */
export function decodeMessage(schema: Schema, v: Json | undefined, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(path, 'expected an object');
  const out: JsonObject = {};
  for (const [field, spec] of Object.entries(schema)) {
    const raw = v[field];
    if (raw === undefined) continue;
    const value = decodeField(spec, raw, `${path}.${field}`);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** A path parameter read as uint32 by grpc-gateway (runtime.Uint32): not a number is a plain 400. */
export function uint32Param(raw: string | undefined, name: string): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw badRequest(`type mismatch, parameter: ${name}, error: strconv.ParseUint: parsing ${JSON.stringify(raw ?? '')}: invalid syntax`);
  }
  return Number(raw);
}

/** A uint32 query parameter (absent or empty: 0). */
export function uint32Query(query: URLSearchParams, name: string): number {
  const raw = query.get(name);
  return raw === null || raw === '' ? 0 : uint32Param(raw, name);
}
