// Field-mask rules from The Things Stack's own tables (vendored in ./reference):
// which paths each RPC accepts (allowedFieldMaskPaths, enforced by the real
// server's pkg/rpcmiddleware/validator) and which component serves and stores
// each end-device field (device-entity-map.json).
import apiDefinition from './reference/api-definition.json' with { type: 'json' };
import entityMap from './reference/device-entity-map.json' with { type: 'json' };
import { forbiddenPaths } from './errors.js';

export type Component = 'is' | 'js' | 'ns' | 'as';

export type RpcName =
  | 'EndDeviceRegistry.Get'
  | 'EndDeviceRegistry.List'
  | 'EndDeviceRegistry.Update'
  | 'JsEndDeviceRegistry.Get'
  | 'JsEndDeviceRegistry.Set'
  | 'NsEndDeviceRegistry.Get'
  | 'NsEndDeviceRegistry.Set'
  | 'AsEndDeviceRegistry.Get'
  | 'AsEndDeviceRegistry.Set'
  | 'ApplicationRegistry.Get'
  | 'ApplicationRegistry.List'
  | 'ApplicationRegistry.Update'
  | 'ApplicationAccess.UpdateAPIKey'
  | 'GatewayRegistry.Get'
  | 'GatewayRegistry.List'
  | 'GatewayRegistry.Update'
  | 'GatewayAccess.UpdateAPIKey'
  | 'Gs.BatchGetGatewayConnectionStats'
  | 'As.GetLink'
  | 'As.SetLink'
  | 'ApplicationWebhookRegistry.Get'
  | 'ApplicationWebhookRegistry.List'
  | 'ApplicationWebhookRegistry.Set'
  | 'ApplicationWebhookRegistry.GetTemplate'
  | 'ApplicationWebhookRegistry.ListTemplates'
  | 'ApplicationPubSubRegistry.Get'
  | 'ApplicationPubSubRegistry.List'
  | 'ApplicationPubSubRegistry.Set'
  | 'ApplicationPackageRegistry.GetAssociation'
  | 'ApplicationPackageRegistry.ListAssociations'
  | 'ApplicationPackageRegistry.SetAssociation'
  | 'ApplicationPackageRegistry.GetDefaultAssociation'
  | 'ApplicationPackageRegistry.ListDefaultAssociations'
  | 'ApplicationPackageRegistry.SetDefaultAssociation';

interface MethodDef {
  allowedFieldMaskPaths?: string[];
}

const services = apiDefinition as unknown as Record<string, Record<string, MethodDef>>;
const allowedCache = new Map<RpcName, ReadonlySet<string>>();

export function allowedPaths(rpc: RpcName): ReadonlySet<string> {
  let set = allowedCache.get(rpc);
  if (!set) {
    const [service, method] = rpc.split('.') as [string, string];
    const def = services[service]?.[method];
    if (!def?.allowedFieldMaskPaths) throw new Error(`no allowedFieldMaskPaths for ${rpc}`);
    set = new Set(def.allowedFieldMaskPaths);
    allowedCache.set(rpc, set);
  }
  return set;
}

/** Throws the validator's field_mask_paths error for paths outside the RPC's list. */
export function checkAllowed(rpc: RpcName, paths: readonly string[]): void {
  const allowed = allowedPaths(rpc);
  const bad = paths.filter((p) => !allowed.has(p));
  if (bad.length > 0) throw forbiddenPaths(bad);
}

type Side = string | string[];
type Entry = [Side, Side];
type MapNode = { [key: string]: Entry | MapNode };

const map = entityMap as unknown as MapNode;

/** The [get, set] entry of a path, or of its nearest ancestor that has one. */
export function entityEntry(path: string): Entry | undefined {
  let node: MapNode = map;
  let last: Entry | undefined;
  for (const part of path.split('.')) {
    const child: Entry | MapNode | undefined = node[part];
    if (child === undefined) return last;
    if (Array.isArray(child)) return child;
    const root = child._root;
    if (Array.isArray(root)) last = root;
    node = child;
  }
  return last;
}

function sideIncludes(side: Side, component: Component): boolean {
  return Array.isArray(side) ? side.includes(component) : side === component;
}

/** Whether the component serves (get) or accepts (set) a path, per the entity map. */
export function componentHandles(component: Component, path: string, side: 'get' | 'set'): boolean {
  const entry = entityEntry(path);
  if (!entry) return false;
  return sideIncludes(side === 'get' ? entry[0] : entry[1], component);
}

/** Both checks of a JS/NS/AS request: the RPC's list and the entity map's side. */
export function checkComponentMask(component: Component, rpc: RpcName, paths: readonly string[], side: 'get' | 'set'): void {
  checkAllowed(rpc, paths);
  const bad = paths.filter((p) => !componentHandles(component, p, side));
  if (bad.length > 0) throw forbiddenPaths(bad);
}

/** Top-level end-device fields the Identity Server stores (set side includes "is"). */
export const IS_SETTABLE_TOP_LEVEL: ReadonlySet<string> = new Set(
  Object.keys(map).filter((k) => componentHandles('is', k, 'set')),
);

/** Every top-level end-device field name the API knows. */
export const KNOWN_TOP_LEVEL: ReadonlySet<string> = new Set(Object.keys(map));

/**
 * Paths of ttnpb wrapper messages (BoolValue, RxDelayValue, FrequencyValue...):
 * `X` where `X.value` is a mask path of the NS registry. On the wire they are
 * plain JSON values (`"schedule_downlinks": false`), and `X.value` in a field
 * mask means `X` itself.
 */
export const WRAPPER_PATHS: ReadonlySet<string> = (() => {
  const out = new Set<string>(['skip_payload_crypto_override']);
  for (const rpc of ['NsEndDeviceRegistry.Get', 'NsEndDeviceRegistry.Set'] as const) {
    for (const p of allowedPaths(rpc)) if (p.endsWith('.value')) out.add(p.slice(0, -'.value'.length));
  }
  return out;
})();

/** Maps a mask path onto the stored JSON path (`X.value` of a wrapper is `X`). */
export function storagePath(path: string): string {
  if (path.endsWith('.value')) {
    const base = path.slice(0, -'.value'.length);
    if (WRAPPER_PATHS.has(base)) return base;
  }
  return path;
}
