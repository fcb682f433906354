// The one redaction filter for everything that leaves the main process as text or is written
// to disk: log lines, IPC errors and problems, crash output, journal errors, reports, plans,
// and the CLI's output (text and --json). Patterns catch secrets by shape; the registry
// catches secrets by value (API keys loaded at run time, whatever their format), also
// URL-encoded or in base64 (a Basic credential, a proxy's echo).

const MIN_REGISTERED_LENGTH = 8;
const registered = new Map<string, string[]>();
let forms: string[] = [];

/** The strings that give a secret away: itself, URL-encoded, and the base64 that only it determines. */
function formsOf(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replaceAll('.', '%2E')]);
  const bytes = Buffer.from(secret);
  // Base64 at each of the three alignments (secret preceded by 0, 1 or 2 bytes, as in
  // "user:secret"), without the edge blocks that depend on the bytes around it.
  for (let k = 0; k < 3; k++) {
    for (const alphabet of ['base64', 'base64url'] as const) {
      const text = Buffer.concat([Buffer.alloc(k), bytes]).toString(alphabet).replace(/=+$/, '');
      const core = text.slice(k === 0 ? 0 : 4, -4);
      if (core.length >= MIN_REGISTERED_LENGTH) out.add(core);
    }
  }
  return [...out];
}

function refresh() {
  // Longest first, so a secret containing another is removed whole.
  forms = [...new Set([...registered.values()].flat())].sort((a, b) => b.length - a.length);
}

/** Remembers a secret so that every later redact() removes it, whatever its shape. */
export function registerSecret(secret: string | undefined): void {
  // Short strings would redact ordinary words; API keys and tokens are long.
  if (!secret || secret.length < MIN_REGISTERED_LENGTH || registered.has(secret)) return;
  registered.set(secret, formsOf(secret));
  refresh();
}

export function forgetSecret(secret: string | undefined): void {
  if (secret && registered.delete(secret)) refresh();
}

/** Names of fields that hold secrets: api_key, AppSKey, encrypted_key, session_token, … */
const SECRET_NAME = /key|secret|token|passw(?:or)?d|passphrase|authorization|credential/i;
/** …but not identifiers of them (root_key_id, keyId: shown in the Console, not secret). */
const ID_NAME = /(?:^|[_.-])ids?$|[a-z0-9]Ids?$|^d$/;
const isSecretName = (name: string) => SECRET_NAME.test(name) && !ID_NAME.test(name);

const R = '[redacted]';

const PATTERNS: [RegExp, string | ((...m: string[]) => string)][] = [
  // The Things Stack API keys and access tokens: NNSXS.<id>.<secret> (and the MFA/… kinds), also URL-encoded.
  [/\bNNSXS(?:\.|%2E)[A-Za-z0-9._%-]+/gi, 'NNSXS.[redacted]'],
  // Authorization headers, wherever they were copied (also URL-encoded, or as "basic: …").
  [/\b(Bearer|Basic)((?:\s|%20|\+)+|:\s*)[A-Za-z0-9._~+/=%-]+/gi, `$1$2${R}`],
  // A JSON property whose name says secret, with a string value: "api_key":"…", also inside
  // escaped JSON (\"key\":\"…\", any depth). The value ends at the quote of the same depth.
  // Only secret-looking names match, so that a non-secret value holding escaped JSON is searched too.
  [/(\\*)"([\w$.-]*(?:key|secret|token|passw(?:or)?d|passphrase|authorization|credential)[\w$.-]*)\1"(\s*:\s*)\1"((?:(?!\1").)*)\1"/gi,
    (m, bs, name, sep) => (isSecretName(name) ? `${bs}"${name}${bs}"${sep}${bs}"${R}${bs}"` : m)],
  // name=value pairs in URLs and text: access_token=…, app_key=…, api_key=… (not prose: no spaces).
  [/(^|[?&;,\s(])([A-Za-z0-9_.-]+)=([^&\s"'#|,;)\\]+)/g, (m, pre, name) => (isSecretName(name) ? `${pre}${name}=${R}` : m)],
  // 32-hex AES keys in a "key" field, "key": value in text (key: "…", nwk_s_key=…).
  [/(["']?[A-Za-z_]*key["']?\s*[:=]\s*["']?)[0-9A-Fa-f]{32}(?![0-9A-Fa-f])/gi, `$1${R}`],
  // Bare 32-hex tokens: AES-128 keys (EUIs have 16 digits; correlation ids are UUIDs with dashes).
  [/(?<![0-9A-Za-z_-])[0-9A-Fa-f]{32}(?![0-9A-Za-z_-])/g, R],
  // A 16-byte key in base64 (how protobuf's JSON writes bytes): 22 characters and "==".
  [/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{22}==(?![A-Za-z0-9+/=])/g, R],
];

/** The text with every known secret replaced by "[redacted]". */
export function redact(text: string): string {
  if (text.length < 8) return text; // shorter than any secret or pattern this removes
  let out = text;
  for (const secret of forms) if (out.includes(secret)) out = out.split(secret).join(R);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement as never);
  return out;
}

/** Fields whose values are identifiers (device, application, run ids, EUIs): kept as they are. */
const IDENTIFIER_FIELD = /^(?:d|deviceId|sourceId|targetId|device_id|source_device_id|target_device_id|application_id|applicationId|appId|runId|dev_eui|join_eui|devEui|joinEui)$/;
const IDENTIFIER_VALUE = /^(?:[a-z0-9](?:-?[a-z0-9])*|[0-9A-Fa-f]{16})$/;
/** A sibling naming the field an attribute's `value` belongs to (field: "root_keys.app_key.key"). */
const FIELD_NAMES = ['field', 'name', 'path', 'field_path'];

/**
 * A deep copy of a JSON-like value with every string redacted: the values of secret-named
 * fields (and of error attributes' `value`) dropped, identifiers kept.
 */
export function redactValue(value: unknown, depth = 0, parent?: string): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, parent));
  const entries = Object.entries(value);
  const secretValue = parent === 'attributes' || entries.some(([k, v]) => FIELD_NAMES.includes(k) && typeof v === 'string' && SECRET_NAME.test(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const name = redact(k);
    if (typeof v === 'string') {
      if (isSecretName(k) || (k === 'value' && secretValue)) out[name] = R;
      else if (IDENTIFIER_FIELD.test(k) && IDENTIFIER_VALUE.test(v)) out[name] = v;
      else out[name] = redact(v);
    } else {
      out[name] = redactValue(v, depth + 1, k);
    }
  }
  return out;
}

/** A JSON line (or document) with every secret removed: what writers put in files and on stdout. */
export const redactedJson = (value: unknown, space?: number): string => JSON.stringify(redactValue(value), null, space);
