// Where a gateway of a run stands, from its journal record (and the target's connection stats).
import type { DeviceJournalState, StepName } from '../migration/journal.js';
import type { GatewayPlanEntry, GatewayState, GatewayStatus } from './schema.js';

export const GW_RECORD = '@gw:';
export const recordOf = (id: string) => `${GW_RECORD}${id}`;

const STATE_OF: Partial<Record<StepName, GatewayState>> = {
  'gw-creating': 'creating', 'gw-created': 'created', 'gw-key-creating': 'created', 'gw-key-stored': 'key-stored',
  'gw-repointing': 'repointing', 'gw-repointed': 'waiting', 'gw-claiming': 'creating', 'gw-claimed': 'waiting',
  'gw-sheet': 'sheet', 'gw-connected': 'connected', 'gw-manual': 'manual', 'gw-skipped': 'skipped', 'gw-failed': 'failed',
  'gw-rolled-back': 'rolled-back',
};

/** Nothing left for the run to do (a sheet waits for the user, not for the run). */
export const FINAL_GATEWAY_STATES: ReadonlySet<GatewayState> = new Set(['connected', 'sheet', 'manual', 'skipped', 'failed', 'rolled-back']);

export function gatewayStatus(entry: GatewayPlanEntry, record: DeviceJournalState | undefined): GatewayStatus {
  const step = record?.step;
  const gw = record?.gw ?? {};
  const state: GatewayState = step ? (STATE_OF[step] ?? 'pending') : 'pending';
  const hasSheet = entry.action === 'lns-files' || entry.action === 'udp-sheet' || entry.action === 'manual';
  return {
    id: entry.id, targetId: gw.targetId ?? entry.id, kind: entry.kind, action: entry.action, state,
    ...(gw.since !== undefined ? { since: gw.since } : {}),
    ...(gw.connectedAt ? { connectedAt: gw.connectedAt } : {}),
    ...(gw.protocol ? { protocol: gw.protocol } : {}),
    ...(state === 'failed' && record?.error ? { error: record.error } : {}),
    hasSheet,
  };
}
