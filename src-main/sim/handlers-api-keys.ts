// ApplicationAccess API keys (pkg/identityserver/application_access.go,
// api_key_utils.go, bunstore/api_key_store.go), every method RIGHT_APPLICATION_SETTINGS_API_KEYS:
//   GET/POST /applications/{app}/api-keys, GET/PUT/DELETE /applications/{app}/api-keys/{id}
// The secret is shown once, in the create answer; lists and gets never carry it.
import { type ApiKey, RIGHTS, requireApplication } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, ok, requireParam } from './context.js';
import { SimError, badRequest, validation } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { type Json, type JsonObject, isObject } from './json-path.js';
import { uint32Query } from './message-codec.js';

const SETTINGS_API_KEYS = 'RIGHT_APPLICATION_SETTINGS_API_KEYS';
const NAMES = Object.keys(RIGHTS);
const ORDERS = new Set(['', 'api_key_id', '-api_key_id', 'name', '-name', 'created_at', '-created_at', 'expires_at', '-expires_at']);

/** store.ErrAPIKeyNotFound. */
const apiKeyNotFound = (appId: string, id: string) =>
  new SimError(5, 'pkg/identityserver/store', 'api_key_not_found', 'api key with id `{api_key_id}` not found', {
    entity_type: 'application',
    entity_id: appId,
    api_key_id: id,
  });

/** Rights of a request: names (or enum numbers); an unknown name is a decoding error. */
export function decodeRights(v: Json | undefined, path: string): (string | number)[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(`unmarshal error at path "${path}": expected a list`);
  return v.map((r) => {
    if (typeof r === 'number' && Number.isInteger(r)) return NAMES.find((n) => RIGHTS[n] === r) ?? r;
    if (typeof r === 'string' && r in RIGHTS) return r;
    throw badRequest(`unmarshal error at path "${path}": invalid value for enum Right: ${JSON.stringify(r)}`);
  });
}

export function decodeTime(v: Json | undefined, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw badRequest(`unmarshal error at path "${path}": expected an RFC 3339 timestamp`);
  return v;
}

/** The generated validator's checks of name, rights and expires_at, in that order. */
export function checkKey(typeName: string, name: unknown, rights: readonly (string | number)[], expiresAt: string | undefined, minOne: boolean): SimError | undefined {
  if (typeof name === 'string' && [...name].length > 50) return validation('name', 'value length must be at most 50 runes', typeName);
  if (minOne && rights.length < 1) return validation('rights', 'value must contain at least 1 item(s)', typeName);
  const seen = new Set<string | number>();
  for (const [i, r] of rights.entries()) {
    if (minOne && seen.has(r)) return validation(`rights[${i}]`, 'repeated value must contain unique items', typeName);
    seen.add(r);
    if (typeof r === 'number') return validation(`rights[${i}]`, 'value must be one of the defined enum values', typeName);
  }
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now()) return validation('expires_at', 'value must be greater than now', typeName);
  return undefined;
}

export function keyJson(k: ApiKey, secret?: string): JsonObject {
  const out: JsonObject = { id: k.id };
  if (secret) out.key = secret;
  if (k.name) out.name = k.name;
  if (k.granted.length > 0) out.rights = [...k.granted];
  out.created_at = k.createdAt;
  out.updated_at = k.updatedAt;
  if (k.expiresAt) out.expires_at = k.expiresAt;
  return out;
}

function ownKey(ctx: SimContext, appId: string, id: string): ApiKey {
  const key = ctx.keys.keysOf({ type: 'application', id: appId }).find((k) => k.id === id);
  if (!key) throw apiKeyNotFound(appId, id);
  return key;
}

const publish = (ctx: SimContext, name: string, appId: string, key?: ApiKey) =>
  ctx.bus.publishApplication(name, appId, {
    visibility: SETTINGS_API_KEYS,
    ...(key ? { data: { '@type': 'type.googleapis.com/ttn.lorawan.v3.APIKey', ...keyJson(key) } } : {}),
  });

export function createApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const rights = decodeRights(req.body?.rights, 'rights');
  const expiresAt = decodeTime(req.body?.expires_at, 'expires_at');
  const invalid = checkKey('CreateApplicationAPIKeyRequestValidationError', req.body?.name, rights, expiresAt, true);
  if (invalid) throw invalid;
  const caller = ctx.keys.authenticate(req.authorization);
  requireApplication(caller, appId, SETTINGS_API_KEYS);
  // The caller must hold every right it grants (no escalation).
  requireApplication(caller, appId, ...(rights as string[]));
  const name = typeof req.body?.name === 'string' && req.body.name !== '' ? req.body.name : undefined;
  const token = ctx.keys.createApplicationKey(appId, rights as string[], { name, expiresAt });
  const key = ownKey(ctx, appId, token.split('.')[1] as string);
  publish(ctx, 'application.api-key.create', appId, key);
  return ok(keyJson(key, token));
}

export function listApiKeys(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const limit = uint32Query(req.query, 'limit');
  const page = Math.max(1, uint32Query(req.query, 'page'));
  const order = req.query.get('order') ?? '';
  const typeName = 'ListApplicationAPIKeysRequestValidationError';
  if (!ORDERS.has(order)) throw validation('order', `value must be in list [${[...ORDERS].join(' ')}]`, typeName);
  if (limit > 1000) throw validation('limit', 'value must be less than or equal to 1000', typeName);
  requireApplication(ctx.keys.authenticate(req.authorization), appId, SETTINGS_API_KEYS);
  const field = order.replace(/^-/, '');
  const sortKey = (k: ApiKey) => (field === 'name' ? (k.name ?? '') : field === 'created_at' ? k.createdAt : field === 'expires_at' ? (k.expiresAt ?? '') : k.id);
  const keys = ctx.keys.keysOf({ type: 'application', id: appId }).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  if (order.startsWith('-')) keys.reverse();
  const pageKeys = limit === 0 ? keys : keys.slice((page - 1) * limit, page * limit);
  return ok(pageKeys.length > 0 ? { api_keys: pageKeys.map((k) => keyJson(k)) } : {}, { 'X-Total-Count': String(keys.length) });
}

export function getApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const id = requireParam(req.params.id, 'key_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, SETTINGS_API_KEYS);
  return ok(keyJson(ownKey(ctx, appId, id)));
}

/**
 * UpdateAPIKey: an empty mask means `rights,name`; changed rights need the caller to
 * hold the added and the removed ones; empty rights with `rights` in the mask delete
 * the key (answer `{}`).
 */
export function updateApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const id = requireParam(req.params.id, 'api_key.id');
  let mask = bodyFieldMask(req.body);
  const body = isObject(req.body?.api_key) ? req.body.api_key : {};
  const rights = decodeRights(body.rights, 'api_key.rights');
  const expiresAt = decodeTime(body.expires_at, 'api_key.expires_at');
  checkAllowed('ApplicationAccess.UpdateAPIKey', mask);
  const inner = checkKey('APIKeyValidationError', body.name, rights, expiresAt, false);
  if (inner) {
    const err = validation('api_key', 'embedded message failed validation', 'UpdateApplicationAPIKeyRequestValidationError');
    err.causedBy = inner;
    throw err;
  }
  const caller = ctx.keys.authenticate(req.authorization);
  requireApplication(caller, appId, SETTINGS_API_KEYS);
  if (mask.length === 0) mask = ['rights', 'name'];
  const key = ownKey(ctx, appId, id);
  if (rights.length > 0) {
    const next = new Set(rights as string[]);
    const old = new Set(key.granted);
    requireApplication(caller, appId, ...[...next].filter((r) => !old.has(r)));
    requireApplication(caller, appId, ...[...old].filter((r) => !next.has(r)));
  }
  if (rights.length === 0 && mask.includes('rights')) {
    ctx.keys.deleteKey(key.id);
    publish(ctx, 'application.api-key.delete', appId);
    return ok({});
  }
  const changes: Parameters<typeof ctx.keys.updateKey>[1] = {};
  if (mask.includes('rights')) changes.granted = rights as string[];
  if (mask.includes('name')) changes.name = typeof body.name === 'string' && body.name !== '' ? body.name : undefined;
  if (mask.includes('expires_at')) changes.expiresAt = expiresAt;
  ctx.keys.updateKey(key, changes);
  publish(ctx, 'application.api-key.update', appId, key);
  return ok(keyJson(key));
}

export function deleteApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const appId = requireParam(req.params.app, 'application_ids.application_id');
  const id = requireParam(req.params.id, 'key_id');
  requireApplication(ctx.keys.authenticate(req.authorization), appId, SETTINGS_API_KEYS);
  ctx.keys.deleteKey(ownKey(ctx, appId, id).id);
  publish(ctx, 'application.api-key.delete', appId);
  return ok({});
}

