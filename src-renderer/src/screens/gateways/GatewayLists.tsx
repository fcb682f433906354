// The gateway lists of both panes: the source's (multi-selectable with mouse and keyboard, the
// same gestures as the device list) and the target's (the selection as it would land first).
import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon';
import { VirtualList, type VirtualListHandle } from '../../components/VirtualList';
import type { GatewayRow } from '../../ipc/types';
import { formatAgo, formatEui } from '../../lib/format';
import { KIND_LABELS, MARK_WORDS, markOf, type GatewayMark } from '../../lib/gateways';
import { planGatewaySelection } from '../../lib/plan-gateways';
import { keyAction, keyActionOf } from '../../lib/selection';
import { useListGestures, type BandRect, type ListGestureHost } from '../../lib/use-list-gestures';
import { useNow } from '../../lib/use-now';
import { useGateways } from '../../stores/gateways';

/** Two lines a row: id and name; EUI and frequency plans; kind and why; server and last update. */
export const GATEWAY_ROW_HEIGHT = 44;
const optionId = (id: string) => `source-gateway-${id}`;

const GATEWAY_GESTURES: ListGestureHost = {
  rowHeight: GATEWAY_ROW_HEIGHT,
  dropZone: 'gateways',
  selection: () => useGateways.getState().selection,
  setSelection: (selection) => useGateways.getState().setSelection(selection),
  clearSelection: () => useGateways.getState().clearSelection(),
  setDrag: (patch) => useGateways.getState().setDrag(patch),
  onDrop: planGatewaySelection,
};

export function GatewaySourceList({ view }: { view: GatewayRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const list = useRef<VirtualListHandle>(null);
  const now = useNow();
  const selection = useGateways((s) => s.selection);
  const viewIds = useMemo(() => view.map((r) => r.id), [view]);
  const [band, setBand] = useState<BandRect | null>(null);
  const { onMouseDown } = useListGestures(scrollRef, viewIds, setBand, GATEWAY_GESTURES);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key === 'Enter' && useGateways.getState().selection.selected.size > 0) {
        e.preventDefault();
        planGatewaySelection();
        return;
      }
      const action = keyActionOf(e, list.current?.pageRows() ?? 1);
      if (!action) return;
      e.preventDefault();
      const g = useGateways.getState();
      const next = keyAction(g.selection, viewIds, action);
      g.setSelection(next);
      const index = next.focusId !== undefined ? viewIds.indexOf(next.focusId) : -1;
      if (index >= 0 && action.kind !== 'select-all') list.current?.scrollToIndex(index);
    },
    [viewIds],
  );

  const focusIndex = useMemo(() => (selection.focusId !== undefined ? viewIds.indexOf(selection.focusId) : -1), [viewIds, selection.focusId]);
  return (
    <VirtualList
      items={view}
      rowHeight={GATEWAY_ROW_HEIGHT}
      overscan={4}
      scrollRef={scrollRef}
      handle={list}
      className="list list-source list-gateways"
      role="listbox"
      aria-multiselectable="true"
      aria-labelledby="source-gateways-title"
      aria-describedby="source-gateways-help"
      active={focusIndex >= 0 && selection.focusId ? { index: focusIndex, id: optionId(selection.focusId) } : undefined}
      tabIndex={0}
      onMouseDown={onMouseDown}
      onKeyDown={onKeyDown}
      data-testid="source-gateway-list"
      before={
        <span id="source-gateways-help" className="visually-hidden">
          Drag across rows to select, shift-click for a range, control-click to add or remove one. Arrow keys move, shift with arrows extends,
          space toggles, control A selects all, Escape clears, Enter plans the selection. Drag the selection onto the target to plan moving it.
        </span>
      }
      overlay={band ? <div className="band" aria-hidden="true" style={{ top: band.top, height: band.height, left: band.left, width: band.width }} /> : null}
      renderRow={(row, index) => (
        <SourceGatewayRow
          key={row.id}
          row={row}
          index={index}
          setSize={view.length}
          selected={selection.selected.has(row.id)}
          focused={selection.focusId === row.id}
          now={now}
        />
      )}
    />
  );
}

const SourceGatewayRow = memo(function SourceGatewayRow(props: { row: GatewayRow; index: number; setSize: number; selected: boolean; focused: boolean; now: number }) {
  const { row, index, setSize, selected, focused, now } = props;
  return (
    <div
      id={optionId(row.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row gateway-row gateway-cols gateway-cols-source${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${index % 2 ? ' is-odd' : ''}`}
      data-gateway-id={row.id}
    >
      <span className="cell cell-check" aria-hidden="true">
        <span className="checkbox">{selected ? <Icon name="check" /> : null}</span>
      </span>
      <GatewayCells row={row} now={now} />
    </div>
  );
});

/** Id and name, EUI and frequency plans, kind and its reason, server address and last update. */
function GatewayCells({ row, now }: { row: GatewayRow; now: number }) {
  const plans = row.frequencyPlanIds.join(', ');
  return (
    <>
      <span className="cell cell-two" title={row.name ? `${row.id} — ${row.name}` : row.id}>
        <span className="device-id">{row.id}</span>
        <span className="cell-sub">{row.name || <span className="muted">no name</span>}</span>
      </span>
      <span className="cell cell-two">
        <span className="mono cell-eui">{formatEui(row.eui) || <span className="muted">no EUI</span>}</span>
        <span className="cell-sub" title={plans}>
          {plans || 'no frequency plan'}
        </span>
      </span>
      <span className="cell cell-two" title={`${KIND_LABELS[row.kind]}: ${row.kindReason}`} data-kind={row.kind}>
        <span className={`gateway-kind gateway-kind-${row.kind}`}>{KIND_LABELS[row.kind]}</span>
        <span className="cell-sub">{row.kindReason}</span>
      </span>
      <span className="cell cell-two">
        <span className="mono cell-server" title={row.serverAddress}>
          {row.serverAddress || <span className="muted">no server address</span>}
        </span>
        <span className="cell-sub" title={row.updatedAt}>
          {row.updatedAt ? `updated ${formatAgo(row.updatedAt, now)}` : ''}
        </span>
      </span>
    </>
  );
}

interface TargetGatewayEntry {
  row: GatewayRow;
  planned: boolean;
  mark: GatewayMark | 'existing';
  reason?: string;
}

const MARK_ICONS = { new: 'plus', 'on-target': 'check', 'eui-taken': 'warning', existing: 'list' } as const;

export function GatewayTargetList() {
  const now = useNow();
  const selected = useGateways((s) => s.selection.selected);
  const sourceRows = useGateways((s) => s.source.rows);
  const targetRows = useGateways((s) => s.target.rows);
  const entries = useMemo(() => {
    const planned: TargetGatewayEntry[] = sourceRows.filter((r) => selected.has(r.id)).map((r) => ({ row: r, planned: true, ...markOf(r, targetRows) }));
    const plannedIds = new Set(planned.filter((e) => e.mark === 'on-target').map((e) => e.row.id));
    const existing: TargetGatewayEntry[] = targetRows.filter((r) => !plannedIds.has(r.id)).map((r) => ({ row: r, planned: false, mark: 'existing' }));
    return [...planned, ...existing];
  }, [sourceRows, targetRows, selected]);
  const [focus, setFocus] = useState(0);
  const list = useRef<VirtualListHandle>(null);
  if (entries.length === 0) {
    return (
      <div className="pane-empty">
        <Icon name="list" />
        <div className="pane-empty-title">No gateways yet</div>
        <div className="muted">Drag gateways from the source and drop them here to plan moving them.</div>
      </div>
    );
  }
  const clamped = Math.min(focus, entries.length - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = list.current?.pageRows() ?? 1;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(entries.length - 1, clamped + delta));
    setFocus(next);
    list.current?.scrollToIndex(next);
  };
  return (
    <VirtualList
      items={entries}
      rowHeight={GATEWAY_ROW_HEIGHT}
      overscan={4}
      handle={list}
      className="list list-target list-gateways"
      role="listbox"
      aria-labelledby="target-gateways-title"
      tabIndex={0}
      onKeyDown={onKeyDown}
      active={{ index: clamped, id: `target-gateway-${clamped}` }}
      data-testid="target-gateway-list"
      renderRow={(entry, index) => <TargetGatewayRow key={`${entry.planned ? 'p' : 'e'}-${entry.row.id}`} entry={entry} index={index} setSize={entries.length} focused={index === clamped} now={now} />}
    />
  );
}

const TargetGatewayRow = memo(function TargetGatewayRow(props: { entry: TargetGatewayEntry; index: number; setSize: number; focused: boolean; now: number }) {
  const { entry, index, setSize, focused, now } = props;
  return (
    <div
      id={`target-gateway-${index}`}
      role="option"
      aria-selected={focused}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row gateway-row gateway-cols gateway-cols-target${entry.planned ? ' is-planned' : ''}${focused ? ' is-focused' : ''}${index % 2 ? ' is-odd' : ''} row-gw-mark-${entry.mark}`}
      data-gateway-id={entry.row.id}
      data-mark={entry.mark}
      title={entry.reason}
    >
      <span className="cell cell-mark">
        <span className={`mark gw-mark-${entry.mark}`}>
          <Icon name={MARK_ICONS[entry.mark]} />
          {entry.mark === 'existing' ? 'Existing' : MARK_WORDS[entry.mark]}
        </span>
      </span>
      <GatewayCells row={entry.row} now={now} />
    </div>
  );
});
