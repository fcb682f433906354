// Join, Network and Application Server end-device registries:
// GET / PUT (or POST) / DELETE /{js|ns|as}/applications/{app}/devices/{dev}.
import { requireApplication } from './auth.js';
import { normalizeDevice } from './codec.js';
import { RULES, type ServerComponent, checkReadOnlyIds } from './component-rules.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, nowIso, ok, present, queryFieldMask, requireParam } from './context.js';
import { endDeviceNotFound, registryEuisTaken } from './errors.js';
import { checkComponentMask, storagePath } from './fieldmask-rules.js';
import { refOf } from './handlers-is.js';
import { formatterScriptTooLarge } from './integration-errors.js';
import { type JsonObject, clone, deletePath, getPath, hasAnyField, isObject, setPath } from './json-path.js';

function componentOf(req: ApiRequest): ServerComponent {
  const c = req.params.component;
  if (!c) throw new Error('route without component');
  return c;
}

export function getComponentDevice(ctx: SimContext, req: ApiRequest): Reply {
  const component = componentOf(req);
  const rules = RULES[component];
  const appId = requireParam(req.params.app, 'application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  const mask = queryFieldMask(req.query);
  checkComponentMask(component, rules.getRpc, mask, 'get');
  // Reading key fields without READ_KEYS is refused (PermissionDenied), not filtered.
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...rules.readRights(mask));
  const record = ctx.store.app(appId)?.[component].get(devId);
  if (!record) throw rules.getNotFound();
  return ok(present(record, mask));
}

/** Applies the masked paths of dev onto target: absent values clear the field. */
function applyMask(target: JsonObject, dev: JsonObject, mask: readonly string[]): void {
  const paths = [...new Set(mask.map(storagePath))].sort((a, b) => a.length - b.length);
  for (const p of paths) {
    const v = getPath(dev, p);
    if (v === undefined) deletePath(target, p);
    else setPath(target, p, clone(v));
  }
}

/**
 * redis/registry.go on create: the (JoinEUI, DevEUI) key of the component's
 * registry must be free, else pkg/internal/registry end_device_euis_taken.
 * The simulator finds the holder through the IS's EUI index.
 */
function checkEuisFree(ctx: SimContext, component: ServerComponent, appId: string, devId: string, next: JsonObject): void {
  const join = getPath(next, 'ids.join_eui');
  const devEui = getPath(next, 'ids.dev_eui');
  if (typeof join !== 'string' || typeof devEui !== 'string') return;
  const owner = ctx.store.euiOwner(join, devEui);
  if (!owner || (owner.applicationId === appId && owner.deviceId === devId)) return;
  const held = ctx.store.app(owner.applicationId)?.[component].get(owner.deviceId);
  if (held && getPath(held, 'ids.join_eui') === join && getPath(held, 'ids.dev_eui') === devEui) {
    throw registryEuisTaken(join, devEui, owner.deviceId, owner.applicationId);
  }
}

/** pkg/applicationserver/grpc_deviceregistry.go Set: formatter scripts over `formatters.max-parameter-length` bytes. */
function checkFormatterSizes(ctx: SimContext, dev: JsonObject, mask: readonly string[]): void {
  const max = ctx.config.formatterMaxParameterLength;
  for (const dir of ['up', 'down']) {
    const field = `formatters.${dir}_formatter_parameter`;
    const v = getPath(dev, field);
    const size = typeof v === 'string' ? Buffer.byteLength(v) : 0;
    if (hasAnyField(mask, field) && size > max) throw formatterScriptTooLarge(field, size, max);
  }
}

export function setComponentDevice(ctx: SimContext, req: ApiRequest): Reply {
  const component = componentOf(req);
  const rules = RULES[component];
  const appId = requireParam(req.params.app, 'application_id');
  const mask = bodyFieldMask(req.body);
  checkComponentMask(component, rules.setRpc, mask, 'set');
  const dev = normalizeDevice(req.body?.end_device);
  // Path parameters win over the body, as in grpc-gateway.
  const ids = isObject(dev.ids) ? dev.ids : {};
  ids.application_ids = { application_id: appId };
  if (req.params.dev !== undefined) ids.device_id = req.params.dev;
  dev.ids = ids;
  const devId = ids.device_id;
  if (typeof devId !== 'string') throw endDeviceNotFound(appId, '');
  rules.preCheck(dev, mask);
  if (component === 'as') checkFormatterSizes(ctx, dev, mask);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, ...rules.writeRights(mask));
  const app = ctx.store.app(appId);
  if (!app) throw endDeviceNotFound(appId, devId);
  // SetByID is an upsert on all three (pkg/{joinserver,networkserver,applicationserver}/redis/registry.go):
  // an absent device is created, whether or not the IS knows it.
  const registry = app[component];
  const stored = registry.get(devId);
  if (stored) checkReadOnlyIds(component, stored, dev, rules.idSets(dev, mask));
  const now = nowIso();
  const next: JsonObject = stored ? clone(stored) : { ids: rules.createIds(dev), created_at: now };
  applyMask(next, dev, mask);
  rules.finish(next, stored, dev, mask, now);
  if (!stored) checkEuisFree(ctx, component, appId, devId, next);
  next.updated_at = now;
  registry.set(devId, next);
  const ref = refOf(appId, devId, next);
  if (stored) {
    ctx.bus.publish(`${component}.end_device.update`, ref, {
      data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: [...mask] },
    });
  } else {
    ctx.bus.publish(`${component}.end_device.create`, ref);
  }
  return ok(present(next, mask));
}

export function deleteComponentDevice(ctx: SimContext, req: ApiRequest): Reply {
  const component = componentOf(req);
  const rules = RULES[component];
  const appId = requireParam(req.params.app, 'application_id');
  const devId = requireParam(req.params.dev, 'device_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, 'RIGHT_APPLICATION_DEVICES_WRITE');
  const registry = ctx.store.app(appId)?.[component];
  const stored = registry?.get(devId);
  if (!registry || !stored) throw rules.deleteNotFound(appId, devId);
  registry.delete(devId);
  // The AS device delete also clears the device's package associations (ClearAssociations).
  if (component === 'as') ctx.integrations.clearDevice(appId, devId);
  ctx.bus.publish(`${component}.end_device.delete`, refOf(appId, devId, stored));
  return ok({});
}
