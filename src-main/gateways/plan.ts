// Planning a gateway move: reads both deployments, writes nothing. Per gateway its kind (what
// the registry tells, or the user's choice), the action, the steps, what happens to the source,
// what the user does by hand, conflicts and rights; for the whole plan the Packet Broker warning.
import type { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import { GATEWAY_COPY_PATHS, GatewayApi, type Gateway } from '../stack/gateway-api.js';
import { mapLimit } from '../migration/concurrency.js';
import { actionOf, classify, createsOnTarget, needsLnsKey } from './kinds.js';
import { serverAddressOf } from './fields.js';
import { type GatewayOptions, type GatewayPlan, type GatewayPlanEntry, gatewayOptionsSchema, KIND_LABELS } from './schema.js';
import { manualSteps, sourceAfter, stepsOf } from './words.js';

type Issue = { code: string; message: string };
const GET_PATHS = [...GATEWAY_COPY_PATHS, 'gateway_server_address', 'created_at', 'updated_at'];

/** The Packet Broker warning every gateway plan shows (reference §1.1, pb-routing). */
export const PACKET_BROKER_WARNING =
  'Packet Broker forwards traffic from The Things Network\'s gateways to The Things Stack Cloud by default, but not the other way: ' +
  'once a gateway serves the target, devices still on The Things Network (yours, and other people\'s community devices) lose its coverage, ' +
  'unless the target tenant sets a Packet Broker routing policy towards The Things Network (NetID 000013, tenant "ttn"; it takes up to 10 minutes to apply). ' +
  'Agree with your local community before moving a gateway others rely on.';

const has = (rights: string[], ...wanted: string[]) => wanted.every((r) => rights.includes(r) || rights.includes('RIGHT_GATEWAY_ALL') || rights.includes('RIGHT_ALL'));

export interface KeyOwner {
  kind: 'user' | 'organization' | 'application' | 'gateway' | 'none';
  id?: string;
}

/** Whose key this is (auth_info): gateways are listed and created by users and organizations only. */
export async function keyOwner(client: StackClient, signal?: AbortSignal): Promise<KeyOwner & { rights: string[] }> {
  const info = await client.authInfo({ signal });
  const ids = info.api_key?.entity_ids;
  if (ids?.user_ids) return { kind: 'user', id: ids.user_ids.user_id, rights: info.rights };
  if (ids?.organization_ids) return { kind: 'organization', id: ids.organization_ids.organization_id, rights: info.rights };
  if (ids?.application_ids) return { kind: 'application', rights: info.rights };
  if (ids?.gateway_ids) return { kind: 'gateway', id: ids.gateway_ids.gateway_id, rights: info.rights };
  return { kind: 'none', rights: info.rights };
}

/** Why a key sees no gateways, in words (undefined: it can list them). */
export function listProblem(owner: KeyOwner & { rights: string[] }): string | undefined {
  if (owner.kind === 'application') return 'This connection uses an application API key: it sees no gateways. Add a connection with a user or organization API key with the rights to list gateways (RIGHT_USER_GATEWAYS_LIST or RIGHT_ORGANIZATION_GATEWAYS_LIST) and the gateway rights (RIGHT_GATEWAY_ALL).';
  if (owner.kind === 'gateway') return 'This connection uses a gateway API key: it sees only its own gateway. Use a user or organization API key to move gateways.';
  const listRight = owner.kind === 'user' ? 'RIGHT_USER_GATEWAYS_LIST' : 'RIGHT_ORGANIZATION_GATEWAYS_LIST';
  if (owner.kind !== 'none' && !owner.rights.includes(listRight) && !owner.rights.includes('RIGHT_USER_ALL') && !owner.rights.includes('RIGHT_ORGANIZATION_ALL') && !owner.rights.includes('RIGHT_ALL')) {
    return `This key may not list gateways: it lacks ${listRight}.`;
  }
  return undefined;
}

async function tolerate<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof StackError && err.kind === 'api') return undefined; // not available here (rights, no claiming server): no evidence
    throw err;
  }
}

export interface GatewayPlanInput {
  source: StackClient;
  target: StackClient;
  ids: string[];
  options?: Partial<GatewayOptions>;
  /** Per gateway, source devices of the device plan heard through it lately. */
  servedDevices?: Map<string, number>;
  signal?: AbortSignal;
}

export async function planGateways(input: GatewayPlanInput): Promise<GatewayPlan> {
  const options = gatewayOptionsSchema.parse(input.options ?? {});
  const src = new GatewayApi(input.source);
  const tgt = new GatewayApi(input.target);
  const signal = input.signal;
  const [sourceKey, targetKey] = await Promise.all([keyOwner(input.source, signal), keyOwner(input.target, signal)]);
  const blockers: Issue[] = [];
  const sourceProblem = listProblem(sourceKey);
  if (sourceProblem) blockers.push({ code: 'SOURCE_KEY', message: `Source: ${sourceProblem}` });
  const owner = options.targetOwner ?? (targetKey.kind === 'user' || targetKey.kind === 'organization' ? { kind: targetKey.kind, id: targetKey.id! } : undefined);
  if (!owner) blockers.push({ code: 'TARGET_OWNER', message: 'Target: an application or gateway API key cannot create gateways. Use a user or organization API key with RIGHT_USER_GATEWAYS_CREATE (or the organization\'s) and the gateway rights.' });
  const createRight = owner?.kind === 'organization' ? 'RIGHT_ORGANIZATION_GATEWAYS_CREATE' : 'RIGHT_USER_GATEWAYS_CREATE';
  const ownerAll = owner?.kind === 'organization' ? 'RIGHT_ORGANIZATION_ALL' : 'RIGHT_USER_ALL';
  const canCreate = [createRight, ownerAll, 'RIGHT_ALL'].some((r) => targetKey.rights.includes(r));
  const canMintKeys = has(targetKey.rights, 'RIGHT_GATEWAY_SETTINGS_API_KEYS', 'RIGHT_GATEWAY_LINK', 'RIGHT_GATEWAY_INFO');
  const canReadStatus = has(targetKey.rights, 'RIGHT_GATEWAY_STATUS_READ');
  const targetServerAddress = serverAddressOf(input.target.target.clusterUrl);
  // The target gateways this key sees: an EUI of ours already there under another id is found now, not at create.
  const targetEuis = new Map<string, string>();
  if (blockers.length === 0) for (const g of (await tolerate(tgt.list(undefined, { signal }))) ?? []) if (g.ids.eui) targetEuis.set(g.ids.eui.toUpperCase(), g.ids.gateway_id);

  const entries = blockers.length > 0 ? [] : await mapLimit(input.ids, 8, async (id): Promise<GatewayPlanEntry> => {
    const gw = await src.get(id, GET_PATHS, { signal, missingAsUndefined: true });
    if (!gw) {
      return {
        id, frequencyPlanIds: [], kind: 'unknown', kindReason: 'not found', action: 'manual', status: 'blocked',
        blockers: [{ code: 'NOT_FOUND', message: `Gateway "${id}" is not on the source, or this key has no rights on it.` }],
        warnings: [], steps: [], sourceAfter: '', manual: [],
      };
    }
    const [rights, stats] = await Promise.all([tolerate(src.rights(id, { signal })), tolerate(src.connectionStats(id, { signal }))]);
    const cupsSeen = gw.attributes?.['cups-last-seen'] !== undefined;
    const claim = cupsSeen || !gw.ids.eui ? undefined : await tolerate(src.claimInfo(gw.ids.eui, { signal }));
    const found = classify({ gateway: gw, stats, claim });
    const chosen = options.kinds[id];
    const kind = chosen ?? found.kind;
    const kindReason = chosen ? `you said: ${KIND_LABELS[chosen]} (the registry: ${found.reason})` : found.reason;
    let action = actionOf(kind, options.claimWithToken.includes(id));
    // Claiming needs the target's claiming server to take this EUI: otherwise it is done by hand.
    const targetClaims = kind !== 'claimable' || !gw.ids.eui ? undefined : await tolerate(tgt.claimInfo(gw.ids.eui, { signal }));
    if (action === 'claim' && !targetClaims?.supportsClaiming) action = 'manual';
    const entry = await planEntry({
      id, gw, kind, kindReason, action, rights: rights ?? [], target: tgt, signal, checks: { canCreate, canMintKeys, canReadStatus, createRight },
      targetServerAddress, served: input.servedDevices?.get(id), euiOnTargetAs: gw.ids.eui ? targetEuis.get(gw.ids.eui.toUpperCase()) : undefined,
    });
    if (kind === 'claimable' && targetClaims?.supportsClaiming === false) {
      entry.warnings.push({ code: 'TARGET_CANNOT_CLAIM', message: 'The target\'s claiming server cannot claim this gateway: unclaim it on the source and add it on the target by hand (its maker\'s instructions).' });
    }
    return entry;
  }, signal);

  const counts = { ready: 0, blocked: 0, alreadyMigrated: 0 };
  for (const e of entries) counts[e.status === 'ready' ? 'ready' : e.status === 'blocked' ? 'blocked' : 'alreadyMigrated']++;
  return {
    createdAt: new Date().toISOString(), options, targetServerAddress,
    targetOwner: owner ?? { kind: 'user', id: '' }, gateways: entries, blockers, packetBroker: PACKET_BROKER_WARNING, counts,
  };
}

interface EntryInput {
  id: string;
  gw: Gateway;
  kind: GatewayPlanEntry['kind'];
  kindReason: string;
  action: GatewayPlanEntry['action'];
  rights: string[];
  target: GatewayApi;
  signal?: AbortSignal;
  checks: { canCreate: boolean; canMintKeys: boolean; canReadStatus: boolean; createRight: string };
  targetServerAddress: string;
  served?: number;
  /** The id of the target gateway (one this key sees) that has this EUI. */
  euiOnTargetAs?: string;
}

async function planEntry(e: EntryInput): Promise<GatewayPlanEntry> {
  const { gw, action } = e;
  const blockers: Issue[] = [];
  const warnings: Issue[] = [];
  // The target's gateway of the same id: ours from an earlier run (same EUI), or someone else's.
  // Forbidden counts as absent: not ours, or not there — the create says which.
  const onTarget = await e.target.get(e.id, ['gateway_server_address'], { signal: e.signal, missingAsUndefined: true });
  const sameEui = onTarget && (onTarget.ids.eui ?? '').toUpperCase() === (gw.ids.eui ?? '').toUpperCase();
  if (onTarget && !sameEui) blockers.push({ code: 'ID_TAKEN', message: `The target already has a gateway "${e.id}" with another EUI (${onTarget.ids.eui ?? 'none'}).` });
  if (e.euiOnTargetAs && e.euiOnTargetAs !== e.id) {
    blockers.push({ code: 'EUI_TAKEN', message: `The target already has this EUI (${gw.ids.eui}) as your gateway "${e.euiOnTargetAs}": one gateway per EUI. Delete it there, or leave this one.` });
  }
  if (!gw.ids.eui) blockers.push({ code: 'NO_EUI', message: 'The source gateway has no EUI: the target cannot recognise it.' });
  if (createsOnTarget(action) && !onTarget && !e.checks.canCreate) blockers.push({ code: 'TARGET_CREATE_RIGHT', message: `The target key may not create gateways (${e.checks.createRight}).` });
  if (needsLnsKey(action) && !e.checks.canMintKeys) blockers.push({ code: 'TARGET_KEY_RIGHTS', message: 'The target key may not make the gateway\'s LNS key (RIGHT_GATEWAY_SETTINGS_API_KEYS, RIGHT_GATEWAY_LINK, RIGHT_GATEWAY_INFO).' });
  if (action === 'repoint' && !has(e.rights, 'RIGHT_GATEWAY_SETTINGS_BASIC', 'RIGHT_GATEWAY_READ_SECRETS', 'RIGHT_GATEWAY_WRITE_SECRETS')) {
    blockers.push({ code: 'SOURCE_SECRET_RIGHTS', message: 'The source key may not re-point this gateway: it needs RIGHT_GATEWAY_SETTINGS_BASIC, RIGHT_GATEWAY_READ_SECRETS and RIGHT_GATEWAY_WRITE_SECRETS on it (the LNS key is a secret).' });
  }
  if (action === 'claim' && !has(e.rights, 'RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_DELETE')) blockers.push({ code: 'SOURCE_UNCLAIM_RIGHTS', message: 'Unclaiming on the source needs RIGHT_GATEWAY_INFO and RIGHT_GATEWAY_DELETE on the gateway.' });
  if (!e.checks.canReadStatus) warnings.push({ code: 'NO_STATUS_READ', message: 'The target key may not read connection stats (RIGHT_GATEWAY_STATUS_READ): the run cannot see the gateway connect.' });
  if (e.kind === 'unknown') warnings.push({ code: 'KIND_UNKNOWN', message: 'The registry does not tell what this gateway is: it is treated as a UDP packet forwarder (a sheet). Choose its kind if you know it.' });
  if (gw.frequency_plan_ids === undefined || gw.frequency_plan_ids.length === 0) warnings.push({ code: 'NO_FREQUENCY_PLAN', message: 'No frequency plan: the target gateway cannot send downlinks until one is set.' });
  const alreadyPointed = action === 'repoint' && gw.gateway_server_address === e.targetServerAddress;
  const done = sameEui && (action !== 'repoint' || alreadyPointed);
  const served = e.served ? [{ code: 'SERVES_DEVICES', message: `${e.served} device(s) of the plan were heard through it lately.` }] : [];
  return {
    id: e.id, eui: gw.ids.eui, name: gw.name, frequencyPlanIds: gw.frequency_plan_ids ?? [], kind: e.kind, kindReason: e.kindReason,
    action: done ? 'skip' : action,
    status: blockers.length > 0 ? 'blocked' : done ? 'already-migrated' : 'ready',
    blockers, warnings: [...warnings, ...served],
    steps: done ? ['Nothing: the target has this gateway already' + (alreadyPointed ? ' and the source sends it there.' : '.')] : stepsOf(action, Boolean(sameEui), e.targetServerAddress),
    sourceAfter: sourceAfter(action), manual: manualSteps(action, e.kind, e.targetServerAddress),
    ...(e.served ? { servesDevices: e.served } : {}),
  };
}
