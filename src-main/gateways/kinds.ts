// The kind of a gateway, as far as The Things Stack tells: CUPS writes its own attributes on
// the gateway at every update-info (pkg/basicstation/cups/update_info.go), the Gateway Server
// says which protocol a connected gateway speaks, and the Gateway Claiming Server says whether
// the gateway is managed (claimable with an owner token). An LNS key alone says nothing: the
// Console stores one for LNS-only stations too.
import type { ConnectionStats, Gateway } from '../stack/gateway-api.js';
import type { GatewayAction, GatewayKind } from './schema.js';

/** Attributes the source's CUPS writes: the server's, not the user's (never copied to the target). */
export const CUPS_ATTRIBUTES = ['cups-last-seen', 'cups-station', 'cups-model', 'cups-package'] as const;

export interface KindEvidence {
  gateway: Gateway;
  /** The source Gateway Server's stats, when connected there. */
  stats?: ConnectionStats;
  /** The source claiming server's answer, when asked. */
  claim?: { supportsClaiming: boolean; isManaged: boolean };
}

const isIndoorGateway = (g: Gateway) => {
  const model = `${g.version_ids?.model_id ?? ''} ${g.attributes?.['cups-model'] ?? ''}`.toLowerCase();
  return /indoor/.test(model) && !/pro/.test(model);
};

export function classify({ gateway, stats, claim }: KindEvidence): { kind: GatewayKind; reason: string } {
  const cupsSeen = gateway.attributes?.['cups-last-seen'];
  if (cupsSeen !== undefined) {
    const when = `asked this deployment's CUPS on ${cupsSeen}`;
    return isIndoorGateway(gateway) ? { kind: 'ttig', reason: `The Things Indoor Gateway; ${when}` } : { kind: 'cups', reason: `Basic Station; ${when}` };
  }
  if (claim?.isManaged) return { kind: 'claimable', reason: 'managed by The Things Gateway Controller (claimable with its owner token)' };
  const protocol = stats?.protocol?.toLowerCase();
  if (protocol === 'udp') return { kind: 'udp', reason: 'connected over UDP (Semtech packet forwarder)' };
  if (protocol === 'ws' || protocol === 'wss') return { kind: 'lns', reason: 'connected as a Basic Station, never asked this deployment\'s CUPS' };
  if (protocol) return { kind: 'unknown', reason: `connected over ${protocol}` };
  if (gateway.require_authenticated_connection) return { kind: 'lns', reason: 'requires an authenticated connection (so not UDP), never asked this deployment\'s CUPS' };
  return { kind: 'unknown', reason: 'not connected and never asked this deployment\'s CUPS: choose its kind' };
}

/** What the run does with a gateway of this kind. */
export function actionOf(kind: GatewayKind, hasOwnerToken: boolean): GatewayAction {
  switch (kind) {
    case 'cups':
    case 'ttig':
      return 'repoint';
    case 'lns':
      return 'lns-files';
    case 'udp':
    case 'unknown':
      return 'udp-sheet';
    case 'claimable':
      return hasOwnerToken ? 'claim' : 'manual';
  }
}

/** The actions that make a target LNS key (a gateway API key with the link right). */
export const needsLnsKey = (action: GatewayAction) => action === 'repoint' || action === 'lns-files';
/** The actions that create the gateway on the target with the registry API. */
export const createsOnTarget = (action: GatewayAction) => action === 'repoint' || action === 'lns-files' || action === 'udp-sheet';
