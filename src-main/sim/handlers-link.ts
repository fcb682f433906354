// The As service and AppAs.GetMQTTConnectionInfo:
//   GET/PUT/DELETE /as/applications/{app}/link     (pkg/applicationserver/grpc.go)
//   GET /as/configuration                          (grpc.go GetConfiguration, config.go toProto)
//   GET /as/applications/{app}/mqtt-connection-info (pkg/applicationserver/io/grpc/grpc.go)
import { LINK_SCHEMA, linkCheck } from './as-messages.js';
import { R, requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, ok, queryFieldMask, requireParam } from './context.js';
import { SimError, registryNotFound } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { formatterScriptTooLarge, unknownError } from './integration-errors.js';
import { type JsonObject, clone, getPath, hasAnyField } from './json-path.js';
import { decodeMessage } from './message-codec.js';
import { project, setFields } from './set-fields.js';
import { uniqueId } from './sim-config.js';
import { maskFields, wrapped } from './validate.js';

/** ApplicationLinkFieldPathsTopLevel: what SetLink answers. */
const LINK_TOP_LEVEL = ['default_formatters', 'skip_payload_crypto'];

/**
 * removeDeprecatedPaths (grpc.go), bug included: a path is appended once per
 * deprecated name it differs from before matching one, so `api_key` is dropped
 * but `network_server_address` and `tls` survive (and then name no field).
 */
export function removeDeprecatedPaths(paths: readonly string[]): { paths: string[]; warnings: string[] } {
  const out: string[] = [];
  const warnings: string[] = [];
  for (const p of paths) {
    for (const deprecated of ['api_key', 'network_server_address', 'tls']) {
      if (p === deprecated) {
        warnings.push(`field ${deprecated} is deprecated`);
        break;
      }
      out.push(p);
    }
  }
  return { paths: out, warnings };
}

const warningHeaders = (warnings: readonly string[]): Record<string, string> | undefined =>
  warnings.length > 0 ? { 'X-Warning': warnings.join(', ') } : undefined;

/** ApplicationLink.SetFields on a path the message no longer has: a plain Go error (codes.Unknown). */
function checkLinkPaths(paths: readonly string[]): void {
  for (const p of paths) {
    const top = p.split('.')[0] as string;
    if (!LINK_TOP_LEVEL.includes(top)) throw unknownError(`invalid field: '${top}'`);
  }
}

export function getLink(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('As.GetLink', mask);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.SETTINGS_BASIC);
  const { paths, warnings } = removeDeprecatedPaths(mask);
  // The registry Get: NotFound when no link was ever set, then only the masked paths (none: `{}`).
  const link = ctx.integrations.peek(appId)?.link;
  if (!link) throw registryNotFound();
  checkLinkPaths(paths);
  return ok(project(link, paths), warningHeaders(warnings));
}

export function setLink(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const mask = bodyFieldMask(req.body);
  const link = decodeMessage(LINK_SCHEMA, req.body?.link, 'link');
  checkAllowed('As.SetLink', mask);
  const body: JsonObject = { ...(link ? { link } : {}) };
  // SetApplicationLinkRequest.ValidateContext: link.<mask paths> and application_ids.
  const invalid = wrapped('SetApplicationLinkRequestValidationError', 'link', linkCheck, body, maskFields(mask, []));
  if (invalid) throw invalid;
  // Sizes in bytes, before the rights check.
  const max = ctx.config.formatterMaxParameterLength;
  for (const dir of ['up', 'down']) {
    const field = `default_formatters.${dir}_formatter_parameter`;
    const v = getPath(link, field);
    const size = typeof v === 'string' ? Buffer.byteLength(v) : 0;
    if (hasAnyField(mask, field) && size > max) throw formatterScriptTooLarge(field, size, max);
  }
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.SETTINGS_BASIC);
  const { paths, warnings } = removeDeprecatedPaths(mask);
  const integrations = ctx.integrations.of(appId);
  const stored = integrations.link;
  // LinkRegistry.Set: no paths stores nothing and answers the stored link (or an empty one).
  if (paths.length === 0) return ok(stored ? project(stored, LINK_TOP_LEVEL) : {}, warningHeaders(warnings));
  checkLinkPaths(paths);
  const next = setFields(stored ? clone(stored) : {}, link, paths);
  integrations.link = next;
  return ok(project(next, LINK_TOP_LEVEL), warningHeaders(warnings));
}

export function deleteLink(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.SETTINGS_BASIC);
  const integrations = ctx.integrations.peek(appId);
  // Deleting an absent link is no error; the default package associations go too.
  if (integrations) {
    delete integrations.link;
    integrations.defaults.clear();
  }
  return ok({});
}

/** GetLinkStats: v3.32 no longer links to a Network Server (errLinkingNotImplemented, Unimplemented). */
export function getLinkStats(_ctx: SimContext, _req: ApiRequest): Reply {
  throw new SimError(12, 'pkg/applicationserver', 'linking_not_implemented', 'linking is not implemented');
}

/**
 * GetConfiguration: no rights needed. Provider statuses marshal as names, and
 * ENABLED, the enum's zero value, is left out; the webhook health settings of
 * the default config are 0 (threshold, omitted) and a zero Duration ("0s").
 */
export function getAsConfiguration(ctx: SimContext, _req: ApiRequest): Reply {
  const providers: JsonObject = {};
  for (const name of ['mqtt', 'nats'] as const) {
    const status = ctx.config.pubsubProviders[name];
    if (status === 'warning') providers[name] = 'WARNING';
    if (status === 'disabled') providers[name] = 'DISABLED';
  }
  return ok({ configuration: { pubsub: { providers }, webhooks: { unhealthy_retry_interval: '0s' } } });
}

/** GetMQTTConnectionInfo: RIGHT_APPLICATION_INFO; the username is the application's unique ID. */
export function getMqttConnectionInfo(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.INFO);
  const { publicAddress, publicTlsAddress } = ctx.config.mqtt;
  // Proto field order: public_address, public_tls_address, username.
  const info: JsonObject = {};
  if (publicAddress) info.public_address = publicAddress;
  if (publicTlsAddress) info.public_tls_address = publicTlsAddress;
  info.username = uniqueId(ctx.config, appId);
  return ok(info);
}
