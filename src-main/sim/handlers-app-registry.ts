// ApplicationRegistry Create, Update and List (pkg/identityserver/application_registry.go):
//   POST /users/{user}/applications, POST /organizations/{org}/applications   Create
//   PUT  /applications/{app}                                                  Update (SETTINGS_BASIC)
//   GET  /applications, /users/{user}/applications, /organizations/{org}/applications   List
import blocklist from './reference/id-blocklist.json' with { type: 'json' };
import { APPLICATION_SCHEMA, applicationCheck, organizationOrUserCheck } from './application-messages.js';
import { type Caller, R, implied, requireApplication, requireUser, sortRights } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, queryFieldMask, requireParam } from './context.js';
import { SimError, applicationNotFound, idTaken, unauthenticated } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { forbiddenId, tenantEntityLimit } from './integration-errors.js';
import { type JsonObject, clone, getPath, isObject, pick } from './json-path.js';
import { decodeMessage } from './message-codec.js';
import { requireOrganization } from './organization-rights.js';
import { setFields } from './set-fields.js';
import { maskFields, wrapped } from './validate.js';

const BLOCKED: ReadonlySet<string> = new Set(blocklist as string[]);

/** ttnpb.PublicApplicationFields (pkg/ttnpb/public.go), sub-paths included (HasOnlyAllowedFields). */
const PUBLIC_APPLICATION_FIELDS = ['ids', 'created_at', 'updated_at', 'deleted_at', 'contact_info', 'administrative_contact', 'technical_contact'];
export const isPublicApplicationPath = (p: string): boolean => PUBLIC_APPLICATION_FIELDS.some((f) => p === f || p.startsWith(`${f}.`));

/** The collaborator of a create or list: from the path. */
type Account = { user_ids: { user_id: string } } | { organization_ids: { organization_id: string } };

function accountOf(req: ApiRequest): Account {
  if (req.params.user !== undefined) return { user_ids: { user_id: req.params.user } };
  return { organization_ids: { organization_id: requireParam(req.params.org, 'collaborator.organization_ids.organization_id') } };
}
const accountId = (a: JsonObject | Account): string => {
  const v = getPath(a as JsonObject, 'user_ids.user_id') ?? getPath(a as JsonObject, 'organization_ids.organization_id');
  return typeof v === 'string' ? v : '';
};
const isUser = (a: JsonObject | Account): boolean => isObject((a as JsonObject).user_ids);

/** contact_info_registry.go errContactNoCollaborator. */
const contactNoCollaborator = (contact: string) =>
  new SimError(3, 'pkg/identityserver', 'contact_no_collaborator', 'contact `{contact}` is not a collaborator', { contact });

export function createApplication(ctx: SimContext, req: ApiRequest): Reply {
  const collaborator = accountOf(req);
  const app = decodeMessage(APPLICATION_SCHEMA, req.body?.application, 'application');
  // CreateApplicationRequest.ValidateFields: the whole application and the collaborator.
  const invalid =
    wrapped('CreateApplicationRequestValidationError', 'application', applicationCheck, app ? { application: app } : {}, undefined) ??
    wrapped('CreateApplicationRequestValidationError', 'collaborator', organizationOrUserCheck, { collaborator }, undefined);
  if (invalid) throw invalid;
  const application = app as JsonObject;
  const appId = getPath(application, 'ids.application_id') as string;
  if (BLOCKED.has(appId)) throw forbiddenId(appId);
  const caller = ctx.keys.authenticate(req.authorization);
  // UserRights.CreateApplications is true in the default config, so users may create.
  if (isUser(collaborator)) requireUser(caller, accountId(collaborator), R.USER_APPLICATIONS_CREATE);
  else requireOrganization(caller, accountId(collaborator), R.ORGANIZATION_APPLICATIONS_CREATE);
  // Contacts default to the collaborator; others must be the collaborator.
  for (const field of ['administrative_contact', 'technical_contact']) {
    const contact = application[field];
    if (!isObject(contact)) application[field] = clone(collaborator as unknown as JsonObject);
    else if (isUser(contact) !== isUser(collaborator) || accountId(contact) !== accountId(collaborator)) throw contactNoCollaborator(accountId(contact));
  }
  // The Cloud's plan limit (closed source: checked here, before the store).
  const max = ctx.config.maxApplications;
  if (max !== undefined && ctx.store.apps.size >= max) throw tenantEntityLimit('application', max);
  if (ctx.store.app(appId)) throw idTaken();
  const now = nowIso();
  const record: JsonObject = { ids: { application_id: appId }, created_at: now, updated_at: now };
  for (const [k, v] of Object.entries(application)) if (k !== 'ids') record[k] = v;
  ctx.store.addApplication(appId, record);
  // The collaborator gets RIGHT_ALL on the new application (st.SetMember).
  const all = implied(['RIGHT_ALL']);
  if (isUser(collaborator)) ctx.keys.ensureUser(accountId(collaborator)).applications.set(appId, all);
  else ctx.keys.orgs.get(accountId(collaborator))?.applications.set(appId, all);
  ctx.bus.publishApplication('application.create', appId, { visibility: R.INFO });
  return ok(clone(record));
}

export function updateApplication(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application.ids.application_id');
  const rawMask = bodyFieldMask(req.body);
  const app = decodeMessage(APPLICATION_SCHEMA, req.body?.application, 'application') ?? {};
  app.ids = { application_id: appId };
  checkAllowed('ApplicationRegistry.Update', rawMask);
  const invalid = wrapped('UpdateApplicationRequestValidationError', 'application', applicationCheck, { application: app }, maskFields(rawMask));
  if (invalid) throw invalid;
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.SETTINGS_BASIC);
  // cleanFieldMaskPaths drops ids and timestamps; an empty mask updates nothing but updated_at.
  const mask = rawMask.filter((p) => !['ids', 'ids.application_id', 'created_at', 'updated_at', 'deleted_at', 'contact_info'].includes(p));
  const stored = ctx.store.app(appId);
  if (!stored) throw applicationNotFound(appId);
  for (const field of ['administrative_contact', 'technical_contact']) {
    const contact = getPath(app, field);
    if (!mask.some((p) => p === field || p.startsWith(`${field}.`)) || !isObject(contact)) continue;
    if (!isCollaborator(ctx, contact, appId)) throw contactNoCollaborator(accountId(contact));
  }
  const next = setFields(clone(stored.record), app, mask);
  next.updated_at = nowIso();
  stored.record = next;
  ctx.bus.publishApplication('application.update', appId, {
    visibility: R.INFO,
    data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: mask.length > 0 ? mask : ['updated_at'] },
  });
  return ok(pick(next, [...mask, 'ids', 'created_at', 'updated_at']));
}

/** A direct member of the application (st.GetMember). */
function isCollaborator(ctx: SimContext, account: JsonObject, appId: string): boolean {
  const id = accountId(account);
  if (isUser(account)) return ctx.keys.user(id)?.applications.has(appId) ?? false;
  return ctx.keys.orgs.get(id)?.applications.has(appId) ?? false;
}

/**
 * ApplicationAccess.ListCollaborators (application_access.go): any authenticated
 * caller; without SETTINGS_COLLABORATORS only the ids (Collaborators.PublicSafe).
 */
export function listCollaborators(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const caller = ctx.keys.authenticate(req.authorization);
  if (caller.kind === 'none') throw unauthenticated();
  let full = true;
  try {
    requireApplication(caller, appId, 'RIGHT_APPLICATION_SETTINGS_COLLABORATORS');
  } catch {
    full = false;
  }
  if (!ctx.store.app(appId)) throw applicationNotFound(appId);
  const collaborators: JsonObject[] = [];
  for (const [userId, rights] of ctx.keys.usersOf(appId)) collaborators.push({ ids: { user_ids: { user_id: userId } }, rights: compactRights(rights) });
  for (const [orgId, rights] of ctx.keys.organizationsOf(appId)) {
    collaborators.push({ ids: { organization_ids: { organization_id: orgId } }, rights: compactRights(rights) });
  }
  const out = collaborators.map((c) => (full ? c : { ids: c.ids as JsonObject }));
  return ok(out.length > 0 ? { collaborators: out } : {}, { 'X-Total-Count': String(out.length) });
}

/** The smallest set of rights that implies the given ones (`RIGHT_ALL` for a creator). */
export function compactRights(rights: ReadonlySet<string>): string[] {
  const all = [...rights];
  return sortRights(all.filter((r) => !all.some((s) => s !== r && implied([s]).has(r))));
}

/** The applications an account collaborates on; with `indirect`, a user's through its organizations too. */
function memberships(ctx: SimContext, account: Account, indirect: boolean): string[] {
  const id = accountId(account);
  const out = new Set<string>();
  if (isUser(account)) {
    for (const appId of ctx.keys.user(id)?.applications.keys() ?? []) out.add(appId);
    if (indirect) for (const [org] of ctx.keys.orgs.memberships(id)) for (const appId of org.applications.keys()) out.add(appId);
  } else {
    for (const appId of ctx.keys.orgs.get(id)?.applications.keys() ?? []) out.add(appId);
  }
  return [...out].filter((appId) => ctx.store.app(appId));
}

/** The caller's own account (AuthInfo.GetOrganizationOrUserIdentifiers), if a user or organization key. */
export function callerAccount(caller: Caller): Account | undefined {
  if (caller.kind !== 'key') return undefined;
  const owner = caller.key.owner;
  if (owner.type === 'user') return { user_ids: { user_id: owner.id } };
  if (owner.type === 'organization') return { organization_ids: { organization_id: owner.id } };
  return undefined;
}

/** INFO through the caller's memberships (not the key) or universal rights: full details, else PublicSafe. */
function seesDetails(ctx: SimContext, caller: Caller, appId: string): boolean {
  if (caller.kind !== 'key') return false;
  if (caller.universal?.has(R.INFO)) return true;
  const owner = caller.key.owner;
  if (owner.type === 'user') {
    return (ctx.keys.user(owner.id)?.applications.get(appId)?.has(R.INFO) ?? false) || ctx.keys.orgs.userRightsViaOrganizations(owner.id, appId).has(R.INFO);
  }
  if (owner.type === 'organization') return ctx.keys.orgs.get(owner.id)?.applications.get(appId)?.has(R.INFO) ?? false;
  return false;
}

/**
 * listApplications: the collaborator's applications (the caller's own, with
 * indirect memberships, when the path names none), after RequireUser /
 * RequireOrganization of the *_APPLICATIONS_LIST right.
 */
export function listApplicationsOf(
  ctx: SimContext,
  req: ApiRequest,
  paging: { limit: number; page: number; order: string },
  pathAccount: boolean,
): Reply {
  const mask = queryFieldMask(req.query);
  const caller = ctx.keys.authenticate(req.authorization);
  const account = pathAccount ? accountOf(req) : callerAccount(caller);
  if (!account) return ok({});
  if (isUser(account)) requireUser(caller, accountId(account), R.USER_APPLICATIONS_LIST);
  else requireOrganization(caller, accountId(account), R.ORGANIZATION_APPLICATIONS_LIST);
  const field = paging.order.replace(/^-/, '');
  const key = (id: string): string => {
    if (field === '' || field === 'application_id') return id;
    const v = ctx.store.app(id)?.record[field];
    return typeof v === 'string' ? v : '';
  };
  const ids = memberships(ctx, account, !pathAccount).sort();
  ids.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (paging.order.startsWith('-')) ids.reverse();
  const applications: JsonObject[] = [];
  for (const id of ids.slice((paging.page - 1) * paging.limit, paging.page * paging.limit)) {
    const record = ctx.store.app(id)?.record;
    if (!record) continue;
    const paths = [...mask, 'ids', 'created_at', 'updated_at'];
    applications.push(pick(record, seesDetails(ctx, caller, id) ? paths : paths.filter(isPublicApplicationPath)));
  }
  return ok(applications.length > 0 ? { applications } : {}, { 'X-Total-Count': String(ids.length) });
}
