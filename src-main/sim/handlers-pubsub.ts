// ApplicationPubSubRegistry (pkg/applicationserver/io/pubsub/grpc_pubsub.go,
// providers.go, io/pubsub/redis/registry.go, observability.go):
//   GET  /as/pubsub/{app}, GET .../{id}          List, Get (TRAFFIC_READ)
//   POST /as/pubsub/{app}, PUT .../{id}          Set (SETTINGS_BASIC + TRAFFIC_READ + TRAFFIC_DOWN_WRITE)
//   DELETE /as/pubsub/{app}/{id}                 Delete (same rights)
//   GET  /as/pubsub-formats                      GetFormats (no rights)
import { PUBSUB_ONEOFS, PUBSUB_SCHEMA, pubsubCheck } from './as-messages.js';
import { R, requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, queryFieldMask, requireParam } from './context.js';
import { registryNotFound } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { providerDisabled, rpcRecovered } from './integration-errors.js';
import type { JsonObject } from './json-path.js';
import { decodeMessage } from './message-codec.js';
import { type RegistrySpec, registryGets, registrySet } from './registry-set.js';
import { project } from './set-fields.js';
import { idRule, maskFields, message, nested, wrapped } from './validate.js';

const WRITE_RIGHTS = [R.SETTINGS_BASIC, R.TRAFFIC_READ, R.TRAFFIC_DOWN_WRITE];
/** grpc_pubsub.go appendImplicitPubSubGetPaths. */
const RPC_GETS = ['format', 'provider', 'base_topic'];

const SPEC: RegistrySpec = {
  namespace: 'pkg/applicationserver/io/pubsub/redis',
  readOnly: ['ids.application_ids.application_id', 'ids.pub_sub_id'],
  createPaths: ['ids.application_ids', 'ids.pub_sub_id'],
  prohibitTimestamps: true,
  check: pubsubCheck,
  oneofs: PUBSUB_ONEOFS,
};

const IDS = 'ApplicationPubSubIdentifiersValidationError';
const idsCheck = message(IDS, {
  application_ids: nested(IDS, 'application_ids', message('ApplicationIdentifiersValidationError', { application_id: idRule('application_id') }), true),
  pub_sub_id: idRule('pub_sub_id'),
});

function pubsubIds(req: ApiRequest, wrapper?: string): { appId: string; id: string; ids: JsonObject } {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const id = requireParam(req.params.id, 'pub_sub_id');
  const ids: JsonObject = { application_ids: { application_id: appId }, pub_sub_id: id };
  const invalid = wrapper ? wrapped(wrapper, 'ids', idsCheck, { ids }, undefined) : idsCheck(ids, undefined);
  if (invalid) throw invalid;
  return { appId, id, ids };
}

/** The provider's Go type suffix, as errProviderDisabled and the warnings name it. */
function providerOf(pubsub: JsonObject): { key: 'mqtt' | 'nats' | 'aws_iot'; name: string } | undefined {
  if (pubsub.mqtt !== undefined) return { key: 'mqtt', name: 'Mqtt' };
  if (pubsub.nats !== undefined) return { key: 'nats', name: 'Nats' };
  if (pubsub.aws_iot !== undefined) return { key: 'aws_iot', name: 'AwsIot' };
  return undefined;
}

/**
 * ProviderStatuses.Enabled: an unlisted provider is enabled; WARNING adds a
 * warning (the X-Warning header); DISABLED is provider_disabled.
 */
function providerStatus(ctx: SimContext, pubsub: JsonObject, warnings: string[]): void {
  const p = providerOf(pubsub);
  // reflect.TypeOf(nil).String() panics: a Set without a provider is a recovered panic.
  if (!p) throw rpcRecovered();
  const status = p.key === 'aws_iot' ? undefined : ctx.config.pubsubProviders[p.key];
  if (status === 'disabled') throw providerDisabled(p.name);
  if (status === 'warning') warnings.push(`The ${p.name} Pub/Sub provider will be disabled in a future version of the stack`);
}

const warningHeaders = (warnings: readonly string[]) => (warnings.length > 0 ? { 'X-Warning': [...new Set(warnings)].join(', ') } : undefined);
const idsData = (ids: JsonObject): JsonObject => ({ '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationPubSubIdentifiers', ...ids });

export function listPubSubs(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationPubSubRegistry.List', mask);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.TRAFFIC_READ);
  const stored = ctx.integrations.peek(appId)?.pubsubs ?? new Map<string, JsonObject>();
  const gets = registryGets(RPC_GETS, mask);
  const warnings: string[] = [];
  const pubsubs = [...stored.keys()].sort().map((id) => {
    const p = stored.get(id) as JsonObject;
    // List ignores disabled providers (the error is dropped), warnings stay.
    try {
      providerStatus(ctx, p, warnings);
    } catch {
      // ignored, as `_ = ps.providerStatuses.Enabled(...)`
    }
    return project(p, gets, PUBSUB_ONEOFS);
  });
  return ok(pubsubs.length > 0 ? { pubsubs } : {}, warningHeaders(warnings));
}

export function getPubSub(ctx: SimContext, req: ApiRequest): Reply {
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationPubSubRegistry.Get', mask);
  const { appId, id } = pubsubIds(req, 'GetApplicationPubSubRequestValidationError');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.TRAFFIC_READ);
  const stored = ctx.integrations.peek(appId)?.pubsubs.get(id);
  if (!stored) throw registryNotFound();
  const pubsub = project(stored, registryGets(RPC_GETS, mask), PUBSUB_ONEOFS);
  const warnings: string[] = [];
  providerStatus(ctx, pubsub, warnings);
  return ok(pubsub, warningHeaders(warnings));
}

export function setPubSub(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'pubsub.ids.application_ids.application_id');
  const mask = bodyFieldMask(req.body);
  const pubsub = decodeMessage(PUBSUB_SCHEMA, req.body?.pubsub, 'pubsub') ?? {};
  checkAllowed('ApplicationPubSubRegistry.Set', mask);
  const ids = (pubsub.ids as JsonObject | undefined) ?? {};
  ids.application_ids = { application_id: appId };
  if (req.params.id !== undefined) ids.pub_sub_id = req.params.id;
  pubsub.ids = ids;
  const invalid = wrapped('SetApplicationPubSubRequestValidationError', 'pubsub', pubsubCheck, { pubsub }, maskFields(mask));
  if (invalid) throw invalid;
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...WRITE_RIGHTS);
  // The provider of the request, not of the stored pub/sub, is checked.
  const warnings: string[] = [];
  providerStatus(ctx, pubsub, warnings);
  const id = typeof ids.pub_sub_id === 'string' ? ids.pub_sub_id : '';
  const registry = ctx.integrations.of(appId).pubsubs;
  const { next, reply } = registrySet(SPEC, registry.get(id), pubsub, mask, registryGets(RPC_GETS, mask), nowIso());
  if (next) registry.set(id, next);
  ctx.bus.publishApplication('as.pubsub.set', appId, {
    data: idsData({ application_ids: { application_id: appId }, pub_sub_id: id }),
    visibility: R.SETTINGS_BASIC,
  });
  return ok(reply, warningHeaders(warnings));
}

export function deletePubSub(ctx: SimContext, req: ApiRequest): Reply {
  const { appId, id, ids } = pubsubIds(req);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...WRITE_RIGHTS);
  ctx.integrations.peek(appId)?.pubsubs.delete(id);
  ctx.bus.publishApplication('as.pubsub.delete', appId, { data: idsData(ids), visibility: R.SETTINGS_BASIC });
  return ok({});
}

/** GetFormats: only JSON (format_json.go). */
export function pubsubFormats(_ctx: SimContext, _req: ApiRequest): Reply {
  return ok({ formats: { json: 'JSON' } });
}
