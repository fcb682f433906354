// The source pane: the devices that can be moved, multi-selectable with mouse and keyboard.
import { memo, useCallback, useDeferredValue, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import type { DeviceRow } from '../../ipc/types';
import { requestDetails } from '../../lib/details-loader';
import { needsDetails, NO_FILTERS } from '../../lib/filters';
import type { DeviceDetails } from '../../lib/filters';
import { formatCount, plural } from '../../lib/format';
import { keyAction, keyActionOf } from '../../lib/selection';
import { useListGestures, type BandRect, type ListGestureHost } from '../../lib/use-list-gestures';
import { planSelection } from '../../lib/plan-selection';
import { useNow } from '../../lib/use-now';
import { useWorkspace } from '../../stores/workspace';
import { DetailCells, EuiCell, IdCell, ROW_HEIGHT, SeenCell } from './DeviceCells';
import { FilterBar } from './FilterBar';
import { SideHeader } from './SideHeader';
import { useFilteredRows } from './useFilteredRows';

const optionId = (id: string) => `source-device-${id}`;

/** The device selection lives in the workspace; a drop on the target pane plans it. */
const DEVICE_GESTURES: ListGestureHost = {
  rowHeight: ROW_HEIGHT,
  dropZone: 'devices',
  selection: () => useWorkspace.getState().selection,
  setSelection: (selection) => useWorkspace.getState().setSelection(selection),
  clearSelection: () => useWorkspace.getState().clearSelection(),
  setDrag: (patch) => useWorkspace.getState().setDrag(patch),
  onDrop: planSelection,
};

export function SourcePane() {
  const now = useNow();
  const { view, detailsKnown } = useFilteredRows('source', now);
  const side = useWorkspace((s) => s.source);
  // Counted over the whole view: deferred, so that a rubber band's frames do not wait for it.
  const selected = useDeferredValue(useWorkspace((s) => s.selection.selected));
  const wantsDetails = needsDetails(side.filters);
  const hiddenSelected = useMemo(() => {
    if (selected.size === 0) return 0;
    let shown = 0;
    for (const r of view) if (selected.has(r.id)) shown++;
    return selected.size - shown;
  }, [selected, view]);
  return (
    <section className="pane pane-source" aria-labelledby="source-pane-title" data-testid="source-pane">
      <SideHeader side="source" shown={view.length} />
      <FilterBar side="source" />
      {wantsDetails && detailsKnown < side.received ? (
        <div className="pane-note" role="status">
          <span className="spinner" aria-hidden="true" /> Reading activation, version and frequency plan: {formatCount(detailsKnown)} of {formatCount(side.received)} devices…
        </div>
      ) : null}
      {hiddenSelected > 0 ? (
        <div className="pane-note pane-note-info">
          <Icon name="filter" />
          <span>{plural(hiddenSelected, 'selected device is', 'selected devices are')} hidden by the filters.</span>
          <button type="button" className="button button-ghost button-small" onClick={() => useWorkspace.getState().setFilters('source', NO_FILTERS)}>
            Show all devices
          </button>
        </div>
      ) : null}
      <div className="list-head list-cols list-cols-source" aria-hidden="true">
        <span className="cell cell-check" />
        <span className="cell">Device</span>
        <span className="cell">DevEUI</span>
        <span className="cell">Act.</span>
        <span className="cell">Version</span>
        <span className="cell">Frequency plan</span>
        <span className="cell">Last seen</span>
      </div>
      <SourceBody view={view} now={now} />
    </section>
  );
}

function SourceBody({ view, now }: { view: DeviceRow[]; now: number }) {
  const side = useWorkspace((s) => s.source);
  if (!side.ref) return <Empty icon="plug" title="Choose a source connection" text="Pick the deployment your devices are on now." />;
  if (!side.ref.applicationId) return <Empty icon="app" title="Choose a source application" text="Pick the application whose devices you want to move." />;
  if (side.listState === 'error') {
    return (
      <div className="pane-body-message">
        <Callout tone="error" role="alert" title="The source devices could not be listed.">
          {side.listError}
        </Callout>
      </div>
    );
  }
  if (side.listState === 'done' && side.total === 0) return <Empty icon="list" title="No devices" text="This application has no end devices." />;
  if (side.listState === 'loading' && side.received === 0) return <Loading />;
  return <SourceList view={view} now={now} />;
}

export function Loading() {
  return (
    <div className="pane-empty" role="status">
      <span className="spinner" aria-hidden="true" />
      <div className="muted">Loading devices…</div>
    </div>
  );
}

export function Empty({ icon, title, text }: { icon: 'plug' | 'app' | 'list' | 'search'; title: string; text: string }) {
  return (
    <div className="pane-empty">
      <Icon name={icon} />
      <div className="pane-empty-title">{title}</div>
      <div className="muted">{text}</div>
    </div>
  );
}

function SourceList({ view, now }: { view: DeviceRow[]; now: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const list = useRef<VirtualListHandle>(null);
  const selection = useWorkspace((s) => s.selection);
  const details = useWorkspace((s) => s.source.details);
  useWorkspace((s) => s.source.detailsVersion);
  const viewIds = useMemo(() => view.map((r) => r.id), [view]);
  const [band, setBand] = useState<BandRect | null>(null);
  const { onMouseDown } = useListGestures(scrollRef, viewIds, setBand, DEVICE_GESTURES);

  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const ids: string[] = [];
      for (let i = first; i <= last; i++) {
        const r = view[i];
        if (r) ids.push(r.id);
      }
      if (ids.length) requestDetails('source', ids);
    },
    [view],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const action = keyActionOf(e, list.current?.pageRows() ?? 1);
      if (!action) return;
      e.preventDefault();
      const ws = useWorkspace.getState();
      const next = keyAction(ws.selection, viewIds, action);
      ws.setSelection(next);
      const index = next.focusId !== undefined ? viewIds.indexOf(next.focusId) : -1;
      if (index >= 0 && action.kind !== 'select-all') list.current?.scrollToIndex(index);
    },
    [viewIds],
  );

  const focusIndex = useMemo(() => (selection.focusId !== undefined ? viewIds.indexOf(selection.focusId) : -1), [viewIds, selection.focusId]);

  if (view.length === 0) {
    return <Empty icon="search" title="No devices match" text="Change the search or the filters to see more devices." />;
  }
  return (
    <VirtualList
      items={view}
      rowHeight={ROW_HEIGHT}
      overscan={6}
      scrollRef={scrollRef}
      handle={list}
      onRangeChange={onRangeChange}
      className="list list-source"
      role="listbox"
      aria-multiselectable="true"
      aria-labelledby="source-pane-title"
      aria-describedby="source-list-help"
      active={focusIndex >= 0 && selection.focusId ? { index: focusIndex, id: optionId(selection.focusId) } : undefined}
      tabIndex={0}
      onMouseDown={onMouseDown}
      onKeyDown={onKeyDown}
      data-testid="source-list"
      before={
        <span id="source-list-help" className="visually-hidden">
          Drag across rows to select, shift-click for a range, control-click to add or remove one. Arrow keys move, shift with arrows extends,
          space toggles, control A selects all, Escape clears. Drag the selection onto the target to plan the migration.
        </span>
      }
      overlay={band ? <div className="band" aria-hidden="true" style={{ top: band.top, height: band.height, left: band.left, width: band.width }} /> : null}
      renderRow={(row, index) => (
        <SourceRow
          key={row.id}
          row={row}
          index={index}
          setSize={view.length}
          selected={selection.selected.has(row.id)}
          focused={selection.focusId === row.id}
          details={details.get(row.id)}
          now={now}
        />
      )}
    />
  );
}

const SourceRow = memo(function SourceRow(props: {
  row: DeviceRow;
  index: number;
  setSize: number;
  selected: boolean;
  focused: boolean;
  details: DeviceDetails | undefined;
  now: number;
}) {
  const { row, index, setSize, selected, focused, details, now } = props;
  return (
    <div
      id={optionId(row.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row list-cols list-cols-source${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${index % 2 ? ' is-odd' : ''}`}
      data-device-id={row.id}
    >
      <span className="cell cell-check" aria-hidden="true">
        <span className="checkbox">{selected ? <Icon name="check" /> : null}</span>
      </span>
      <IdCell row={row} />
      <EuiCell row={row} />
      <DetailCells details={details} />
      <SeenCell row={row} now={now} />
    </div>
  );
});
