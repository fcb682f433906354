// The application's settings in words: each plan status and run state with an icon and a
// tone (never colour alone), what the run does with an item, and the plan's facts about the
// target application.
import type { IconName } from '../components/Icon';
import type { ApplicationItemState, ApplicationItemStatus, ApplicationItemView, PlanView } from '../ipc/types';
import type { Tone } from './device-states';

export interface Look {
  label: string;
  icon: IconName;
  tone: Tone;
  active?: boolean;
}

export const ITEM_STATUS: Record<ApplicationItemStatus, Look & { hint: string }> = {
  new: { label: 'New', icon: 'plus', tone: 'busy', hint: 'The target does not have it yet.' },
  same: { label: 'Same', icon: 'check', tone: 'good', hint: 'The target has it with the same settings.' },
  differs: { label: 'Differs', icon: 'warning', tone: 'wait', hint: 'The target has it with other settings.' },
  'not-available': { label: 'Not available', icon: 'blocked', tone: 'bad', hint: 'The target does not offer it.' },
};

export const ITEM_STATE: Record<ApplicationItemState, Look & { hint: string }> = {
  writing: { label: 'Writing', icon: 'creating', tone: 'busy', active: true, hint: 'Writing it to the target and reading it back.' },
  written: { label: 'Written', icon: 'joined', tone: 'good', hint: 'On the target, read back and verified.' },
  kept: { label: 'Kept', icon: 'skipped', tone: 'muted', hint: 'The target keeps what it has.' },
  failed: { label: 'Failed', icon: 'failed', tone: 'bad', hint: 'Not carried: see the reason.' },
};

/** "3 new", "1 differs", "2 differ", "1 not available". */
export function statusCount(status: ApplicationItemStatus, n: number): string {
  const word = status === 'differs' ? (n === 1 ? 'differs' : 'differ') : status === 'not-available' ? 'not available' : status;
  return `${n} ${word}`;
}

/** What the run does with a planned item, in words. */
export function actionWords(item: ApplicationItemView): string {
  if (item.status === 'not-available') return 'Not carried';
  if (item.status === 'same') return 'Nothing to do';
  if (item.status === 'new') return item.action === 'write' ? 'Written to the target' : 'Not written';
  return item.action === 'write' ? 'The target’s is overwritten' : 'The target keeps its own';
}

/** "Webhook dashboard" → "webhook dashboard", for "Overwrite the target’s …". */
export const lowerFirst = (text: string) => (text ? text[0]!.toLowerCase() + text.slice(1) : text);

/** Per-device package associations: many, so shown as one group. */
export const isDeviceItem = (key: string) => key.startsWith('device-package:');

/** The target application does not exist (the plan of the application says so, or a blocker does). */
export function targetAppMissing(plan: PlanView | undefined): boolean {
  if (!plan) return false;
  if (plan.application) return !plan.application.targetExists;
  return plan.blockers.some((b) => b.code === 'target-app-missing');
}

/** A user or organization id as the target accepts it (application/options.ts). */
const OWNER_ID = /^[a-z0-9](?:-?[a-z0-9]){1,}$/;
export const ownerIdProblem = (id: string): string | undefined =>
  id === '' ? undefined : id.length > 36 ? 'At most 36 characters.' : OWNER_ID.test(id) ? undefined : 'Lower-case letters, digits and single dashes (at least 2 characters).';

export function countBy<T, K extends string>(list: readonly T[], key: (t: T) => K): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const t of list) counts[key(t)] = (counts[key(t)] ?? 0) + 1;
  return counts;
}

/** A line of a readable diff: added on the source's side, removed (the target's), or a field line. */
export function diffLineKind(line: string): 'add' | 'remove' | 'field' | 'more' {
  if (/^\s*\+ /.test(line)) return 'add';
  if (/^\s*[−-] /.test(line)) return 'remove';
  if (line.startsWith('… and ')) return 'more';
  return 'field';
}
