// The Things Stack's error model as it reaches an HTTP client: a gRPC status
// code, a message `error:<namespace>:<name> (<formatted message>)` and one
// ttn.lorawan.v3.ErrorDetails entry (pkg/errors, grpc-gateway's
// DefaultHTTPErrorHandler).
import { randomBytes } from 'node:crypto';

export type Attributes = Record<string, unknown>;

/** HTTP status per gRPC code, as grpc-gateway maps them. */
const HTTP_STATUS: Record<number, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export function httpStatusForCode(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** The inverse, for faults configured by HTTP status only. */
export function codeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 3;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 5;
    case 409:
      return 6;
    case 429:
      return 8;
    case 501:
      return 12;
    case 503:
    case 502:
      return 14;
    case 504:
      return 4;
    default:
      return status >= 500 ? 13 : 2;
  }
}

function format(messageFormat: string, attributes: Attributes): string {
  return messageFormat.replace(/\{([a-z_]+)\}/g, (whole, key: string) => {
    const v = attributes[key];
    if (v === undefined) return whole;
    return Array.isArray(v) ? v.join(', ') : String(v);
  });
}

/** A TTS error (code + namespace + name + attributes). */
export class SimError extends Error {
  readonly code: number;
  readonly namespace: string;
  override readonly name: string;
  readonly messageFormat: string;
  readonly attributes: Attributes;
  /** When set, the body carries no ErrorDetails (grpc-gateway's own errors). */
  readonly plain: boolean;
  /** The error that caused this one (ErrorDetails.cause), e.g. a nested validation error. */
  causedBy?: SimError;

  constructor(
    code: number,
    namespace: string,
    name: string,
    messageFormat: string,
    attributes: Attributes = {},
    plain = false,
  ) {
    super(plain ? messageFormat : `error:${namespace}:${name} (${format(messageFormat, attributes)})`);
    this.code = code;
    this.namespace = namespace;
    this.name = name;
    this.messageFormat = messageFormat;
    this.attributes = attributes;
    this.plain = plain;
  }

  get status(): number {
    return httpStatusForCode(this.code);
  }

  body(): Record<string, unknown> {
    if (this.plain) return { code: this.code, message: this.message, details: [] };
    return { code: this.code, message: this.message, details: [{ '@type': 'type.googleapis.com/ttn.lorawan.v3.ErrorDetails', ...this.details() }] };
  }

  /** ttnpb.ErrorDetails of this error (api/ttn/lorawan/v3/error.proto), its cause nested. */
  details(): Record<string, unknown> {
    const detail: Record<string, unknown> = { namespace: this.namespace, name: this.name, message_format: this.messageFormat };
    if (Object.keys(this.attributes).length > 0) detail.attributes = this.attributes;
    detail.correlation_id = randomBytes(16).toString('hex');
    if (this.causedBy && !this.causedBy.plain) detail.cause = this.causedBy.details();
    detail.code = this.code;
    return detail;
  }
}

// Constructors for the errors the simulator answers with. Namespaces, names and
// message formats are those of The Things Stack v3.32 (see the file comments).

/** pkg/rpcmiddleware/validator: a field-mask path outside allowedFieldMaskPaths. */
export const forbiddenPaths = (paths: string[]) =>
  new SimError(3, 'pkg/rpcmiddleware/validator', 'field_mask_paths', 'forbidden path(s) in field mask', {
    forbidden_paths: paths,
  });

/** pkg/errors: a proto validation rule failed (pattern, max_len, lte, in...). */
export const validation = (field: string, reason: string, name = 'ValidationError') =>
  new SimError(3, 'pkg/errors', 'validation', 'invalid `{field}`: {reason}', { field, reason, name });

/** grpc-gateway: the request could not be decoded (no ErrorDetails in the body). */
export const badRequest = (message: string) => new SimError(3, '', '', message, {}, true);

export const routeNotFound = () => new SimError(5, '', '', 'Not Found', {}, true);
export const methodNotAllowed = () => new SimError(12, '', '', 'Method Not Allowed', {}, true);

export const noApplicationRights = (uid: string) =>
  new SimError(7, 'pkg/auth/rights', 'no_application_rights', 'no rights for application `{uid}`', { uid });

export const insufficientApplicationRights = (uid: string, missing: string[]) =>
  new SimError(7, 'pkg/auth/rights', 'insufficient_application_rights', 'insufficient rights for application `{uid}`', {
    uid,
    missing,
  });

export const unauthenticated = () => new SimError(16, 'pkg/identityserver', 'unauthenticated', 'unauthenticated');
export const apiKeyNotFound = () => new SimError(16, 'pkg/identityserver', 'api_key_not_found', 'API key not found');
export const invalidAuthorization = () =>
  new SimError(16, 'pkg/identityserver', 'invalid_authorization', 'invalid authorization');
export const unsupportedAuthorization = () =>
  new SimError(16, 'pkg/identityserver', 'unsupported_authorization', 'unsupported authorization method');
export const tokenNotFound = () => new SimError(16, 'pkg/identityserver', 'token_not_found', 'token not found');
export const invalidToken = () => new SimError(3, 'pkg/auth', 'token', 'invalid token');

export const applicationNotFound = (applicationId: string) =>
  new SimError(5, 'pkg/identityserver/store', 'application_not_found', 'application with id `{application_id}` not found', {
    application_id: applicationId,
  });

export const endDeviceNotFound = (applicationId: string, deviceId: string) =>
  new SimError(
    5,
    'pkg/identityserver/store',
    'end_device_not_found',
    'end device with id `{device_id}` not found in application with id `{application_id}`',
    { device_id: deviceId, application_id: applicationId },
  );

export const idTaken = () =>
  new SimError(6, 'pkg/util/store', 'id_taken', 'ID already taken, choose a different one and try again');

export const euisTaken = (joinEui: string, devEui: string, deviceId: string, applicationId: string) =>
  new SimError(
    6,
    'pkg/identityserver',
    'end_device_euis_taken',
    'an end device with JoinEUI `{join_eui}` and DevEUI `{dev_eui}` is already registered as `{device_id}` in application `{application_id}`',
    { join_eui: joinEui, dev_eui: devEui, device_id: deviceId, application_id: applicationId },
  );

export const serverAddressMismatch = (kind: 'network' | 'application' | 'join', address: string, expected: string) =>
  new SimError(3, 'pkg/identityserver', `${kind}_server_address_mismatch`, `${kind} server address \`{address}\` does not match \`{expected}\``, {
    address,
    expected,
  });

/** The registries (Redis) of NS and AS answer a Get of an absent device with this. */
export const registryNotFound = () => new SimError(5, 'pkg/redis', 'not_found', 'entity not found');

export const jsDeviceNotFound = () => new SimError(5, 'pkg/joinserver', 'device_not_found', 'device not found');
export const nsDeviceNotFound = () => new SimError(5, 'pkg/networkserver', 'device_not_found', 'device not found');
export const asDeviceNotFound = (uid: string) =>
  new SimError(5, 'pkg/applicationserver', 'device_not_found', 'device `{device_uid}` not found', { device_uid: uid });

export function componentNamespace(component: 'js' | 'ns' | 'as'): string {
  return component === 'js' ? 'pkg/joinserver' : component === 'ns' ? 'pkg/networkserver' : 'pkg/applicationserver';
}

export const invalidFieldValue = (component: 'js' | 'ns' | 'as', field: string) =>
  new SimError(3, componentNamespace(component), 'field_value', 'invalid value of field `{field}`', { field });

export const invalidFieldMask = (component: 'js' | 'as') =>
  new SimError(3, component === 'js' ? 'pkg/joinserver' : 'pkg/applicationserver', 'field_mask', 'invalid field mask');

export const noJoinEui = () => new SimError(3, 'pkg/joinserver', 'no_join_eui', 'no JoinEUI specified');
export const noDevEui = () => new SimError(3, 'pkg/joinserver', 'no_dev_eui', 'no DevEUI specified');

export const rateLimitExceeded = (key: string, rate: number) =>
  new SimError(8, 'pkg/ratelimit', 'rate_limit_exceeded', 'rate limit of `{rate}` accesses per minute exceeded for resource `{key}`', {
    key,
    rate,
  });

export const noIdentifiers = () => new SimError(3, 'pkg/events/grpc', 'no_identifiers', 'no identifiers');
export const unknownEventName = (name: string) =>
  new SimError(3, 'pkg/events', 'unknown_event_name', 'unknown event `{name}`', { name });
export const noMatchingEvents = (regexp: string) =>
  new SimError(3, 'pkg/events', 'no_matching_events', 'no matching events for regexp `{regexp}`', { regexp });
export const invalidRegexp = () => new SimError(3, 'pkg/events', 'invalid_regexp', 'invalid regexp');

export const unavailable = () => new SimError(14, 'pkg/redis', 'unavailable', 'service unavailable');

/** pkg/redis/errors.go errTransactionFailed: an optimistic (WATCH) transaction lost a race; transient. */
export const transactionFailed = () => new SimError(10, 'pkg/redis', 'transaction_failed', 'transaction failed');

/** pkg/networkserver/grpc_asns.go errDownlinkQueueCapacity: ResourceExhausted, but not a rate limit. */
export const downlinkQueueCapacity = () =>
  new SimError(8, 'pkg/networkserver', 'downlink_queue_capacity', 'downlink queue capacity exceeded');

/** pkg/{joinserver,networkserver,applicationserver}/redis errReadOnlyField: an identifier changed on update. */
export const readOnlyField = (component: 'js' | 'ns' | 'as', field: string) =>
  new SimError(3, `${componentNamespace(component)}/redis`, 'read_only_field', 'read-only field `{field}`', { field });

/** pkg/internal/registry/errors.go errEndDeviceEUIsTaken: a JS/NS/AS create with EUIs another device holds there. */
export const registryEuisTaken = (joinEui: string, devEui: string, deviceId: string, applicationId: string) =>
  new SimError(
    6,
    'pkg/internal/registry',
    'end_device_euis_taken',
    'an end device with JoinEUI `{join_eui}` and DevEUI `{dev_eui}` is already registered as `{device_id}` in application `{application_id}`',
    { join_eui: joinEui, dev_eui: devEui, device_id: deviceId, application_id: applicationId },
  );

/** pkg/frequencyplans/frequencyplans.go errNotFound (NotFound: HTTP 404). */
export const frequencyPlanNotFound = (id: string) =>
  new SimError(5, 'pkg/frequencyplans', 'not_found', 'frequency plan `{id}` not found', { id });

/** pkg/networkserver/internal/utils.go errNoBandVersion. */
export const noBandVersion = (ver: string, id: string) =>
  new SimError(3, 'pkg/networkserver/internal', 'no_band_version', 'specified version `{ver}` of band `{id}` does not exist', { ver, id });

/** pkg/networkserver/mac/utils.go errClassAMulticast (DeviceDefaultClass). */
export const classAMulticast = () =>
  new SimError(3, 'pkg/networkserver/mac', 'class_a_multicast', 'multicast device in class A mode');

/**
 * Errors a test may inject by name with failNext (namespace, gRPC code and
 * message format as the real server defines them).
 */
export const KNOWN_ERRORS: Record<string, { namespace: string; code: number; messageFormat: string }> = {
  // pkg/redis/errors.go
  transaction_failed: { namespace: 'pkg/redis', code: 10, messageFormat: 'transaction failed' },
  // pkg/networkserver/grpc_asns.go
  downlink_queue_capacity: { namespace: 'pkg/networkserver', code: 8, messageFormat: 'downlink queue capacity exceeded' },
  // pkg/ratelimit/config.go
  rate_limit_exceeded: {
    namespace: 'pkg/ratelimit',
    code: 8,
    messageFormat: 'rate limit of `{rate}` accesses per minute exceeded for resource `{key}`',
  },
  // pkg/workerpool/workerpool.go
  pool_full: { namespace: 'pkg/workerpool', code: 8, messageFormat: 'the worker pool is full' },
  // The Things Stack Cloud plan limit (closed source; see integration-errors.ts)
  tenant_entity_limit: {
    namespace: 'pkg/identityserver',
    code: 9,
    messageFormat: 'limit for {entity_type} entities in tenant reached, upgrade at {subscription_upgrade_url}',
  },
  // pkg/applicationserver/io/pubsub/providers.go
  provider_disabled: { namespace: 'pkg/applicationserver/io/pubsub', code: 9, messageFormat: 'provider `{provider}` is disabled' },
};
export const internal = (message: string) => new SimError(13, 'pkg/sim', 'internal', message);

/**
 * A validation error of a nested message (protoc-gen-validate `embedded message
 * failed validation`), its cause the inner message's error, as pkg/errors
 * conversion.go builds it (attribute `name` is the validator's ErrorName()).
 */
export function nestedValidation(field: string, name: string, cause: SimError): SimError {
  const err = validation(field, 'embedded message failed validation', name);
  err.causedBy = cause;
  return err;
}

/** Join Server errors of HandleJoin (pkg/joinserver/errors.go), seen in the NS's join events. */
export const JOIN_ERRORS = {
  dev_nonce_too_small: () => new SimError(3, 'pkg/joinserver', 'dev_nonce_too_small', 'DevNonce is too small'),
  reuse_dev_nonce: () => new SimError(3, 'pkg/joinserver', 'reuse_dev_nonce', 'DevNonce has already been used'),
  mic_mismatch: () => new SimError(3, 'pkg/joinserver', 'mic_mismatch', 'MIC mismatch'),
  no_app_key: () => new SimError(9, 'pkg/joinserver', 'no_app_key', 'no AppKey specified'),
  no_nwk_key: () => new SimError(9, 'pkg/joinserver', 'no_nwk_key', 'no NwkKey specified'),
  join_nonce_too_high: () => new SimError(2, 'pkg/joinserver', 'join_nonce_too_high', 'JoinNonce is too high'),
  // pkg/networkserver/errors.go
  join_server_not_found: () => new SimError(5, 'pkg/networkserver', 'join_server_not_found', 'Join Server not found'),
  abp_join_request: () => new SimError(3, 'pkg/networkserver', 'abp_join_request', 'received a join-request from ABP device'),
  unknown_mac_version: () => new SimError(9, 'pkg/networkserver', 'unknown_mac_version', 'MAC version is unknown'),
} as const;

/** The ttn.lorawan.v3.ErrorDetails of an error, as event data (events.WithErrorDataType). */
export function errorDetails(err: SimError): Record<string, unknown> {
  const detail = (err.body().details as Record<string, unknown>[])[0] ?? {};
  return { ...detail };
}
