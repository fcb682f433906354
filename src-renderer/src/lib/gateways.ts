// Gateways in words: kinds (their labels from main's zod-free labels module), actions and run
// states with their icons and tones.
import type { IconName } from '../components/Icon';
import type { GatewayAction, GatewayRow, GatewayState } from '../ipc/types';
import type { Tone } from './device-states';

export { GATEWAY_KINDS, KIND_LABELS } from '../../../src-main/gateways/labels';

export const ACTION_LABELS: Record<GatewayAction, { label: string; hint: string }> = {
  repoint: { label: 'Re-pointed through CUPS', hint: 'Created on the target with an LNS key; the source’s CUPS sends the gateway to the target.' },
  'lns-files': { label: 'You install tc.uri and tc.key', hint: 'Created on the target with an LNS key; you install the two files on the gateway.' },
  'udp-sheet': { label: 'You change server_address', hint: 'Created on the target; you edit the packet forwarder’s server address.' },
  claim: { label: 'Claimed on the target', hint: 'Unclaimed on the source and claimed on the target with its owner token.' },
  manual: { label: 'By hand', hint: 'Nothing automated: the steps to do by hand.' },
  skip: { label: 'Already on the target', hint: 'The target has it already (same id and EUI): nothing to do.' },
};

export interface GatewayStateLook {
  label: string;
  hint: string;
  icon: IconName;
  tone: Tone;
  active?: boolean;
}

export const GATEWAY_STATES: Record<GatewayState, GatewayStateLook> = {
  pending: { label: 'Pending', hint: 'Waiting for its turn.', icon: 'queued', tone: 'neutral' },
  creating: { label: 'Creating', hint: 'Creating the gateway on the target.', icon: 'creating', tone: 'busy', active: true },
  created: { label: 'Created', hint: 'On the target.', icon: 'creating', tone: 'busy', active: true },
  'key-stored': { label: 'LNS key made', hint: 'The target’s LNS key for the gateway is made.', icon: 'key', tone: 'busy', active: true },
  repointing: { label: 'Re-pointing', hint: 'Writing the target’s address and LNS key on the source, for its CUPS to hand out.', icon: 'server', tone: 'busy', active: true },
  waiting: { label: 'Waiting', hint: 'Waiting for the gateway to reconnect to the target.', icon: 'waiting', tone: 'wait' },
  connected: { label: 'Connected', hint: 'The gateway is connected to the target.', icon: 'joined', tone: 'good' },
  sheet: { label: 'Sheet ready', hint: 'On the target; what to change on the gateway is in the sheet.', icon: 'save', tone: 'wait' },
  claimed: { label: 'Claimed', hint: 'Claimed on the target.', icon: 'joined', tone: 'good' },
  manual: { label: 'By hand', hint: 'Nothing automated: the steps are in the sheet.', icon: 'edit', tone: 'wait' },
  skipped: { label: 'Skipped', hint: 'Already on the target.', icon: 'skipped', tone: 'muted' },
  failed: { label: 'Failed', hint: 'Not moved; the source is as it was.', icon: 'failed', tone: 'bad' },
  'rolled-back': { label: 'Rolled back', hint: 'The source gateway is as it was; the target key was revoked.', icon: 'rolled-back', tone: 'bad' },
};

/** States in which a gateway can be rolled back (its source was or may have been changed). */
export const ROLLBACKABLE: ReadonlySet<GatewayState> = new Set(['created', 'key-stored', 'repointing', 'waiting', 'connected', 'sheet', 'claimed', 'failed']);

/** Elapsed time since `since`, short: '45 s', '3 min', '2 h 05 min'. */
export function formatElapsed(since: number, now: number): string {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Search over id, EUI and name. */
export function matchesGateway(row: GatewayRow, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return row.id.includes(q) || (row.eui ?? '').toLowerCase().includes(q.replace(/[^0-9a-f]/g, '') || q) || (row.name ?? '').toLowerCase().includes(q);
}

/** How a selected source gateway would land on the target. */
export type GatewayMark = 'new' | 'on-target' | 'eui-taken';

export function markOf(row: GatewayRow, target: readonly GatewayRow[]): { mark: GatewayMark; reason: string } {
  const sameId = target.find((t) => t.id === row.id);
  if (sameId && (!row.eui || !sameId.eui || sameId.eui.toLowerCase() === row.eui.toLowerCase())) return { mark: 'on-target', reason: 'The target has this gateway already: it is skipped.' };
  if (sameId) return { mark: 'eui-taken', reason: `The target has a gateway ${row.id} with another EUI.` };
  const sameEui = row.eui ? target.find((t) => t.eui?.toLowerCase() === row.eui?.toLowerCase()) : undefined;
  if (sameEui) return { mark: 'eui-taken', reason: `The target has this EUI as gateway ${sameEui.id}.` };
  return { mark: 'new', reason: 'Created on the target.' };
}

export const MARK_WORDS: Record<GatewayMark, string> = { new: 'New', 'on-target': 'On target', 'eui-taken': 'Taken' };
