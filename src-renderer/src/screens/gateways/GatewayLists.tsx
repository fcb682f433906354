// The gateway lists of both panes: the source's (multi-selectable with mouse and keyboard, the
// same gestures as the device list) and the target's (the selection as it would land first).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon';
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
const estimateSize = () => GATEWAY_ROW_HEIGHT;
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
  const now = useNow();
  const selection = useGateways((s) => s.selection);
  const viewIds = useMemo(() => view.map((r) => r.id), [view]);
  const [band, setBand] = useState<BandRect | null>(null);
  const { onMouseDown } = useListGestures(scrollRef, viewIds, setBand, GATEWAY_GESTURES);
  const virtualizer = useVirtualizer({ count: view.length, getScrollElement: () => scrollRef.current, estimateSize, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / GATEWAY_ROW_HEIGHT) - 1);
      if (e.key === 'Enter' && useGateways.getState().selection.selected.size > 0) {
        e.preventDefault();
        planGatewaySelection();
        return;
      }
      const action = keyActionOf(e, page);
      if (!action) return;
      e.preventDefault();
      const g = useGateways.getState();
      const next = keyAction(g.selection, viewIds, action);
      g.setSelection(next);
      const index = next.focusId !== undefined ? viewIds.indexOf(next.focusId) : -1;
      if (index >= 0 && action.kind !== 'select-all') virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    [viewIds, virtualizer],
  );

  const focusIndex = selection.focusId !== undefined ? viewIds.indexOf(selection.focusId) : -1;
  const focusRendered = focusIndex >= first && focusIndex <= last;
  return (
    <div
      ref={scrollRef}
      className="list list-source list-gateways"
      role="listbox"
      aria-multiselectable="true"
      aria-labelledby="source-gateways-title"
      aria-describedby="source-gateways-help"
      aria-activedescendant={focusRendered && selection.focusId ? optionId(selection.focusId) : undefined}
      tabIndex={0}
      onMouseDown={onMouseDown}
      onKeyDown={onKeyDown}
      data-testid="source-gateway-list"
    >
      <span id="source-gateways-help" className="visually-hidden">
        Drag across rows to select, shift-click for a range, control-click to add or remove one. Arrow keys move, shift with arrows extends,
        space toggles, control A selects all, Escape clears, Enter plans the selection. Drag the selection onto the target to plan moving it.
      </span>
      <div className="list-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = view[item.index] as GatewayRow;
          return (
            <SourceGatewayRow
              key={row.id}
              row={row}
              index={item.index}
              setSize={view.length}
              top={item.start}
              selected={selection.selected.has(row.id)}
              focused={selection.focusId === row.id}
              now={now}
            />
          );
        })}
        {band ? <div className="band" aria-hidden="true" style={{ top: band.top, height: band.height, left: band.left, width: band.width }} /> : null}
      </div>
    </div>
  );
}

const SourceGatewayRow = memo(function SourceGatewayRow(props: { row: GatewayRow; index: number; setSize: number; top: number; selected: boolean; focused: boolean; now: number }) {
  const { row, index, setSize, top, selected, focused, now } = props;
  return (
    <div
      id={optionId(row.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row gateway-row gateway-cols gateway-cols-source${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${index % 2 ? ' is-odd' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
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
  const scrollRef = useRef<HTMLDivElement>(null);
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
  const virtualizer = useVirtualizer({ count: entries.length, getScrollElement: () => scrollRef.current, estimateSize, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
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
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / GATEWAY_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(entries.length - 1, clamped + delta));
    setFocus(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  return (
    <div
      ref={scrollRef}
      className="list list-target list-gateways"
      role="listbox"
      aria-labelledby="target-gateways-title"
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-activedescendant={clamped >= first && clamped <= last ? `target-gateway-${clamped}` : undefined}
      data-testid="target-gateway-list"
    >
      <div className="list-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const entry = entries[item.index] as TargetGatewayEntry;
          return (
            <div
              key={`${entry.planned ? 'p' : 'e'}-${entry.row.id}`}
              id={`target-gateway-${item.index}`}
              role="option"
              aria-selected={item.index === clamped}
              aria-posinset={item.index + 1}
              aria-setsize={entries.length}
              className={`row gateway-row gateway-cols gateway-cols-target${entry.planned ? ' is-planned' : ''}${item.index === clamped ? ' is-focused' : ''}${item.index % 2 ? ' is-odd' : ''} row-gw-mark-${entry.mark}`}
              style={{ transform: `translateY(${item.start}px)` }}
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
        })}
      </div>
    </div>
  );
}
