// The target pane: the target's devices, and the selection as it would land — new, in
// conflict, or already migrated. It is also where a dragged selection is dropped.
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Callout } from '../../components/Callout';
import { Icon, type IconName } from '../../components/Icon';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import type { DeviceRow } from '../../ipc/types';
import { requestDetails } from '../../lib/details-loader';
import { setDropZone } from '../../lib/drop-zone';
import { filterRows, needsDetails, type DeviceDetails } from '../../lib/filters';
import { plural } from '../../lib/format';
import { buildTargetEntries, countMarks, indexSides, MARK_LABELS, type TargetEntry, type TargetMark } from '../../lib/target-marks';
import { useNow } from '../../lib/use-now';
import { useThrottled } from '../../lib/use-throttled';
import { usePlan } from '../../stores/plan';
import { useWorkspace, type TargetMarkFilter } from '../../stores/workspace';
import { DetailCells, EuiCell, IdCell, ROW_HEIGHT, SeenCell } from './DeviceCells';
import { FilterBar } from './FilterBar';
import { SideHeader } from './SideHeader';
import { Empty, Loading } from './SourcePane';

const MARK_ICONS: Record<TargetMark, IconName> = { new: 'plus', conflict: 'warning', migrated: 'check', existing: 'list' };

export function TargetPane() {
  const now = useNow();
  const target = useWorkspace((s) => s.target);
  // While a long list streams in, the marks are recomputed about once a second, not per page.
  const sourceLoading = useWorkspace((s) => s.source.listState === 'loading' || s.target.listState === 'loading');
  const sourceRows = useThrottled(useWorkspace((s) => s.source.rows), sourceLoading ? 1000 : 0);
  const targetRows = useThrottled(useWorkspace((s) => s.target.rows), sourceLoading ? 1000 : 0);
  const sourceDetails = useWorkspace((s) => s.source.details);
  const sourceDetailsVersion = useWorkspace((s) => s.source.detailsVersion);
  // The selection as it would land follows a rubber band a frame or so behind it: its entries
  // (up to every selected device) are built in a render that yields to the band's frames.
  const selected = useDeferredValue(useWorkspace((s) => s.selection.selected));
  const markFilter = useWorkspace((s) => s.targetMarkFilter);
  const drag = useWorkspace((s) => s.drag);
  const mapping = usePlan((s) => s.options.idMapping);

  const index = useMemo(() => indexSides(targetRows, sourceRows), [targetRows, sourceRows]);
  const entries = useMemo(() => buildTargetEntries(index, selected, mapping), [index, selected, mapping]);
  const counts = useMemo(() => countMarks(entries), [entries]);
  const detailsOf = useCallback(
    (e: TargetEntry) => (e.planned && e.sourceId && e.mark !== 'migrated' ? sourceDetails.get(e.sourceId) : target.details.get(e.row.id)),
    [sourceDetails, target.details],
  );
  const view = useMemo(() => {
    void target.detailsVersion;
    void sourceDetailsVersion;
    const byMark = markFilter === 'all' ? entries : entries.filter((e) => e.mark === markFilter);
    const rows = byMark.map((e) => e.row);
    return filterRows(rows, (_row, i) => detailsOf(byMark[i] as TargetEntry), target.filters, now).map((i) => byMark[i] as TargetEntry);
  }, [entries, markFilter, target.filters, target.detailsVersion, sourceDetailsVersion, detailsOf, now]);

  useEffect(() => {
    if (!needsDetails(target.filters)) return;
    const ids: string[] = [];
    for (const r of target.rows) if (r && !target.details.has(r.id)) ids.push(r.id);
    if (ids.length) requestDetails('target', ids, true);
  }, [target.filters, target.rows, target.details]);

  const paneRef = useCallback((el: HTMLElement | null) => setDropZone('devices', el), []);
  const ready = Boolean(target.ref?.applicationId);

  return (
    <section
      ref={paneRef}
      className={`pane pane-target${drag.active ? ' is-drop-armed' : ''}${drag.overTarget ? ' is-drop-over' : ''}`}
      aria-labelledby="target-pane-title"
      data-testid="target-pane"
    >
      <SideHeader side="target" shown={target.rows.length ? view.filter((e) => !e.planned || e.mark === 'migrated').length : undefined} />
      <FilterBar side="target" />
      <MarkFilter counts={counts} value={markFilter} total={entries.length} />
      <div className="list-head list-cols list-cols-target" aria-hidden="true">
        <span className="cell">Status</span>
        <span className="cell">Device</span>
        <span className="cell">DevEUI</span>
        <span className="cell">Act.</span>
        <span className="cell">Version</span>
        <span className="cell">Last seen</span>
      </div>
      {!target.ref ? (
        <Empty icon="plug" title="Choose a target connection" text="Pick the deployment your devices should move to." />
      ) : !ready ? (
        <Empty icon="app" title="Choose a target application" text="Pick the application the devices should land in." />
      ) : target.listState === 'error' ? (
        <div className="pane-body-message">
          <Callout tone="error" role="alert" title="The target devices could not be listed.">
            {target.listError}
            <span className="callout-hint">
              A new application? Drop the devices here all the same: the plan can create it when it brings the application along.
            </span>
          </Callout>
        </div>
      ) : target.listState === 'loading' && target.received === 0 && entries.length === 0 ? (
        <Loading />
      ) : entries.length === 0 && target.listState === 'done' ? (
        <Empty icon="list" title="No devices yet" text="Drag devices from the source and drop them here to plan their migration." />
      ) : view.length === 0 ? (
        <Empty icon="search" title="No devices match" text="Change the search or the filters to see more devices." />
      ) : (
        <TargetList view={view} detailsOf={detailsOf} now={now} />
      )}
      {drag.active ? (
        <div className="drop-overlay" aria-hidden={!drag.active}>
          <div className="drop-card" role="status">
            <Icon name="arrow-right" />
            <span>{drag.overTarget ? `Drop here to plan ${plural(drag.count, 'device')}` : `Drag here to plan ${plural(drag.count, 'device')}`}</span>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function MarkFilter({ counts, value, total }: { counts: Record<TargetMark, number>; value: TargetMarkFilter; total: number }) {
  const set = useWorkspace((s) => s.setTargetMarkFilter);
  const options: { id: TargetMarkFilter; label: string; n: number }[] = [
    { id: 'all', label: 'All', n: total },
    ...(['new', 'conflict', 'migrated', 'existing'] as const).map((m) => ({ id: m, label: MARK_LABELS[m], n: counts[m] })),
  ];
  return (
    <div className="mark-filter" role="radiogroup" aria-label="Show target devices">
      {options.map((o) => (
        <button
          key={o.id}
          type="button"
          role="radio"
          aria-checked={value === o.id}
          className={`mark-chip mark-chip-${o.id}${value === o.id ? ' is-on' : ''}`}
          onClick={() => set(o.id)}
          disabled={o.n === 0 && o.id !== 'all' && value !== o.id}
        >
          {o.id !== 'all' ? <Icon name={MARK_ICONS[o.id]} /> : null}
          {o.label} <span className="mark-count">{o.n.toLocaleString('en')}</span>
        </button>
      ))}
    </div>
  );
}

const TargetList = memo(function TargetList({ view, detailsOf, now }: { view: TargetEntry[]; detailsOf(e: TargetEntry): DeviceDetails | undefined; now: number }) {
  const list = useRef<VirtualListHandle>(null);
  const [focus, setFocus] = useState(0);

  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const targetIds: string[] = [];
      const sourceIds: string[] = [];
      for (let i = first; i <= last; i++) {
        const e = view[i];
        if (!e) continue;
        if (e.planned && e.sourceId && e.mark !== 'migrated') sourceIds.push(e.sourceId);
        else targetIds.push(e.row.id);
      }
      if (targetIds.length) requestDetails('target', targetIds);
      if (sourceIds.length) requestDetails('source', sourceIds);
    },
    [view],
  );

  const clamped = Math.min(focus, view.length - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = list.current?.pageRows() ?? 1;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(view.length - 1, clamped + delta));
    setFocus(next);
    list.current?.scrollToIndex(next);
  };

  return (
    <VirtualList
      items={view}
      rowHeight={ROW_HEIGHT}
      overscan={6}
      handle={list}
      onRangeChange={onRangeChange}
      className="list list-target"
      role="listbox"
      aria-labelledby="target-pane-title"
      tabIndex={0}
      onKeyDown={onKeyDown}
      active={{ index: clamped, id: `target-row-${clamped}` }}
      data-testid="target-list"
      renderRow={(entry, index) => (
        <TargetRow
          key={`${entry.planned ? 'p' : 'e'}-${entry.row.id}`}
          entry={entry}
          index={index}
          setSize={view.length}
          focused={index === clamped}
          details={detailsOf(entry)}
          now={now}
        />
      )}
    />
  );
});

const TargetRow = memo(function TargetRow(props: {
  entry: TargetEntry;
  index: number;
  setSize: number;
  focused: boolean;
  details: DeviceDetails | undefined;
  now: number;
}) {
  const { entry, index, setSize, focused, details, now } = props;
  const row: DeviceRow = entry.row;
  return (
    <div
      id={`target-row-${index}`}
      role="option"
      aria-selected={focused}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row list-cols list-cols-target${entry.planned ? ' is-planned' : ''}${focused ? ' is-focused' : ''}${index % 2 ? ' is-odd' : ''} row-mark-${entry.mark}`}
      data-device-id={row.id}
      data-mark={entry.mark}
      title={entry.reason}
    >
      <span className="cell cell-mark">
        <span className={`mark mark-${entry.mark}`}>
          <Icon name={MARK_ICONS[entry.mark]} />
          {MARK_LABELS[entry.mark]}
        </span>
      </span>
      <IdCell row={row} />
      <EuiCell row={row} />
      <DetailCells details={details} plan={false} />
      {entry.planned && entry.mark !== 'migrated' ? (
        <span className="cell cell-seen muted">{entry.mark === 'conflict' ? 'taken' : 'planned'}</span>
      ) : (
        <SeenCell row={row} now={now} />
      )}
    </div>
  );
});
