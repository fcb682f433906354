// ApplicationWebhookRegistry (pkg/applicationserver/io/web/grpc_webhooks.go,
// io/web/redis/registry.go, templates.go, format*.go):
//   GET  /as/webhooks/{app}[?field_mask]          List (TRAFFIC_READ)
//   GET  /as/webhooks/{app}/{id}                  Get (TRAFFIC_READ)
//   POST /as/webhooks/{app}, PUT .../{id}         Set (SETTINGS_BASIC + TRAFFIC_READ + TRAFFIC_DOWN_WRITE)
//   DELETE /as/webhooks/{app}/{id}                Delete (same rights; an absent webhook is no error)
//   GET  /as/webhook-templates[/{id}], /as/webhook-formats (no rights)
import { WEBHOOK_ONEOFS, WEBHOOK_SCHEMA, webhookCheck } from './as-messages.js';
import { R, requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, queryFieldMask, requireParam } from './context.js';
import { registryNotFound } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { templateFetchFailed } from './integration-errors.js';
import type { JsonObject } from './json-path.js';
import { decodeMessage } from './message-codec.js';
import { type RegistrySpec, registryGets, registrySet } from './registry-set.js';
import { project } from './set-fields.js';
import { idRule, maskFields, message, nested, wrapped } from './validate.js';
import { WEBHOOK_TEMPLATES } from './webhook-templates.js';

const WRITE_RIGHTS = [R.SETTINGS_BASIC, R.TRAFFIC_READ, R.TRAFFIC_DOWN_WRITE];
/** grpc_webhooks.go appendImplicitWebhookGetPaths. */
const RPC_GETS = ['base_url', 'format'];

const SPEC: RegistrySpec = {
  namespace: 'pkg/applicationserver/io/web/redis',
  readOnly: ['ids.application_ids.application_id', 'ids.webhook_id'],
  createPaths: ['ids.application_ids', 'ids.webhook_id'],
  prohibitTimestamps: false,
  check: webhookCheck,
  oneofs: WEBHOOK_ONEOFS,
};

const idsCheck = message('ApplicationWebhookIdentifiersValidationError', {
  application_ids: nested('ApplicationWebhookIdentifiersValidationError', 'application_ids', message('ApplicationIdentifiersValidationError', {
    application_id: idRule('application_id'),
  }), true),
  webhook_id: idRule('webhook_id'),
});

/** The identifiers of a path, validated as the request validator does (`ids`, or the identifiers themselves). */
function webhookIds(req: ApiRequest, wrapper?: string): { appId: string; id: string } {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const id = requireParam(req.params.id, 'webhook_id');
  const ids: JsonObject = { application_ids: { application_id: appId }, webhook_id: id };
  const invalid = wrapper ? wrapped(wrapper, 'ids', idsCheck, { ids }, undefined) : idsCheck(ids, undefined);
  if (invalid) throw invalid;
  return { appId, id };
}

export function listWebhooks(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationWebhookRegistry.List', mask);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.TRAFFIC_READ);
  const gets = registryGets(RPC_GETS, mask);
  const stored = ctx.integrations.peek(appId)?.webhooks ?? new Map<string, JsonObject>();
  // Redis set order is arbitrary; the simulator lists by id.
  const webhooks = [...stored.keys()].sort().map((id) => project(stored.get(id) as JsonObject, gets, WEBHOOK_ONEOFS));
  return ok(webhooks.length > 0 ? { webhooks } : {}, { 'X-Total-Count': String(webhooks.length) });
}

export function getWebhook(ctx: SimContext, req: ApiRequest): Reply {
  const mask = queryFieldMask(req.query);
  // The validator middleware: field mask paths, then the request's fields.
  checkAllowed('ApplicationWebhookRegistry.Get', mask);
  const { appId, id } = webhookIds(req, 'GetApplicationWebhookRequestValidationError');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.TRAFFIC_READ);
  const stored = ctx.integrations.peek(appId)?.webhooks.get(id);
  if (!stored) throw registryNotFound();
  return ok(project(stored, registryGets(RPC_GETS, mask), WEBHOOK_ONEOFS));
}

export function setWebhook(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'webhook.ids.application_ids.application_id');
  // grpc-gateway decodes the body, then the validator checks the mask and the fields.
  const mask = bodyFieldMask(req.body);
  const webhook = decodeMessage(WEBHOOK_SCHEMA, req.body?.webhook, 'webhook') ?? {};
  checkAllowed('ApplicationWebhookRegistry.Set', mask);
  // Path parameters win over the body (grpc-gateway PopulateFieldFromPath).
  const ids = (webhook.ids as JsonObject | undefined) ?? {};
  ids.application_ids = { application_id: appId };
  if (req.params.id !== undefined) ids.webhook_id = req.params.id;
  webhook.ids = ids;
  const invalid = wrapped('SetApplicationWebhookRequestValidationError', 'webhook', webhookCheck, { webhook }, maskFields(mask));
  if (invalid) throw invalid;
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...WRITE_RIGHTS);
  const id = typeof ids.webhook_id === 'string' ? ids.webhook_id : '';
  const registry = ctx.integrations.of(appId).webhooks;
  const { next, reply } = registrySet(SPEC, registry.get(id), webhook, mask, registryGets(RPC_GETS, mask), nowIso());
  if (next) registry.set(id, next);
  return ok(reply);
}

export function deleteWebhook(ctx: SimContext, req: ApiRequest): Reply {
  const { appId, id } = webhookIds(req);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...WRITE_RIGHTS);
  ctx.integrations.peek(appId)?.webhooks.delete(id);
  return ok({});
}

/** GetFormats: the formats the AS marshals webhook bodies in (format_json.go, format_protobuf.go). */
export function webhookFormats(_ctx: SimContext, _req: ApiRequest): Reply {
  return ok({ formats: { json: 'JSON', protobuf: 'Protocol Buffers' } });
}

/** templates.go appendImplicitWebhookTemplatePaths: `ids` and `name`, plus the mask. */
const templateGets = (mask: readonly string[]) => ['ids', 'name', ...mask];

export function listWebhookTemplates(_ctx: SimContext, req: ApiRequest): Reply {
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationWebhookRegistry.ListTemplates', mask);
  return ok({ templates: WEBHOOK_TEMPLATES.map((t) => project(t, templateGets(mask))) });
}

export function getWebhookTemplate(_ctx: SimContext, req: ApiRequest): Reply {
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationWebhookRegistry.GetTemplate', mask);
  const id = requireParam(req.params.id, 'ids.template_id');
  const invalid = wrapped('GetApplicationWebhookTemplateRequestValidationError', 'ids', message('ApplicationWebhookTemplateIdentifiersValidationError', {
    template_id: idRule('template_id'),
  }), { ids: { template_id: id } }, undefined);
  if (invalid) throw invalid;
  const template = WEBHOOK_TEMPLATES.find((t) => (t.ids as JsonObject).template_id === id);
  if (!template) throw templateFetchFailed(id);
  return ok(project(template, templateGets(mask)));
}
