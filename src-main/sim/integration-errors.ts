// Errors of the AS integrations and the IS application registry, as The Things
// Stack v3.32 defines them (namespace = the defining package).
import { SimError } from './errors.js';

/** pkg/applicationserver/registry.go errInvalidFieldValue, with grpc_deviceregistry.go errFormatterScriptTooLarge as cause. */
export function formatterScriptTooLarge(field: string, size: number, maxSize: number): SimError {
  const err = new SimError(3, 'pkg/applicationserver', 'field_value', 'invalid value of field `{field}`', { field });
  err.causedBy = new SimError(3, 'pkg/applicationserver', 'formatter_script_too_large', 'formatter script size exceeds maximum allowed size', {
    size,
    max_size: maxSize,
  });
  return err;
}

/** pkg/applicationserver/io/pubsub/providers.go errProviderDisabled (FailedPrecondition); provider is the Go type's suffix, `Mqtt` or `Nats`. */
export const providerDisabled = (provider: string) =>
  new SimError(9, 'pkg/applicationserver/io/pubsub', 'provider_disabled', 'provider `{provider}` is disabled', { provider });

/** pkg/rpcserver/rpcserver.go ErrRPCRecovered: the answer to a handler panic. */
export const rpcRecovered = () => new SimError(13, 'pkg/rpcserver', 'rpc_recovered', 'Internal Server Error');

/** A plain Go error returned by a handler: grpc-gateway answers codes.Unknown (HTTP 500) with its text. */
export const unknownError = (message: string) => new SimError(2, '', '', message, {}, true);

/**
 * The registries' errInvalidFieldmask (io/pubsub/redis, io/packages/redis) with
 * pkg/ttnpb errProhibitedField as cause (its Unknown code takes the wrapper's).
 */
export function prohibitedField(registryNamespace: string, field: string): SimError {
  const err = new SimError(3, registryNamespace, 'invalid_fieldmask', 'invalid fieldmask');
  err.causedBy = new SimError(2, 'pkg/ttnpb', 'prohibited_field', 'field `{field}` is prohibited', { field });
  return err;
}

/** The registries' errReadOnlyField: an identifier changed on update. */
export const registryReadOnlyField = (registryNamespace: string, field: string) =>
  new SimError(3, registryNamespace, 'read_only_field', 'read-only field `{field}`', { field });

/** pkg/applicationserver/io/web/templates.go errFetchFailed; its Unknown code takes the cause's (NotFound). */
export function templateFetchFailed(templateId: string): SimError {
  const err = new SimError(5, 'pkg/applicationserver/io/web', 'fetch', 'fetching failed');
  err.causedBy = new SimError(5, 'pkg/fetch', 'file_not_found', 'file `{filename}` not found', { filename: `${templateId}.yml` });
  return err;
}

/** pkg/identityserver/blocklist errForbiddenID. */
export const forbiddenId = (id: string) =>
  new SimError(3, 'pkg/identityserver/blocklist', 'forbidden_id', 'the ID `{id}` can not be registered', { id });

/**
 * The Things Stack Cloud's plan limit (closed source): name, namespace, code and
 * message format as the Cloud answers them (lorawan-stack-docs issue #1125;
 * pkg/webui/lib/errors/sentry-filters.js names `error:pkg/identityserver:tenant_entity_limit`).
 */
export const tenantEntityLimit = (entityType: string, limit: number) =>
  new SimError(9, 'pkg/identityserver', 'tenant_entity_limit', 'limit for {entity_type} entities in tenant reached, upgrade at {subscription_upgrade_url}', {
    entity_type: entityType,
    limit,
    subscription_upgrade_url: '',
  });

