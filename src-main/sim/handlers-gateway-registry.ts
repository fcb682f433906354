// GatewayRegistry Create, Update, Delete (pkg/identityserver/gateway_registry.go):
//   POST /users/{user}/gateways, POST /organizations/{org}/gateways   Create
//   PUT  /gateways/{gateway.ids.gateway_id}                          Update
//   DELETE /gateways/{gateway_id}                                    Delete (soft)
import blocklist from './reference/id-blocklist.json' with { type: 'json' };
import { organizationOrUserCheck } from './application-messages.js';
import { type Caller, implied, requireUser } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, requireParam } from './context.js';
import { SimError, idTaken } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { decodeGateway, gatewayCheck } from './gateway-messages.js';
import { gatewayNotFound, hasGatewayRights, requireGateway } from './gateway-rights.js';
import { G, SECRET_FIELDS, present } from './handlers-gateway-read.js';
import { forbiddenId, tenantEntityLimit } from './integration-errors.js';
import { type JsonObject, clone, getPath, hasAnyField, isObject } from './json-path.js';
import { requireOrganization } from './organization-rights.js';
import { setFields } from './set-fields.js';
import { maskFields, wrapped } from './validate.js';

const BLOCKED: ReadonlySet<string> = new Set(blocklist as string[]);

export type Collaborator = { user_ids: { user_id: string } } | { organization_ids: { organization_id: string } };
const accountId = (a: JsonObject): string => String(getPath(a, 'user_ids.user_id') ?? getPath(a, 'organization_ids.organization_id') ?? '');
const isUser = (a: JsonObject): boolean => isObject(a.user_ids);

/** errAdminsCreateGateways. */
const adminsCreateGateways = () =>
  new SimError(7, 'pkg/identityserver', 'admins_create_gateways', 'gateways may only be created by admins, or in organizations');
/** contact_info_registry.go errContactNoCollaborator. */
const contactNoCollaborator = (contact: string) =>
  new SimError(3, 'pkg/identityserver', 'contact_no_collaborator', 'contact `{contact}` is not a collaborator', { contact });

/** errGatewayEUITaken, attributes as createGateway fills them (administrative_contact: its IDString, when set). */
function gatewayEuiTaken(eui: string, existing: JsonObject): SimError {
  const attributes: Record<string, unknown> = { gateway_eui: eui, gateway_id: getPath(existing, 'ids.gateway_id') };
  if (isObject(existing.administrative_contact)) attributes.administrative_contact = accountId(existing.administrative_contact);
  return new SimError(
    6,
    'pkg/identityserver',
    'gateway_eui_taken',
    'a gateway with EUI `{gateway_eui}` is already registered (by you or someone else) as `{gateway_id}`',
    attributes,
  );
}

/**
 * createGateway after the request validator: blocklist, rights of the collaborator (unless
 * `caller` is undefined: seeding), contacts, plan limit, then the store (id before EUI, see README),
 * and the collaborator's RIGHT_ALL membership. Returns the stored record.
 */
export function createGatewayRecord(ctx: SimContext, caller: Caller | undefined, gateway: JsonObject, collaborator: JsonObject): JsonObject {
  const id = getPath(gateway, 'ids.gateway_id') as string;
  if (BLOCKED.has(id)) throw forbiddenId(id);
  if (caller) {
    if (isUser(collaborator)) {
      if (!(caller.kind === 'key' && caller.isAdmin) && !ctx.config.userRightsCreateGateways) throw adminsCreateGateways();
      requireUser(caller, accountId(collaborator), 'RIGHT_USER_GATEWAYS_CREATE');
    } else {
      requireOrganization(caller, accountId(collaborator), 'RIGHT_ORGANIZATION_GATEWAYS_CREATE');
    }
  }
  for (const field of ['administrative_contact', 'technical_contact']) {
    const contact = gateway[field];
    if (!isObject(contact)) gateway[field] = clone(collaborator);
    else if (isUser(contact) !== isUser(collaborator) || accountId(contact) !== accountId(collaborator)) throw contactNoCollaborator(accountId(contact));
  }
  if ((!Array.isArray(gateway.frequency_plan_ids) || gateway.frequency_plan_ids.length === 0) && typeof gateway.frequency_plan_id === 'string') {
    gateway.frequency_plan_ids = [gateway.frequency_plan_id];
  }
  delete gateway.frequency_plan_id;
  // The Cloud's plan limit (closed source): checked before the store, as for applications.
  const max = ctx.config.maxGateways;
  if (max !== undefined && ctx.gateways.liveCount >= max) throw tenantEntityLimit('gateway', max);
  if (ctx.gateways.idTaken(id)) throw idTaken();
  const eui = getPath(gateway, 'ids.eui');
  if (typeof eui === 'string') {
    const holder = ctx.gateways.byEui(eui);
    if (holder) throw gatewayEuiTaken(eui, holder.record);
  }
  const now = nowIso();
  const record: JsonObject = { ...clone(gateway), created_at: now, updated_at: now };
  ctx.gateways.insert(id, record);
  ctx.gateways.setMember(isUser(collaborator) ? 'user' : 'organization', accountId(collaborator), id, implied(['RIGHT_ALL']));
  return record;
}

export function createGateway(ctx: SimContext, req: ApiRequest): Reply {
  const collaborator: JsonObject =
    req.params.user !== undefined
      ? { user_ids: { user_id: req.params.user } }
      : { organization_ids: { organization_id: requireParam(req.params.org, 'collaborator.organization_ids.organization_id') } };
  const gateway = decodeGateway(req.body?.gateway, 'gateway');
  // CreateGatewayRequest.ValidateFields: the gateway, then the collaborator.
  const invalid =
    wrapped('CreateGatewayRequestValidationError', 'gateway', gatewayCheck, gateway ? { gateway } : {}, undefined) ??
    wrapped('CreateGatewayRequestValidationError', 'collaborator', organizationOrUserCheck, { collaborator }, undefined);
  if (invalid) throw invalid;
  const record = createGatewayRecord(ctx, ctx.keys.authenticate(req.authorization), gateway as JsonObject, collaborator);
  return ok(present(record, Object.keys(record)));
}

/** Paths the update drops (cleanFieldMaskPaths with getPaths and frequency_plan_id; contact_info is deprecated). */
const NOT_UPDATED = new Set(['ids', 'ids.gateway_id', 'ids.eui', 'created_at', 'updated_at', 'deleted_at', 'frequency_plan_id', 'contact_info']);

export function updateGateway(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway.ids.gateway_id');
  const rawMask = bodyFieldMask(req.body);
  const gtw = decodeGateway(req.body?.gateway, 'gateway') ?? {};
  gtw.ids = { ...(isObject(gtw.ids) ? gtw.ids : {}), gateway_id: id };
  checkAllowed('GatewayRegistry.Update', rawMask);
  const invalid = wrapped('UpdateGatewayRequestValidationError', 'gateway', gatewayCheck, { gateway: gtw }, maskFields(rawMask));
  if (invalid) throw invalid;
  const caller = ctx.keys.authenticate(req.authorization);
  // SETTINGS_BASIC, or LINK for a mask of only antennas and attributes (HasOnlyAllowedFields).
  if (!hasGatewayRights(ctx, caller, id, G.SETTINGS_BASIC)) {
    const linkOnly = rawMask.every((p) => ['antennas', 'attributes'].some((f) => p === f || p.startsWith(`${f}.`)));
    if (!(hasGatewayRights(ctx, caller, id, G.LINK) && linkOnly)) requireGateway(ctx, caller, id, G.SETTINGS_BASIC);
  }
  let mask = [...rawMask];
  if (hasAnyField(mask, 'frequency_plan_id') && !hasAnyField(mask, 'frequency_plan_ids')) mask.push('frequency_plan_ids');
  if ((!Array.isArray(gtw.frequency_plan_ids) || gtw.frequency_plan_ids.length === 0) && typeof gtw.frequency_plan_id === 'string') {
    gtw.frequency_plan_ids = [gtw.frequency_plan_id];
  }
  mask = [...new Set(mask.filter((p) => !NOT_UPDATED.has(p)))];
  // FlattenPaths: a contact is replaced whole.
  mask = [...new Set(mask.map((p) => (p.startsWith('administrative_contact.') ? 'administrative_contact' : p.startsWith('technical_contact.') ? 'technical_contact' : p)))];
  for (const f of SECRET_FIELDS) if (hasAnyField(mask, f)) requireGateway(ctx, caller, id, G.WRITE_SECRETS);
  const row = ctx.gateways.get(id);
  if (!row) throw gatewayNotFound(id);
  for (const field of ['administrative_contact', 'technical_contact']) {
    const contact = gtw[field];
    if (!mask.includes(field) || !isObject(contact)) continue;
    const kind = isUser(contact) ? 'user' : 'organization';
    if (!ctx.gateways.memberRights(kind, accountId(contact), id)) throw contactNoCollaborator(accountId(contact));
  }
  const next = setFields(clone(row.record), gtw, mask);
  next.updated_at = nowIso();
  row.record = next;
  return ok(present(next, [...mask, 'ids', 'created_at', 'updated_at']));
}

export function deleteGateway(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_id');
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), id, G.DELETE);
  if (!ctx.gateways.get(id)) throw gatewayNotFound(id);
  ctx.gateways.softDelete(id, nowIso());
  return ok({});
}
