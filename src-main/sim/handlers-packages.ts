// ApplicationPackageRegistry (pkg/applicationserver/io/packages/grpc.go,
// io/packages/redis/registry.go), every method RIGHT_APPLICATION_SETTINGS_PACKAGES:
//   GET /as/applications/{app}/devices/{dev}/packages                          List (available packages)
//   GET /as/applications/{app}/devices/{dev}/packages/associations[/{f_port}] ListAssociations, GetAssociation
//   PUT/DELETE .../devices/{dev}/packages/associations/{f_port}               SetAssociation, DeleteAssociation
//   GET /as/applications/{app}/packages/associations[/{f_port}]               default associations
//   PUT/DELETE /as/applications/{app}/packages/associations/{f_port}
import {
  ASSOCIATION_SCHEMA,
  DEFAULT_ASSOCIATION_SCHEMA,
  associationCheck,
  associationIdsCheck,
  defaultAssociationCheck,
  defaultAssociationIdsCheck,
} from './as-messages.js';
import { R, requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, queryFieldMask, requireParam } from './context.js';
import { registryNotFound, validation } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { associationKey } from './integrations-store.js';
import type { JsonObject } from './json-path.js';
import { decodeMessage, uint32Param, uint32Query } from './message-codec.js';
import { type RegistrySpec, registryGets, registrySet } from './registry-set.js';
import { project } from './set-fields.js';
import { type Check, maskFields, wrapped } from './validate.js';

/** The handlers the AS registers (pkg/applicationserver/config.go NewApplicationPackages) and their Package(). */
export const PACKAGES = [
  { name: 'alcsync-v1', default_f_port: 202 },
  { name: 'lora-cloud-device-management-v1', default_f_port: 199 },
  { name: 'lora-cloud-geolocation-v3', default_f_port: 197 },
] as const;

const NAMESPACE = 'pkg/applicationserver/io/packages/redis';
/** grpc.go appendImplicitAssociationsGetPaths. */
const RPC_GETS = ['package_name'];

const DEVICE_SPEC: RegistrySpec = {
  namespace: NAMESPACE,
  readOnly: ['ids.end_device_ids.application_ids.application_id', 'ids.end_device_ids.device_id', 'ids.f_port'],
  createPaths: ['ids.end_device_ids', 'ids.f_port'],
  prohibitTimestamps: true,
  check: associationCheck,
};
const DEFAULT_SPEC: RegistrySpec = {
  namespace: NAMESPACE,
  readOnly: ['ids.application_ids.application_id', 'ids.f_port'],
  createPaths: ['ids.application_ids', 'ids.f_port'],
  prohibitTimestamps: true,
  check: defaultAssociationCheck,
};

interface Target {
  appId: string;
  devId?: string;
  ids: JsonObject;
}

function targetOf(req: ApiRequest, withPort: boolean): Target {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const devId = req.params.dev;
  const ids: JsonObject = devId === undefined ? { application_ids: { application_id: appId } } : { end_device_ids: { device_id: devId, application_ids: { application_id: appId } } };
  if (withPort) {
    const fPort = uint32Param(req.params.fPort, 'f_port');
    if (fPort !== 0) ids.f_port = fPort;
  }
  return { appId, devId, ids };
}

const idsCheckOf = (t: Target): Check => (t.devId === undefined ? defaultAssociationIdsCheck : associationIdsCheck);
const fPortOf = (ids: JsonObject) => (typeof ids.f_port === 'number' ? ids.f_port : 0);

function requirePackages(ctx: SimContext, req: ApiRequest, appId: string): void {
  requireApplication(ctx.keys.authenticate(req.authorization), appId, R.SETTINGS_PACKAGES);
}

export function listPackages(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  requirePackages(ctx, req, appId);
  // The handlers are a Go map: the real order varies; the simulator lists by name.
  return ok({ packages: PACKAGES.map((p) => ({ ...p })) });
}

/** ListAssociations / ListDefaultAssociations: ordered by FPort when paged; X-Total-Count only counts when paged. */
export function listAssociations(ctx: SimContext, req: ApiRequest): Reply {
  const t = targetOf(req, false);
  const mask = queryFieldMask(req.query);
  checkAllowed(t.devId === undefined ? 'ApplicationPackageRegistry.ListDefaultAssociations' : 'ApplicationPackageRegistry.ListAssociations', mask);
  const limit = uint32Query(req.query, 'limit');
  const page = Math.max(1, uint32Query(req.query, 'page'));
  if (limit > 1000) {
    throw validation('limit', 'value must be less than or equal to 1000', `List${t.devId === undefined ? 'ApplicationPackageDefaultAssociation' : 'ApplicationPackageAssociation'}RequestValidationError`);
  }
  requirePackages(ctx, req, t.appId);
  const all =
    t.devId === undefined
      ? [...(ctx.integrations.peek(t.appId)?.defaults ?? new Map<number, JsonObject>()).entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v)
      : ctx.integrations.deviceAssociations(t.appId, t.devId);
  const items = limit === 0 ? all : all.slice((page - 1) * limit, page * limit);
  const gets = registryGets(RPC_GETS, mask);
  const key = t.devId === undefined ? 'defaults' : 'associations';
  // The registry sets the total only in a paginated context; otherwise the header says 0.
  const total = limit === 0 ? 0 : all.length;
  return ok(items.length > 0 ? { [key]: items.map((a) => project(a, gets)) } : {}, { 'X-Total-Count': String(total) });
}

export function getAssociation(ctx: SimContext, req: ApiRequest): Reply {
  const t = targetOf(req, true);
  const mask = queryFieldMask(req.query);
  checkAllowed(t.devId === undefined ? 'ApplicationPackageRegistry.GetDefaultAssociation' : 'ApplicationPackageRegistry.GetAssociation', mask);
  const wrapper = `Get${t.devId === undefined ? 'ApplicationPackageDefaultAssociation' : 'ApplicationPackageAssociation'}RequestValidationError`;
  const invalid = wrapped(wrapper, 'ids', idsCheckOf(t), { ids: t.ids }, undefined);
  if (invalid) throw invalid;
  requirePackages(ctx, req, t.appId);
  const stored = lookup(ctx, t);
  if (!stored) throw registryNotFound();
  return ok(project(stored, registryGets(RPC_GETS, mask)));
}

function lookup(ctx: SimContext, t: Target): JsonObject | undefined {
  const a = ctx.integrations.peek(t.appId);
  const fPort = fPortOf(t.ids);
  return t.devId === undefined ? a?.defaults.get(fPort) : a?.associations.get(associationKey(t.devId, fPort));
}

export function setAssociation(ctx: SimContext, req: ApiRequest): Reply {
  const t = targetOf(req, true);
  const isDefault = t.devId === undefined;
  const field = isDefault ? 'default' : 'association';
  const mask = bodyFieldMask(req.body);
  const assoc = decodeMessage(isDefault ? DEFAULT_ASSOCIATION_SCHEMA : ASSOCIATION_SCHEMA, req.body?.[field], field) ?? {};
  checkAllowed(isDefault ? 'ApplicationPackageRegistry.SetDefaultAssociation' : 'ApplicationPackageRegistry.SetAssociation', mask);
  // Path parameters win over the body.
  const ids = (assoc.ids as JsonObject | undefined) ?? {};
  if (isDefault) ids.application_ids = t.ids.application_ids as JsonObject;
  else ids.end_device_ids = { ...((ids.end_device_ids as JsonObject | undefined) ?? {}), ...(t.ids.end_device_ids as JsonObject) };
  if ('f_port' in t.ids) ids.f_port = t.ids.f_port as number;
  else delete ids.f_port;
  assoc.ids = ids;
  const wrapper = `Set${isDefault ? 'ApplicationPackageDefaultAssociation' : 'ApplicationPackageAssociation'}RequestValidationError`;
  const invalid = wrapped(wrapper, field, isDefault ? defaultAssociationCheck : associationCheck, { [field]: assoc }, maskFields(mask));
  if (invalid) throw invalid;
  requirePackages(ctx, req, t.appId);
  const a = ctx.integrations.of(t.appId);
  const fPort = fPortOf(t.ids);
  const stored = lookup(ctx, t);
  const { next, reply } = registrySet(isDefault ? DEFAULT_SPEC : DEVICE_SPEC, stored, assoc, mask, registryGets(RPC_GETS, mask), nowIso());
  if (next) {
    if (isDefault) a.defaults.set(fPort, next);
    else a.associations.set(associationKey(t.devId as string, fPort), next);
  }
  return ok(reply);
}

export function deleteAssociation(ctx: SimContext, req: ApiRequest): Reply {
  const t = targetOf(req, true);
  const invalid = idsCheckOf(t)(t.ids, undefined);
  if (invalid) throw invalid;
  requirePackages(ctx, req, t.appId);
  const a = ctx.integrations.peek(t.appId);
  const fPort = fPortOf(t.ids);
  // Deleting an absent association is no error.
  if (t.devId === undefined) a?.defaults.delete(fPort);
  else a?.associations.delete(associationKey(t.devId, fPort));
  return ok({});
}
