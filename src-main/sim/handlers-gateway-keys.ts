// GatewayAccess API keys (pkg/identityserver/gateway_access.go), every method
// RIGHT_GATEWAY_SETTINGS_API_KEYS; create and update also need the rights granted/changed:
//   GET/POST /gateways/{id}/api-keys, GET/PUT/DELETE /gateways/{id}/api-keys/{key_id}
// The secret is shown once, in the create answer (createGatewayAPIKey sets key.Key = token).
import type { ApiKey } from './auth.js';
import { type ApiRequest, type Reply, type SimContext, bodyFieldMask, ok, requireParam } from './context.js';
import { SimError, validation } from './errors.js';
import { checkAllowed } from './fieldmask-rules.js';
import { requireGateway } from './gateway-rights.js';
import { checkKey, decodeRights, decodeTime, keyJson } from './handlers-api-keys.js';
import { G } from './handlers-gateway-read.js';
import { isObject } from './json-path.js';
import { uint32Query } from './message-codec.js';

const ORDERS = new Set(['', 'api_key_id', '-api_key_id', 'name', '-name', 'created_at', '-created_at', 'expires_at', '-expires_at']);

/** store.ErrAPIKeyNotFound. */
const apiKeyNotFound = (gatewayId: string, id: string) =>
  new SimError(5, 'pkg/identityserver/store', 'api_key_not_found', 'api key with id `{api_key_id}` not found', {
    entity_type: 'gateway',
    entity_id: gatewayId,
    api_key_id: id,
  });

function ownKey(ctx: SimContext, gatewayId: string, id: string): ApiKey {
  const key = ctx.keys.keysOf({ type: 'gateway', id: gatewayId }).find((k) => k.id === id);
  if (!key) throw apiKeyNotFound(gatewayId, id);
  return key;
}

export function createGatewayApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const gtwId = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const rights = decodeRights(req.body?.rights, 'rights');
  const expiresAt = decodeTime(req.body?.expires_at, 'expires_at');
  const invalid = checkKey('CreateGatewayAPIKeyRequestValidationError', req.body?.name, rights, expiresAt, true);
  if (invalid) throw invalid;
  const caller = ctx.keys.authenticate(req.authorization);
  requireGateway(ctx, caller, gtwId, G.SETTINGS_API_KEYS);
  requireGateway(ctx, caller, gtwId, ...(rights as string[]));
  const name = typeof req.body?.name === 'string' && req.body.name !== '' ? req.body.name : undefined;
  const token = ctx.keys.createGatewayKey(gtwId, rights as string[], { name, expiresAt });
  return ok(keyJson(ownKey(ctx, gtwId, token.split('.')[1] as string), token));
}

export function listGatewayApiKeys(ctx: SimContext, req: ApiRequest): Reply {
  const gtwId = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const limit = uint32Query(req.query, 'limit');
  const page = Math.max(1, uint32Query(req.query, 'page'));
  const order = req.query.get('order') ?? '';
  const typeName = 'ListGatewayAPIKeysRequestValidationError';
  if (!ORDERS.has(order)) throw validation('order', `value must be in list [${[...ORDERS].join(' ')}]`, typeName);
  if (limit > 1000) throw validation('limit', 'value must be less than or equal to 1000', typeName);
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), gtwId, G.SETTINGS_API_KEYS);
  const field = order.replace(/^-/, '');
  const sortKey = (k: ApiKey) => (field === 'name' ? (k.name ?? '') : field === 'created_at' ? k.createdAt : field === 'expires_at' ? (k.expiresAt ?? '') : k.id);
  const keys = ctx.keys.keysOf({ type: 'gateway', id: gtwId }).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  if (order.startsWith('-')) keys.reverse();
  const pageKeys = limit === 0 ? keys : keys.slice((page - 1) * limit, page * limit);
  return ok(pageKeys.length > 0 ? { api_keys: pageKeys.map((k) => keyJson(k)) } : {}, { 'X-Total-Count': String(keys.length) });
}

export function getGatewayApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const gtwId = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const id = requireParam(req.params.id, 'key_id');
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), gtwId, G.SETTINGS_API_KEYS);
  return ok(keyJson(ownKey(ctx, gtwId, id)));
}

/** updateGatewayAPIKey: empty mask = `rights,name`; added and removed rights must be held; empty rights delete the key. */
export function updateGatewayApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const gtwId = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const id = requireParam(req.params.id, 'api_key.id');
  let mask = bodyFieldMask(req.body);
  const body = isObject(req.body?.api_key) ? req.body.api_key : {};
  const rights = decodeRights(body.rights, 'api_key.rights');
  const expiresAt = decodeTime(body.expires_at, 'api_key.expires_at');
  checkAllowed('GatewayAccess.UpdateAPIKey', mask);
  const inner = checkKey('APIKeyValidationError', body.name, rights, expiresAt, false);
  if (inner) {
    const err = validation('api_key', 'embedded message failed validation', 'UpdateGatewayAPIKeyRequestValidationError');
    err.causedBy = inner;
    throw err;
  }
  const caller = ctx.keys.authenticate(req.authorization);
  requireGateway(ctx, caller, gtwId, G.SETTINGS_API_KEYS);
  if (mask.length === 0) mask = ['rights', 'name'];
  const key = ownKey(ctx, gtwId, id);
  if (rights.length > 0) {
    const next = new Set(rights as string[]);
    const old = new Set(key.granted);
    requireGateway(ctx, caller, gtwId, ...[...next].filter((r) => !old.has(r)));
    requireGateway(ctx, caller, gtwId, ...[...old].filter((r) => !next.has(r)));
  }
  if (rights.length === 0 && mask.includes('rights')) {
    ctx.keys.deleteKey(key.id);
    return ok({});
  }
  const changes: Parameters<typeof ctx.keys.updateKey>[1] = {};
  if (mask.includes('rights')) changes.granted = rights as string[];
  if (mask.includes('name')) changes.name = typeof body.name === 'string' && body.name !== '' ? body.name : undefined;
  if (mask.includes('expires_at')) changes.expiresAt = expiresAt;
  ctx.keys.updateKey(key, changes);
  return ok(keyJson(key));
}

export function deleteGatewayApiKey(ctx: SimContext, req: ApiRequest): Reply {
  const gtwId = requireParam(req.params.gtw, 'gateway_ids.gateway_id');
  const id = requireParam(req.params.id, 'key_id');
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), gtwId, G.SETTINGS_API_KEYS);
  ctx.keys.deleteKey(ownKey(ctx, gtwId, id).id);
  return ok({});
}
