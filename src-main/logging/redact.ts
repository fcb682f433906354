// The one redaction filter for everything that leaves the main process as text: log lines,
// IPC error envelopes, crash output. Patterns catch secrets by shape; the registry catches
// secrets by value (API keys loaded at run time, whatever their format).

const MIN_REGISTERED_LENGTH = 8;
const registered = new Set<string>();

/** Remembers a secret so that every later redact() removes it, whatever its shape. */
export function registerSecret(secret: string | undefined): void {
  // Short strings would redact ordinary words; API keys and tokens are long.
  if (secret && secret.length >= MIN_REGISTERED_LENGTH) registered.add(secret);
}

export function forgetSecret(secret: string | undefined): void {
  if (secret) registered.delete(secret);
}

const PATTERNS: [RegExp, string][] = [
  // The Things Stack API keys and access tokens: NNSXS.<id>.<secret> (and the MFA/… kinds).
  [/\bNNSXS\.[A-Za-z0-9._-]+/g, 'NNSXS.[redacted]'],
  // Authorization headers, wherever they were copied.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  // 32-hex AES keys in a "key" field: "key":"…", app_key: …, nwk_s_key=…
  [/(["']?[A-Za-z_]*key["']?\s*[:=]\s*["']?)[0-9A-Fa-f]{32}(?![0-9A-Fa-f])/gi, '$1[redacted]'],
];

/** The text with every known secret replaced by "[redacted]". */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A deep copy of a JSON-like value with every string redacted (and key-named strings dropped). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A field named like a secret keeps its name but never its value.
    out[redact(k)] = typeof v === 'string' && /^(api_?key|key|secret|token|password|authorization)$/i.test(k) ? '[redacted]' : redactValue(v, depth + 1);
  }
  return out;
}
