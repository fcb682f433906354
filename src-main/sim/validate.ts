// Building blocks of the generated validators (pkg/ttnpb/*.pb.validate.go,
// protoc-gen-validate rules of the .proto files): each check answers the
// reason text the real one does, and nested messages chain their errors as
// causes ("embedded message failed validation"), as pkg/errors converts them.
import { type SimError, nestedValidation, validation } from './errors.js';
import { type JsonObject, getPath, isObject } from './json-path.js';

/** A validator of one message: the first failing field's error, or undefined. */
export type Check = (m: JsonObject | undefined, fields: ReadonlySet<string> | undefined) => SimError | undefined;

export const ID_PATTERN = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
const ID_REASON = 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"';

export const runes = (s: string): number => [...s].length;
const str = (m: JsonObject | undefined, f: string): string => {
  const v = m?.[f];
  return typeof v === 'string' ? v : '';
};

/** Field rules of one message, checked in declaration order (Go's map order is random; one order is as good). */
export type Rule = (m: JsonObject | undefined) => string | SimError | undefined;

/** A message validator: `typeName` is the Go error type (attribute `name`). */
export function message(typeName: string, rules: Record<string, Rule>): Check {
  return (m, fields) => {
    for (const [field, rule] of Object.entries(rules)) {
      if (fields && !fields.has(field)) continue;
      const r = rule(m);
      if (r === undefined) continue;
      if (typeof r === 'string') return validation(field, r, typeName);
      return r;
    }
    return undefined;
  };
}

/** An error of one field of a message (for fields whose name is computed, like `headers[key]`). */
export const fieldError = (typeName: string, field: string, reason: string) => validation(field, reason, typeName);

/** A nested message: required or not, its own validator's error as the cause. */
export function nested(typeName: string, field: string, check: Check, required = false): Rule {
  return (m) => {
    const v = m?.[field];
    if (!isObject(v)) return required ? validation(field, 'value is required', typeName) : undefined;
    const cause = check(v, undefined);
    return cause ? nestedValidation(field, typeName, cause) : undefined;
  };
}

/** string max_len (runes) then pattern, as the generated code orders them. */
export function idRule(field: string, maxLen = 36): Rule {
  return (m) => {
    const v = str(m, field);
    if (runes(v) > maxLen) return `value length must be at most ${maxLen} runes`;
    return ID_PATTERN.test(v) ? undefined : ID_REASON;
  };
}

export const maxLen =
  (field: string, n: number): Rule =>
  (m) =>
    runes(str(m, field)) > n ? `value length must be at most ${n} runes` : undefined;

export const maxBytes =
  (field: string, n: number): Rule =>
  (m) =>
    Buffer.from(str(m, field), 'base64').length > n ? `value length must be at most ${n} bytes` : undefined;

/**
 * string.uri: Go url.Parse must succeed and the URL be absolute (a scheme).
 * Go parses `host:1883` as scheme `host`, so that passes; a colon in a first
 * segment without a valid scheme, a leading colon or a bad escape is invalid.
 */
export function uriRule(field: string): Rule {
  return (m) => {
    const v = str(m, field);
    const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(v);
    const badEscape = /%(?![0-9a-fA-F]{2})/.test(v) || [...v].some((ch) => ch < ' ' || ch === '\u007f');
    if (badEscape || v.startsWith(':')) return 'value must be a valid URI';
    if (!scheme) {
      const firstSegment = v.split('/')[0] ?? '';
      return firstSegment.includes(':') ? 'value must be a valid URI' : 'value must be absolute';
    }
    return undefined;
  };
}

/** enum.defined_only. */
export const definedEnum =
  (field: string, names: readonly string[]): Rule =>
  (m) => {
    const v = m?.[field];
    return typeof v === 'number' && names[v] === undefined ? 'value must be one of the defined enum values' : undefined;
  };

/** uint32 range [lo, hi] (absent is 0). */
export const range =
  (field: string, lo: number, hi: number): Rule =>
  (m) => {
    const v = getPath(m, field);
    const n = typeof v === 'number' ? v : 0;
    return n < lo || n > hi ? `value must be inside range [${lo}, ${hi}]` : undefined;
  };

/** map rules: at most `pairs` entries, keys and values by rule; field `<name>[<key>]`. */
export function mapRule(typeName: string, field: string, pairs: number, key: (k: string) => string | undefined, value: (v: string) => string | undefined): Rule {
  return (m) => {
    const v = m?.[field];
    if (!isObject(v)) return undefined;
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length > pairs) return `value must contain no more than ${pairs} pair(s)`;
    for (const [k, val] of entries) {
      const r = key(k) ?? value(typeof val === 'string' ? val : '');
      if (r) return fieldError(typeName, `${field}[${k}]`, r);
    }
    return undefined;
  };
}

/** A request's wrapped message: `field` of `typeName`, validated on the given top-level fields (or all). */
export function wrapped(typeName: string, field: string, check: Check, body: JsonObject | undefined, fields: ReadonlySet<string> | undefined): SimError | undefined {
  const inner = body?.[field];
  if (!isObject(inner)) return validation(field, 'value is required', typeName);
  const cause = check(inner, fields);
  return cause ? nestedValidation(field, typeName, cause) : undefined;
}

/** The top-level fields a Set request's validator looks at: those of the mask plus `ids`, or all (empty mask). */
export function maskFields(mask: readonly string[], always: readonly string[] = ['ids']): ReadonlySet<string> | undefined {
  if (mask.length === 0) return undefined;
  return new Set([...mask.map((p) => p.split('.')[0] as string), ...always]);
}
