// ApplicationDownlink in and out of JSON, and the validator of
// DownlinkQueueRequest (api/ttn/lorawan/v3/messages.proto ApplicationDownlink,
// pkg/ttnpb/messages.pb.validate.go). grpc-gateway decodes the body first (a
// bad value is a plain 400), then the validator middleware runs
// ValidateFields (pkg/errors `validation`, the nested error as its cause).
import { z } from 'zod';
import { type SimError, badRequest, nestedValidation, validation } from './errors.js';
import type { JsonObject } from './json-path.js';

/** TxSchedulePriority (api/ttn/lorawan/v3/lorawan.proto), index = enum number. */
export const PRIORITIES = ['LOWEST', 'LOW', 'BELOW_NORMAL', 'NORMAL', 'ABOVE_NORMAL', 'HIGH', 'HIGHEST'] as const;

/** One application downlink as the AS and NS hold it. */
export interface Downlink {
  /** base64, as the JSON carries bytes. */
  sessionKeyId?: string;
  fPort: number;
  fCnt: number;
  /** Absent: no frm_payload in the request (only decoded_payload, or nothing). */
  frmPayload?: Buffer;
  decodedPayload?: JsonObject;
  confirmed: boolean;
  classBC?: JsonObject;
  /** Enum number; out-of-range numbers reach the validator, as in Go. */
  priority: number;
  correlationIds: string[];
  confirmedRetry?: { attempt: number; maxAttempts?: number };
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const UINT32_MAX = 0xffffffff;

const uint32 = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).refine((n) => Number.isInteger(n) && n >= 0 && n <= UINT32_MAX, {
  message: 'expected a uint32',
});
/** protojson bytes: standard or URL-safe base64, padding optional. */
const bytes = z
  .string()
  .refine((s) => BASE64.test(s) && s.replace(/=+$/, '').length % 4 !== 1, { message: 'expected base64' })
  .transform((s) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
const priority = z.union([
  z.number().int(),
  z.string().transform((s, ctx) => {
    const i = (PRIORITIES as readonly string[]).indexOf(s);
    if (i < 0) {
      ctx.addIssue({ code: 'custom', message: `invalid value for enum TxSchedulePriority: ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return i;
  }),
]);
const jsonObject = z.record(z.string(), z.unknown()).transform((o) => o as JsonObject);

// Unknown fields are ignored, as the simulator's other decoders do.
const downlinkSchema = z.object({
  session_key_id: bytes.nullish(),
  f_port: uint32.nullish(),
  f_cnt: uint32.nullish(),
  frm_payload: bytes.nullish(),
  decoded_payload: jsonObject.nullish(),
  confirmed: z.boolean().nullish(),
  class_b_c: jsonObject.nullish(),
  priority: priority.nullish(),
  correlation_ids: z.array(z.string()).nullish(),
  confirmed_retry: z.object({ attempt: uint32.nullish(), max_attempts: uint32.nullish() }).nullish(),
});
const requestSchema = z.object({ downlinks: z.array(downlinkSchema).nullish() });

/** Decodes a DownlinkQueueRequest body (path parameters carry the identifiers). */
export function decodeDownlinks(body: JsonObject | undefined): Downlink[] {
  const parsed = requestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') : '';
    throw badRequest(`unmarshal error at path "${path}": ${issue?.message ?? 'invalid value'}`);
  }
  return (parsed.data.downlinks ?? []).map((d) => ({
    ...(d.session_key_id && d.session_key_id.length > 0 ? { sessionKeyId: d.session_key_id.toString('base64') } : {}),
    fPort: d.f_port ?? 0,
    fCnt: d.f_cnt ?? 0,
    ...(d.frm_payload !== undefined && d.frm_payload !== null ? { frmPayload: d.frm_payload } : {}),
    ...(d.decoded_payload ? { decodedPayload: d.decoded_payload } : {}),
    confirmed: d.confirmed ?? false,
    ...(d.class_b_c ? { classBC: d.class_b_c } : {}),
    priority: d.priority ?? 0,
    correlationIds: d.correlation_ids ?? [],
    ...(d.confirmed_retry
      ? {
          confirmedRetry: {
            attempt: d.confirmed_retry.attempt ?? 0,
            ...(d.confirmed_retry.max_attempts !== undefined && d.confirmed_retry.max_attempts !== null
              ? { maxAttempts: d.confirmed_retry.max_attempts }
              : {}),
          },
        }
      : {}),
  }));
}

/** ApplicationDownlink.ValidateFields: the first failing field, as the generated validator. */
function validateDownlink(d: Downlink): SimError | undefined {
  const err = (field: string, reason: string) => validation(field, reason, 'ApplicationDownlinkValidationError');
  if (d.fPort > 255) return err('f_port', 'value must be less than or equal to 255');
  if (d.fPort === 224) return err('f_port', 'value must not be in list [224]');
  if (d.frmPayload && d.frmPayload.length > 255) return err('frm_payload', 'value length must be at most 255 bytes');
  if (!PRIORITIES[d.priority]) return err('priority', 'value must be one of the defined enum values');
  const i = d.correlationIds.findIndex((c) => [...c].length > 100);
  if (i >= 0) return err(`correlation_ids[${i}]`, 'value length must be at most 100 runes');
  const max = d.confirmedRetry?.maxAttempts;
  if (max !== undefined && (max <= 0 || max > 100)) {
    return nestedValidation(
      'confirmed_retry',
      'ApplicationDownlinkValidationError',
      validation('max_attempts', 'value must be inside range (0, 100]', 'ApplicationDownlink_ConfirmedRetryValidationError'),
    );
  }
  return undefined;
}

/** DownlinkQueueRequest.ValidateFields (max 100000 items, each item nested). */
export function validateDownlinkRequest(items: readonly Downlink[]): void {
  const name = 'DownlinkQueueRequestValidationError';
  if (items.length > 100_000) throw validation('downlinks', 'value must contain no more than 100000 item(s)', name);
  items.forEach((d, i) => {
    const cause = validateDownlink(d);
    if (cause) throw nestedValidation(`downlinks[${i}]`, name, cause);
  });
}

/** The JSON of an ApplicationDownlink (bytes base64, zero scalars omitted, enums by name). */
export function downlinkJson(d: Downlink): JsonObject {
  const out: JsonObject = {};
  if (d.sessionKeyId) out.session_key_id = d.sessionKeyId;
  if (d.fPort) out.f_port = d.fPort;
  if (d.fCnt) out.f_cnt = d.fCnt;
  if (d.frmPayload && d.frmPayload.length > 0) out.frm_payload = d.frmPayload.toString('base64');
  if (d.decodedPayload) out.decoded_payload = d.decodedPayload;
  if (d.confirmed) out.confirmed = true;
  if (d.classBC) out.class_b_c = d.classBC;
  if (d.priority) out.priority = PRIORITIES[d.priority] ?? d.priority;
  if (d.correlationIds.length > 0) out.correlation_ids = [...d.correlationIds];
  if (d.confirmedRetry) {
    const r: JsonObject = {};
    if (d.confirmedRetry.attempt) r.attempt = d.confirmedRetry.attempt;
    if (d.confirmedRetry.maxAttempts !== undefined) r.max_attempts = d.confirmedRetry.maxAttempts;
    out.confirmed_retry = r;
  }
  return out;
}

/** Reads back a stored ApplicationDownlink (the NS queue in `session.queued_application_downlinks`). */
export function downlinkFromJson(j: unknown): Downlink | undefined {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return undefined;
  try {
    const [d] = decodeDownlinks({ downlinks: [j as JsonObject] });
    return d;
  } catch {
    return undefined;
  }
}
