// One setting of the application in the plan: its status, what the run does with it, its
// notes, and — where the target has it differently — the differences and the choice to
// overwrite the target's.
import { useId } from 'react';
import { Icon } from '../../components/Icon';
import type { ApplicationItemStatus, ApplicationItemView } from '../../ipc/types';
import { actionWords, diffLineKind, ITEM_STATUS, lowerFirst, statusCount } from '../../lib/application';
import { usePlan } from '../../stores/plan';

const STATUSES: ApplicationItemStatus[] = ['new', 'same', 'differs', 'not-available'];

export function StatusBadge({ status }: { status: ApplicationItemStatus }) {
  const look = ITEM_STATUS[status];
  return (
    <span className={`app-status app-status-${status}`} title={look.hint}>
      <Icon name={look.icon} />
      <span>{look.label}</span>
    </span>
  );
}

/** "5 new · 1 same · 3 differ", each with its icon. */
export function StatusCounts({ counts, label, className = 'app-counts' }: { counts: Partial<Record<ApplicationItemStatus, number>>; label: string; className?: string }) {
  return (
    <ul className={className} aria-label={label}>
      {STATUSES.filter((s) => (counts[s] ?? 0) > 0).map((s) => (
        <li key={s} className={`app-status app-status-${s}`} title={ITEM_STATUS[s].hint}>
          <Icon name={ITEM_STATUS[s].icon} /> {statusCount(s, counts[s] ?? 0)}
        </li>
      ))}
    </ul>
  );
}

export function ApplicationItemRow({ item, chosen }: { item: ApplicationItemView; chosen: boolean }) {
  const ids = useId();
  const toggle = usePlan((s) => s.toggleOverwrite);
  const writes = item.action === 'write';
  return (
    <li className={`app-item app-item-${item.status}`} data-item-key={item.key} data-status={item.status} data-action={item.action}>
      <div className="app-item-main">
        <StatusBadge status={item.status} />
        <span className="app-item-label">{item.label}</span>
        <span className={`app-action${writes ? ' app-action-write' : ''}`} data-testid="app-action">
          <Icon name={writes ? 'save' : item.status === 'not-available' ? 'blocked' : 'shield'} /> {actionWords(item)}
        </span>
      </div>
      {item.notes.length > 0 ? (
        <ul className="app-notes">
          {item.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      {item.status === 'differs' ? (
        <div className="app-differs">
          {item.diff.length > 0 ? (
            <figure className="app-diff-figure">
              <figcaption id={`${ids}-diff`} className="app-diff-caption">
                How the target’s differs <span className="muted">(+ only on the source, − only on the target; secrets shown as ••••••)</span>
              </figcaption>
              <pre className="app-diff" aria-labelledby={`${ids}-diff`} tabIndex={0} data-testid="app-diff">
                {item.diff.map((line, i) => (
                  <span key={i} className={`diff-line diff-${diffLineKind(line)}`}>
                    {line}
                    {'\n'}
                  </span>
                ))}
              </pre>
            </figure>
          ) : (
            <p className="option-text">Only secret values differ (they are never shown).</p>
          )}
          <label className="check app-overwrite">
            <input type="checkbox" checked={chosen} onChange={(e) => toggle(item.key, e.target.checked)} />
            <span>
              Overwrite the target’s {lowerFirst(item.label)}
              <span className="option-text">{chosen ? 'The source’s settings replace the target’s.' : 'Unchecked: the target keeps its own settings.'}</span>
            </span>
          </label>
        </div>
      ) : null}
    </li>
  );
}
