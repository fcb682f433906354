// One error type for everything that can go wrong talking to a The Things Stack deployment,
// with a message a person understands and the server's details kept for support.
import { z } from 'zod';
import { redact, redactValue } from '../logging/redact.js';

export type StackErrorKind =
  | 'api' // the server answered with a The Things Stack error
  | 'not-tts' // something answered, but not like The Things Stack (HTML, wrong JSON)
  | 'tls' // certificate or TLS handshake problem
  | 'timeout'
  | 'refused' // nothing listens at that address
  | 'dns' // the host name does not resolve
  | 'network' // connection reset or dropped mid-way
  | 'aborted'; // cancelled by the caller

export const GRPC_CODE_NAMES: Record<number, string> = {
  1: 'Canceled', 2: 'Unknown', 3: 'InvalidArgument', 4: 'DeadlineExceeded', 5: 'NotFound',
  6: 'AlreadyExists', 7: 'PermissionDenied', 8: 'ResourceExhausted', 9: 'FailedPrecondition',
  10: 'Aborted', 11: 'OutOfRange', 12: 'Unimplemented', 13: 'Internal', 14: 'Unavailable',
  15: 'DataLoss', 16: 'Unauthenticated',
};

/** The HTTP status The Things Stack's gateway answers for each gRPC code. */
export const HTTP_STATUS_OF_CODE: Record<number, number> = {
  1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400,
  12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

const errorDetailsSchema = z.looseObject({
  namespace: z.string().optional(),
  name: z.string().optional(),
  message_format: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  correlation_id: z.string().optional(),
  code: z.number().optional(),
});

/** The body of a The Things Stack error answer. */
export const errorBodySchema = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  details: z.array(z.looseObject({})).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export interface StackErrorInit {
  kind: StackErrorKind;
  message: string;
  operation: string;
  url?: string;
  httpStatus?: number;
  grpcCode?: number;
  namespace?: string;
  errorName?: string;
  attributes?: Record<string, unknown>;
  correlationId?: string;
  serverMessage?: string;
  retryAfterMs?: number;
  /** The answer is a rate limit (pkg/ratelimit's error, or one with X-Rate-Limit-* headers). */
  rateLimited?: boolean;
  cause?: unknown;
}

export class StackError extends Error {
  readonly kind: StackErrorKind;
  readonly operation: string;
  readonly url?: string;
  readonly httpStatus?: number;
  readonly grpcCode?: number;
  readonly namespace?: string;
  readonly errorName?: string;
  readonly attributes?: Record<string, unknown>;
  readonly correlationId?: string;
  readonly serverMessage?: string;
  /** For 429: how long the server asked us to wait. */
  readonly retryAfterMs?: number;
  private readonly rateLimited: boolean;

  constructor(init: StackErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'StackError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.url = init.url;
    this.httpStatus = init.httpStatus;
    this.grpcCode = init.grpcCode;
    this.namespace = init.namespace;
    this.errorName = init.errorName;
    this.attributes = init.attributes;
    this.correlationId = init.correlationId;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimited = init.rateLimited ?? false;
  }

  get codeName(): string | undefined {
    return this.grpcCode === undefined ? undefined : GRPC_CODE_NAMES[this.grpcCode];
  }

  /**
   * A rate limit: proven not applied, may be sent again after the wait. Other
   * ResourceExhausted answers (a full downlink queue, a full pool) are not.
   */
  get isRateLimited(): boolean {
    return this.rateLimited;
  }

  /** Failures where the request may not have reached the server or the server may recover. */
  get isTransient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'refused') return true;
    if (this.kind === 'not-tts') return [502, 503, 504].includes(this.httpStatus ?? 0);
    // Unavailable (14) and Aborted (10: a storage transaction that lost a race,
    // pkg/redis:transaction_failed) succeed when sent again.
    return this.kind === 'api' && ([502, 503, 504].includes(this.httpStatus ?? 0) || this.grpcCode === 14 || this.grpcCode === 10);
  }

  is(code: 'NotFound' | 'AlreadyExists' | 'PermissionDenied' | 'Unauthenticated' | 'InvalidArgument'): boolean {
    return this.codeName === code;
  }

  /** A plain, serializable shape (for logs, journals and IPC): never carries a secret. */
  toJSON() {
    return {
      name: this.name, kind: this.kind, message: this.message, operation: this.operation,
      url: this.url, httpStatus: this.httpStatus, grpcCode: this.grpcCode, codeName: this.codeName,
      namespace: this.namespace, errorName: this.errorName, attributes: this.attributes,
      correlationId: this.correlationId,
    };
  }
}

/** Builds the typed error from a The Things Stack error body. */
export function apiError(body: ErrorBody, ctx: { operation: string; url: string; httpStatus: number; retryAfterMs?: number; rateLimitHeaders?: boolean }): StackError {
  const detail = (body.details ?? []).map((d) => errorDetailsSchema.safeParse(d)).find((r) => r.success)?.data;
  // A server or proxy may echo the request (the Authorization header, device keys) in its
  // message or attributes: they are redacted here, before the error goes anywhere.
  const attributes = detail?.attributes ? (redactValue(detail.attributes) as Record<string, unknown>) : undefined;
  const init = {
    kind: 'api' as const,
    operation: ctx.operation,
    url: ctx.url,
    httpStatus: ctx.httpStatus,
    grpcCode: body.code,
    namespace: detail?.namespace,
    errorName: detail?.name,
    attributes,
    correlationId: detail?.correlation_id,
    serverMessage: redact(body.message),
    retryAfterMs: ctx.retryAfterMs,
  };
  const exhausted = body.code === 8 || ctx.httpStatus === 429;
  const rateLimited = exhausted && ((detail?.namespace === 'pkg/ratelimit' && detail.name === 'rate_limit_exceeded') || ctx.rateLimitHeaders === true);
  return new StackError({ ...init, rateLimited, retryAfterMs: rateLimited ? ctx.retryAfterMs : undefined, message: redact(`${ctx.operation}: ${explainApiError({ ...init, rateLimited })}`) });
}

const host = (url?: string) => {
  try {
    return url ? new URL(url).host : 'the server';
  } catch {
    return 'the server';
  }
};

/** What went wrong, in words, from the code, the error name and its attributes. */
export function explainApiError(e: Pick<StackErrorInit, 'grpcCode' | 'errorName' | 'attributes' | 'serverMessage' | 'url' | 'rateLimited'>): string {
  const a = e.attributes ?? {};
  const server = e.serverMessage ? ` (server said: ${e.serverMessage})` : '';
  switch (e.errorName) {
    case 'end_device_euis_taken':
      return `another device already uses JoinEUI ${String(a.join_eui ?? '?')} and DevEUI ${String(a.dev_eui ?? '?')}` +
        (a.device_id ? ` (device "${String(a.device_id)}" in application "${String(a.application_id ?? '?')}")` : '') +
        '. A JoinEUI/DevEUI pair can be registered only once per deployment.';
    case 'network_server_address_mismatch':
    case 'application_server_address_mismatch':
    case 'join_server_address_mismatch':
      return `the device's ${e.errorName.replace('_mismatch', '').replaceAll('_', ' ')} does not match the application's on ${host(e.url)}${server}`;
  }
  switch (e.grpcCode) {
    case 16:
      return `the API key was not accepted by ${host(e.url)}: it is unknown, expired or was revoked. Create a new API key and update the connection.`;
    case 7:
      return `the API key lacks a right this needs${a.rights ? ` (${String(a.rights)})` : ''}${server}. Give the key the rights listed in the connection's check.`;
    case 5:
      return `not found${server}`;
    case 6:
      return `it already exists${server}`;
    case 3:
    case 9:
    case 11:
      return `the server refused the request as invalid${server}`;
    case 8:
      return e.rateLimited
        ? `rate limit reached on ${host(e.url)}${server}`
        : `${host(e.url)} has no room for this now (resource exhausted, not a rate limit)${server}`;
    case 10:
      return `${host(e.url)} aborted the request because of a conflicting change; it may be sent again${server}`;
    case 14:
      return `${host(e.url)} is temporarily unavailable${server}`;
    case 4:
      return `${host(e.url)} did not finish in time${server}`;
    case 12:
      return `${host(e.url)} does not offer this function${server}`;
    default:
      return `the server reported an error${e.grpcCode !== undefined ? ` (${GRPC_CODE_NAMES[e.grpcCode] ?? `code ${e.grpcCode}`})` : ''}${server}`;
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Maps a Node socket/TLS error to the typed error with a clear message. */
export function transportError(err: unknown, ctx: { operation: string; url: string; timeoutMs?: number; aborted?: boolean }): StackError {
  const code = (err as { code?: string } | null)?.code ?? '';
  const h = host(ctx.url);
  const base = { operation: ctx.operation, url: ctx.url, cause: err };
  if (ctx.aborted) return new StackError({ ...base, kind: 'aborted', message: `${ctx.operation}: cancelled` });
  if (code === 'ETIMEDOUT_STACK' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new StackError({ ...base, kind: 'timeout', message: `${ctx.operation}: ${h} did not answer within ${seconds(ctx.timeoutMs ?? 0)}. Check the address and your network.` });
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
    return new StackError({
      ...base, kind: 'tls',
      message: `${ctx.operation}: the secure connection to ${h} failed (${code}). If the server's certificate is signed by a private certificate authority, ` +
        'trust that authority: --ca FILE (its PEM CA certificate) on the command line, or the CA certificate field of the connection in the app. ' +
        'Check also that the address and port are the server\'s HTTPS ones.',
    });
  if (code === 'ECONNREFUSED')
    return new StackError({ ...base, kind: 'refused', message: `${ctx.operation}: nothing answers at ${h} (connection refused). Check the address and port.` });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new StackError({ ...base, kind: 'dns', message: `${ctx.operation}: the host name ${h} could not be found. Check the address.` });
  const detail = err instanceof Error ? err.message : String(err);
  return new StackError({ ...base, kind: 'network', message: redact(`${ctx.operation}: the connection to ${h} was lost (${code || detail}).`) });
}

const seconds = (ms: number) => (ms > 0 && ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * The same failure told as part of another operation: a key check that never reached the
 * server is "Connect to <host>: …", not "Check the API key: …". Errors the server answered
 * (kind "api") keep their operation.
 */
export function asConnectFailure(err: unknown, url: string): unknown {
  if (!(err instanceof StackError) || err.kind === 'api' || err.kind === 'aborted') return err;
  const operation = `Connect to ${host(url)}`;
  const prefix = `${err.operation}: `;
  const message = err.message.startsWith(prefix) ? `${operation}: ${err.message.slice(prefix.length)}` : `${operation}: ${err.message}`;
  return new StackError({
    kind: err.kind, message, operation, url: err.url, httpStatus: err.httpStatus, grpcCode: err.grpcCode, namespace: err.namespace,
    errorName: err.errorName, attributes: err.attributes, correlationId: err.correlationId, serverMessage: err.serverMessage,
    retryAfterMs: err.retryAfterMs, rateLimited: err.isRateLimited, cause: err.cause,
  });
}

/** For an answer that is not The Things Stack's (an HTML page from a proxy, unexpected JSON). */
export function notTtsError(ctx: { operation: string; url: string; httpStatus: number; contentType?: string; reason: string }): StackError {
  return new StackError({
    kind: 'not-tts',
    operation: ctx.operation,
    url: ctx.url,
    httpStatus: ctx.httpStatus,
    message: `${ctx.operation}: ${host(ctx.url)} did not answer like The Things Stack (HTTP ${ctx.httpStatus}, ${ctx.reason}). Check that the address is the deployment's, for example https://eu1.cloud.thethings.network.`,
  });
}
