// The arrivals report in the order and words of the view: stragglers first, the most urgent
// advice on top; what each advice means; which stragglers may get a second trigger.
import type { ArrivalAdvice, ArrivalRow } from '../ipc/types';

export type ArrivalsFilter = 'stragglers' | 'joined' | 'not-expected' | 'all';

export const ADVICE_LABEL: Record<ArrivalAdvice, string> = {
  none: 'Nothing to do',
  wait: 'Wait',
  'trigger-again': 'Trigger again',
  'power-cycle': 'Power-cycle it',
  'check-coverage': 'Check its gateway coverage',
  reprogram: 'Re-program it',
};

/** Stragglers by what to do, most actionable first. */
const ADVICE_ORDER: Record<ArrivalAdvice, number> = { 'trigger-again': 0, 'power-cycle': 1, 'check-coverage': 2, reprogram: 3, wait: 4, none: 5 };
const STATUS_ORDER: Record<ArrivalRow['status'], number> = { straggler: 0, joined: 1, 'not-expected': 2 };

export function sortArrivals(rows: readonly ArrivalRow[]): ArrivalRow[] {
  return [...rows].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || ADVICE_ORDER[a.advice] - ADVICE_ORDER[b.advice] || a.sourceId.localeCompare(b.sourceId),
  );
}

export function filterArrivals(rows: readonly ArrivalRow[], filter: ArrivalsFilter): ArrivalRow[] {
  if (filter === 'all') return rows as ArrivalRow[];
  const status = filter === 'stragglers' ? 'straggler' : filter;
  return rows.filter((r) => r.status === status);
}

/** A second trigger is offered only where the check advises it (and the device has a command). */
export const canTriggerAgain = (row: ArrivalRow) => row.status === 'straggler' && row.advice === 'trigger-again';

export const TRIGGER_STATE_LABEL: Record<NonNullable<ArrivalRow['trigger']>['state'], string> = {
  queued: 'Queued, not sent yet',
  sent: 'Sent',
  'not-sent': 'Not sent',
};
