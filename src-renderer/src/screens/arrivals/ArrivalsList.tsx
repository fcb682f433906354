// One row per device of the run: where it was last heard on each side, its trigger, and
// what to do. Virtualized: a run can have tens of thousands of devices.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useRef } from 'react';
import { Icon } from '../../components/Icon';
import type { ArrivalRow } from '../../ipc/types';
import { ADVICE_LABEL, canTriggerAgain, TRIGGER_STATE_LABEL } from '../../lib/arrivals';
import { formatAgo, formatDateTime, formatEui, formatWhen } from '../../lib/format';
import { useNow } from '../../lib/use-now';

const ROW = 52;

export function ArrivalsList({ rows, selected, onToggle }: { rows: readonly ArrivalRow[]; selected: ReadonlySet<string>; onToggle(id: string, on: boolean): void }) {
  const now = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((i: number) => rows[i]?.sourceId ?? i, [rows]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, getItemKey, overscan: 8 });
  if (rows.length === 0) return <p className="muted progress-empty">No device in this group.</p>;
  return (
    <>
      <div className="arrivals-cols arrivals-head" aria-hidden="true">
        <span />
        <span>Device</span>
        <span>Status</span>
        <span>Last heard on source</span>
        <span>Last heard on target</span>
        <span>Trigger</span>
        <span>What to do</span>
      </div>
      <div ref={scrollRef} className="arrivals-list" role="list" aria-label="Devices of the run" data-testid="arrival-rows">
        <div className="list-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as ArrivalRow;
            return (
              <ArrivalItem
                key={row.sourceId}
                row={row}
                index={item.index}
                top={item.start}
                now={now}
                measure={virtualizer.measureElement}
                checked={selected.has(row.sourceId)}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </>
  );
}

const STATUS = {
  joined: { label: 'Joined', icon: 'joined' as const },
  straggler: { label: 'Not joined yet', icon: 'waiting' as const },
  'not-expected': { label: 'Nothing to wait for', icon: 'skipped' as const },
};

const ArrivalItem = memo(function ArrivalItem(props: {
  row: ArrivalRow;
  index: number;
  top: number;
  now: number;
  measure(el: Element | null): void;
  checked: boolean;
  onToggle(id: string, on: boolean): void;
}) {
  const { row, index, top, now, measure, checked, onToggle } = props;
  const selectable = canTriggerAgain(row);
  return (
    <div
      ref={measure}
      data-index={index}
      role="listitem"
      className={`arrivals-cols arrival-row arrival-${row.status}${index % 2 ? ' is-odd' : ''}${checked ? ' is-selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-device-id={row.sourceId}
      data-status={row.status}
      data-advice={row.advice}
    >
      <span className="arrival-check">
        {selectable ? <input type="checkbox" checked={checked} aria-label={`Trigger ${row.sourceId} again`} onChange={(e) => onToggle(row.sourceId, e.target.checked)} /> : null}
      </span>
      <span className="arrival-device">
        <span className="device-id">{row.sourceId}</span>
        {row.targetId !== row.sourceId ? (
          <span className="muted small">
            <Icon name="arrow-right" /> <span className="device-id">{row.targetId}</span>
          </span>
        ) : null}
        <span className="mono muted small">{formatEui(row.devEui)}</span>
      </span>
      <span className={`arrival-status state state-${row.status === 'joined' ? 'good' : row.status === 'straggler' ? 'wait' : 'muted'}`}>
        <Icon name={STATUS[row.status].icon} /> {STATUS[row.status].label}
        {row.joinedAt ? <span className="muted small arrival-sub">{formatWhen(row.joinedAt, now)}</span> : null}
      </span>
      <span className="arrival-seen" title={row.lastSeenSource ? formatDateTime(row.lastSeenSource) : undefined}>
        {formatAgo(row.lastSeenSource, now)}
        {row.sourceHeardSinceMove ? (
          <span className="arrival-flag">
            <Icon name="warning" /> since the move
          </span>
        ) : null}
      </span>
      <span className="arrival-seen" title={row.lastSeenTarget ? formatDateTime(row.lastSeenTarget) : undefined}>
        {formatAgo(row.lastSeenTarget, now)}
      </span>
      <span className="arrival-trigger">
        {row.trigger ? (
          <>
            <span className="small">{row.trigger.name}</span>
            <span className={`small arrival-trigger-state arrival-trigger-${row.trigger.state}`}>
              {TRIGGER_STATE_LABEL[row.trigger.state]}
              {row.trigger.state === 'sent' && row.trigger.sentAt ? ` ${formatWhen(row.trigger.sentAt, now)}` : ''}
              {row.trigger.state === 'queued' && row.trigger.queuedAt ? ` (queued ${formatWhen(row.trigger.queuedAt, now)})` : ''}
            </span>
          </>
        ) : (
          <span className="muted small">none</span>
        )}
      </span>
      <span className={`arrival-advice advice-${row.advice}`}>
        <strong>{ADVICE_LABEL[row.advice]}</strong>
        <span className="small">{row.adviceText}</span>
      </span>
    </div>
  );
});
