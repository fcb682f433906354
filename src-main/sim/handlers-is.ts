// Identity Server routes: auth_info, applications and the end-device registry
// (pkg/identityserver/{entity_access,application_registry,end_device_registry}.go).
import { APPLICATION_RIGHTS, R, listApplicationRights, requireApplication, rightsOn, sortRights } from './auth.js';
import { isPublicApplicationPath, listApplicationsOf } from './handlers-app-registry.js';
import { getHost } from './addresses.js';
import { normalizeDevice } from './codec.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, present, queryFieldMask, requireParam } from './context.js';
import {
  SimError,
  applicationNotFound,
  endDeviceNotFound,
  euisTaken,
  idTaken,
  serverAddressMismatch,
  unauthenticated,
  validation,
} from './errors.js';
import { IS_SETTABLE_TOP_LEVEL, allowedPaths, checkAllowed } from './fieldmask-rules.js';
import { type JsonObject, clone, deletePath, getPath, isObject, pick, setPath } from './json-path.js';

const LIST_ORDERS = new Set([
  '', 'device_id', '-device_id', 'join_eui', '-join_eui', 'dev_eui', '-dev_eui', 'name', '-name',
  'description', '-description', 'created_at', '-created_at', 'last_seen_at', '-last_seen_at',
]);

function caller(ctx: SimContext, req: ApiRequest) {
  return ctx.keys.authenticate(req.authorization);
}

/** EntityAccess.AuthInfo (entity_access.go authInfo). */
export function authInfo(ctx: SimContext, req: ApiRequest): Reply {
  const c = caller(ctx, req);
  // An unauthenticated request gets an empty AuthInfoResponse, not an error.
  if (c.kind === 'none') return ok({});
  const k = c.key;
  const entityIds: JsonObject =
    k.owner.type === 'application'
      ? { application_ids: { application_id: k.owner.id } }
      : k.owner.type === 'organization'
        ? { organization_ids: { organization_id: k.owner.id } }
        : k.owner.type === 'gateway'
          ? { gateway_ids: { gateway_id: k.owner.id } }
          : { user_ids: { user_id: k.owner.id } };
  const body: JsonObject = {
    api_key: {
      api_key: { id: k.id, rights: sortRights(c.rights), created_at: k.createdAt, updated_at: k.createdAt },
      entity_ids: entityIds,
    },
  };
  // universal_rights is a Rights message: absent unless set; `{}` when set but empty (restricted users).
  if (c.universal) body.universal_rights = c.universal.size > 0 ? { rights: sortRights(c.universal) } : {};
  if (c.isAdmin) body.is_admin = true;
  return ok(body);
}

/** ApplicationRegistry.Get (application_registry.go getApplication). */
export function getApplication(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('ApplicationRegistry.Get', mask);
  const c = caller(ctx, req);
  if (c.kind === 'none') throw unauthenticated();
  // Without INFO, only the public fields may be read (ttnpb.PublicApplicationFields,
  // HasOnlyAllowedFields), and the answer is PublicSafe. So a missing application is
  // 403 no_application_rights to a non-admin, unless the mask is public-only: 404.
  const info = rightsOn(c, appId).has(R.INFO);
  if (!info && !mask.every(isPublicApplicationPath)) requireApplication(c, appId, R.INFO);
  const app = ctx.store.app(appId);
  if (!app) throw applicationNotFound(appId);
  const paths = [...mask, 'ids', 'created_at', 'updated_at'];
  return ok(pick(app.record, info ? paths : paths.filter(isPublicApplicationPath)));
}

/**
 * ApplicationAccess.ListRights (application_access.go listApplicationRights,
 * pkg/auth/rights/list.go ListApplication): the caller's rights on the
 * application, only application rights; no rights is `{}`, not an error.
 */
export function listRights(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const c = caller(ctx, req);
  if (c.kind === 'none') throw unauthenticated();
  const rights = [...listApplicationRights(c, appId)].filter((r) => r in APPLICATION_RIGHTS);
  return ok(rights.length > 0 ? { rights: sortRights(rights) } : {});
}

const APPLICATION_ORDERS = new Set(['', 'application_id', '-application_id', 'name', '-name', 'created_at', '-created_at']);

/**
 * ApplicationRegistry.List (application_registry.go listApplications): the
 * applications the calling user or organization collaborates on, directly or
 * through organizations (admins too: their universal rights do not list other
 * applications), which needs *_APPLICATIONS_LIST on the account; paged, with
 * X-Total-Count. An application key (or no key) is neither user nor organization: `{}`.
 */
export function listApplications(ctx: SimContext, req: ApiRequest): Reply {
  checkAllowed('ApplicationRegistry.List', queryFieldMask(req.query));
  return listApplicationsOf(ctx, req, listParams(req.query, APPLICATION_ORDERS), false);
}

/** GET /users/{user}/applications, /organizations/{org}/applications: that account's direct memberships. */
export function listCollaboratorApplications(ctx: SimContext, req: ApiRequest): Reply {
  checkAllowed('ApplicationRegistry.List', queryFieldMask(req.query));
  return listApplicationsOf(ctx, req, listParams(req.query, APPLICATION_ORDERS), true);
}

/** A List request's paging and order, validated as the IS does: `limit` above 1000 is an error, 0 means 100; `page` 0 means 1. */
export function listParams(query: URLSearchParams, orders: ReadonlySet<string>): { limit: number; page: number; order: string } {
  const limit = uintParam(query, 'limit');
  if (limit > 1000) throw validation('limit', 'value must be less than or equal to 1000');
  const page = Math.max(1, uintParam(query, 'page'));
  const order = query.get('order') ?? '';
  if (!orders.has(order)) throw validation('order', `value must be in list [${[...orders].join(' ')}]`);
  return { limit: limit === 0 ? 100 : limit, page, order }; // 100: the IS's default pagination limit
}

function uintParam(query: URLSearchParams, name: string): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return 0;
  if (!/^\d+$/.test(raw)) {
    throw new SimError(3, '', '', `parsing field "${name}": strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`, {}, true);
  }
  return Number(raw);
}

export function listDevices(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('EndDeviceRegistry.List', mask);
  const { limit, page, order } = listParams(req.query, LIST_ORDERS);
  requireApplication(caller(ctx, req), appId, R.DEVICES_READ);
  const app = ctx.store.app(appId);
  if (!app) return ok({}, { 'X-Total-Count': '0' });
  const ids = ctx.store.ordered(app, order);
  const devices: JsonObject[] = [];
  const end = Math.min(ids.length, page * limit);
  for (let i = (page - 1) * limit; i < end; i++) {
    const record = app.is.get(ids[i] as string);
    if (record) devices.push(present(record, mask));
  }
  return ok(devices.length > 0 ? { end_devices: devices } : {}, { 'X-Total-Count': String(ids.length) });
}

export function getDevice(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  const mask = queryFieldMask(req.query);
  checkAllowed('EndDeviceRegistry.Get', mask);
  requireApplication(caller(ctx, req), appId, R.DEVICES_READ);
  const record = ctx.store.app(appId)?.is.get(devId);
  if (!record) throw endDeviceNotFound(appId, devId);
  return ok(present(record, mask));
}

/** end_device_registry.go validateEndDeviceServerAddressMatch: each address set on both sides must name the same host. */
function checkServerAddresses(app: JsonObject, dev: JsonObject): void {
  for (const kind of ['network', 'application', 'join'] as const) {
    const field = `${kind}_server_address`;
    const expected = app[field];
    const given = dev[field];
    if (typeof expected === 'string' && expected !== '' && typeof given === 'string' && given !== '' && getHost(expected) !== getHost(given)) {
      throw serverAddressMismatch(kind, given, expected);
    }
  }
}

export function createDevice(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const dev = normalizeDevice(req.body?.end_device);
  const ids = isObject(dev.ids) ? dev.ids : {};
  ids.application_ids = { application_id: appId };
  delete ids.dev_addr; // not stored by the IS
  dev.ids = ids;
  const deviceId = ids.device_id;
  if (typeof deviceId !== 'string') throw validation('ids.device_id', 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"');
  // Stricter than the real IS, which silently drops fields it does not store:
  // a client sending NS/JS/AS fields here would lose them without notice.
  const foreign = Object.keys(dev).filter((k) => k !== 'ids' && !IS_SETTABLE_TOP_LEVEL.has(k));
  if (foreign.length > 0) {
    throw new SimError(3, 'pkg/sim', 'fields_not_stored_by_identity_server', 'the Identity Server does not store field(s) `{fields}`', {
      fields: foreign,
    });
  }
  requireApplication(caller(ctx, req), appId, R.DEVICES_WRITE);
  const app = ctx.store.app(appId);
  if (!app) throw applicationNotFound(appId);
  checkServerAddresses(app.record, dev);
  if (app.is.has(deviceId)) throw idTaken();
  const join = ids.join_eui;
  const devEui = ids.dev_eui;
  if (typeof join === 'string' && typeof devEui === 'string') {
    const owner = ctx.store.euiOwner(join, devEui);
    if (owner) throw euisTaken(join, devEui, owner.deviceId, owner.applicationId);
  }
  const now = nowIso();
  dev.created_at = now;
  dev.updated_at = now;
  ctx.store.putIs(app, deviceId, dev);
  ctx.bus.publish('end_device.create', refOf(appId, deviceId, dev));
  return ok(clone(dev));
}

export function updateDevice(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  let mask = bodyFieldMask(req.body);
  checkAllowed('EndDeviceRegistry.Update', mask);
  const dev = normalizeDevice(req.body?.end_device ?? {});
  requireApplication(caller(ctx, req), appId, R.DEVICES_WRITE);
  // An empty mask updates every updatable field.
  if (mask.length === 0) mask = [...allowedPaths('EndDeviceRegistry.Update')];
  // activated_at may not be unset once set.
  if (getPath(dev, 'activated_at') === undefined) mask = mask.filter((p) => p !== 'activated_at');
  const app = ctx.store.app(appId);
  const stored = app?.is.get(devId);
  if (!app || !stored) throw endDeviceNotFound(appId, devId);
  const next = clone(stored);
  for (const p of [...mask].sort((a, b) => a.length - b.length)) {
    const v = getPath(dev, p);
    if (v === undefined) deletePath(next, p);
    else setPath(next, p, clone(v));
  }
  next.updated_at = nowIso();
  ctx.store.putIs(app, devId, next);
  ctx.bus.publish('end_device.update', refOf(appId, devId, next), {
    data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: mask },
  });
  return ok(present(next, mask));
}

export function deleteDevice(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  requireApplication(caller(ctx, req), appId, R.DEVICES_WRITE);
  const app = ctx.store.app(appId);
  const stored = app?.is.get(devId);
  if (!app || !stored) throw endDeviceNotFound(appId, devId);
  ctx.store.deleteIs(app, devId);
  ctx.bus.publish('end_device.delete', refOf(appId, devId, stored));
  return ok({});
}

export function refOf(applicationId: string, deviceId: string, record: JsonObject | undefined) {
  const str = (p: string) => {
    const v = getPath(record, p);
    return typeof v === 'string' ? v : undefined;
  };
  return { applicationId, deviceId, devEui: str('ids.dev_eui'), joinEui: str('ids.join_eui'), devAddr: str('ids.dev_addr') };
}
