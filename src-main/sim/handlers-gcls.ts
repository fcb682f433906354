// GatewayClaimingServer (pkg/deviceclaimingserver/grpc_gateways.go), on the cluster:
//   POST /gcls/claim/info   GetInfoByGatewayEUI (any auth token: rpcmetadata.WithForwardedAuth)
//   POST /gcls/claim        Claim (EUI free in the IS, claim upstream, create, unclaim on failure)
//   DELETE /gcls/claim/{id} Unclaim (INFO + DELETE; the IS gateway stays: v3.32 does not delete it)
import { organizationOrUserCheck } from './application-messages.js';
import { type ApiRequest, type Reply, type SimContext, ok, requireParam } from './context.js';
import { SimError, nestedValidation, unauthenticated, validation } from './errors.js';
import { SimGatewayController } from './gateway-controller.js';
import { decodeEui, gatewayCheck } from './gateway-messages.js';
import { gatewayNotFound, requireGateway } from './gateway-rights.js';
import { G } from './handlers-gateway-read.js';
import { createGatewayRecord } from './handlers-gateway-registry.js';
import { type JsonObject, getPath, isObject } from './json-path.js';
import { decodeMessage } from './message-codec.js';

const gatewayAlreadyExists = (eui: string) => new SimError(6, 'pkg/deviceclaimingserver', 'gateway_already_exists', 'gateway with EUI `{eui}` already exists', { eui });
const claimingNotSupported = (eui: string) =>
  new SimError(10, 'pkg/deviceclaimingserver', 'gateway_claiming_not_supported', 'claiming not supported for gateway with EUI `{eui}`', { eui });
const qrCodeNotImplemented = () =>
  new SimError(12, 'pkg/deviceclaimingserver', 'gateway_claiming_with_qrcodes_not_implemented', 'gateway claiming with QR codes not implemented');
/** errClaim: its name is literally "claim gateway" in v3.32. */
function claimFailed(cause: SimError): SimError {
  const err = new SimError(10, 'pkg/deviceclaimingserver', 'claim gateway', 'claim gateway');
  err.causedBy = cause;
  return err;
}
function createFailed(cause: unknown): SimError {
  const err = new SimError(10, 'pkg/deviceclaimingserver', 'create_gateway', 'create gateway');
  if (cause instanceof SimError) err.causedBy = cause;
  return err;
}
const noEui = () => new SimError(3, 'pkg/deviceclaimingserver', 'no_eui', 'no EUI found for gateway');
/** pkg/rpcmetadata errUnauthenticated. */
const noForwardedAuth = () => new SimError(16, 'pkg/rpcmetadata', 'unauthenticated', 'the context is not authenticated');

function controllerOf(ctx: SimContext): SimGatewayController | undefined {
  const c = ctx.config.gatewayController;
  return c instanceof SimGatewayController ? c : undefined;
}

export function claimInfo(ctx: SimContext, req: ApiRequest): Reply {
  const auth = req.authorization ?? '';
  if (auth.indexOf(' ') < 0 || auth.slice(auth.indexOf(' ') + 1) === '') throw noForwardedAuth();
  const eui = decodeEui(req.body?.eui, 'eui');
  const supports = eui !== undefined && (controllerOf(ctx)?.supports(eui) ?? false);
  // ttgc IsManagedGateway always answers true; false values are dropped from the JSON.
  return ok({ ...(eui ? { eui } : {}), ...(supports ? { supports_claiming: true, is_managed: true } : {}) });
}

const TARGET_ID = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$|^$/;
const TARGET_ADDRESS = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$/;
const T = 'ClaimGatewayRequestValidationError';

export function claimGateway(ctx: SimContext, req: ApiRequest): Reply {
  const body = req.body ?? {};
  if (body.qr_code !== undefined && body.qr_code !== null) throw qrCodeNotImplemented();
  const authIds = body.authenticated_identifiers;
  if (!isObject(authIds)) throw validation('source_gateway', 'value is required', T);
  const eui = decodeEui(authIds.gateway_eui, 'authenticated_identifiers.gateway_eui') ?? '0000000000000000';
  const code = decodeMessage({ authentication_code: 'bytes' }, authIds, 'authenticated_identifiers')?.authentication_code;
  const collaborator = decodeMessage({ collaborator: { message: { organization_ids: { message: { organization_id: 'string' } }, user_ids: { message: { user_id: 'string' } } } } }, body, '')?.collaborator;
  if (!isObject(collaborator)) throw validation('collaborator', 'value is required', T);
  const collabErr = organizationOrUserCheck(collaborator, undefined);
  if (collabErr) throw nestedValidation('collaborator', T, collabErr);
  const targetId = typeof body.target_gateway_id === 'string' ? body.target_gateway_id : '';
  if (targetId.length > 36) throw validation('target_gateway_id', 'value length must be at most 36 runes', T);
  if (!TARGET_ID.test(targetId)) throw validation('target_gateway_id', 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$|^$"', T);
  const address = typeof body.target_gateway_server_address === 'string' ? body.target_gateway_server_address : '';
  if (!TARGET_ADDRESS.test(address)) throw validation('target_gateway_server_address', 'value does not match regex pattern', T);
  let plans = Array.isArray(body.target_frequency_plan_ids) ? body.target_frequency_plan_ids.filter((p): p is string => typeof p === 'string') : [];
  if (plans.length > 8) throw validation('target_frequency_plan_ids', 'value must contain no more than 8 item(s)', T);
  if (plans.length === 0 && typeof body.target_frequency_plan_id === 'string' && body.target_frequency_plan_id !== '') plans = [body.target_frequency_plan_id];
  // registry.GetIdentifiersForEUI: the IS requires an authenticated caller.
  const caller = ctx.keys.authenticate(req.authorization);
  if (caller.kind === 'none') throw unauthenticated();
  if (ctx.gateways.byEui(eui)) throw gatewayAlreadyExists(eui);
  const controller = controllerOf(ctx);
  if (!controller?.supports(eui)) throw claimingNotSupported(eui);
  try {
    controller.claim(eui, code === undefined ? '' : Buffer.from(code as string, 'base64').toString('utf8'), ctx.deploymentUrl);
  } catch (err) {
    throw claimFailed(err as SimError);
  }
  const gateway: JsonObject = {
    ids: { gateway_id: targetId, eui },
    ...(address ? { gateway_server_address: address } : {}),
    enforce_duty_cycle: true,
    require_authenticated_connection: true,
    ...(plans.length > 0 ? { frequency_plan_ids: plans } : {}),
  };
  try {
    // The IS create with its own request validation (an empty target id fails there).
    const invalid = gatewayCheck(gateway, undefined);
    if (invalid) throw nestedValidation('gateway', 'CreateGatewayRequestValidationError', invalid);
    createGatewayRecord(ctx, caller, gateway, collaborator);
  } catch (err) {
    controller.unclaim(eui, ctx.deploymentUrl);
    throw createFailed(err);
  }
  return ok({ gateway_id: targetId, eui });
}

export function unclaimGateway(ctx: SimContext, req: ApiRequest): Reply {
  const id = requireParam(req.params.gtw, 'gateway_id');
  requireGateway(ctx, ctx.keys.authenticate(req.authorization), id, G.INFO, G.DELETE);
  const row = ctx.gateways.get(id);
  if (!row) throw gatewayNotFound(id);
  const eui = getPath(row.record, 'ids.eui');
  if (typeof eui !== 'string') throw noEui();
  const controller = controllerOf(ctx);
  if (!controller?.supports(eui)) throw claimingNotSupported(eui);
  controller.unclaim(eui, ctx.deploymentUrl);
  return ok({});
}
