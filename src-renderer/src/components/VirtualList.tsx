// The one virtual list every long list of fixed-height rows uses (the source and target
// device lists, both gateway lists): only the rows in view, and a few beyond them in the
// direction of the scroll, are in the document. Keyboard, selection and gestures stay with the
// caller (lib/selection.ts, lib/use-list-gestures.ts); the caller renders memoized rows.
//
// How it is fast (measured with `npm run bench -- renderer` and traces of the same scrolls:
// headless Chromium, software rendering, 50,000 rows; the list scrolls on the main thread, so
// every rendered row is painted again in every frame that scrolls):
// - the window is computed from `scrollTop` and the viewport's height (kept by a
//   ResizeObserver: a scroll reads no layout) and rendered in the scroll event (the rows are
//   right in the frame that shows them), only when the rows in view, or the next scroll at the
//   same speed, would leave it: most slow scroll events render nothing;
// - beyond the view it renders `overscan` rows (more when scrolling faster: the next scroll
//   lands on rendered rows) ahead and 2 behind; faster than a view a frame, only the view: half
//   as many rows as before to lay out and paint when every frame shows new rows;
// - rows are blocks in the flow of one canvas padded down to the first one: no transform and
//   no paint layer per row (with `transform: translateY` each row was its own layer and chunk).
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactNode, type Ref, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export interface VirtualListHandle {
  /** Scrolls as little as needed to bring the row at `index` into view. */
  scrollToIndex(index: number): void;
  /** Whole rows in view, less one (a page for PageUp/PageDown), at least 1. */
  pageRows(): number;
}

export interface VirtualListProps<T> extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  items: readonly T[];
  /** Every row has this height in pixels (the stylesheet must agree). */
  rowHeight: number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  /** Renders the row at `index` (a block of `rowHeight`, in the flow: no positioning). Keep rows memoized. */
  renderRow(item: T, index: number): ReactNode;
  /** The scrolling element (the listbox), for gestures that need it. */
  scrollRef?: RefObject<HTMLDivElement | null>;
  handle?: Ref<VirtualListHandle>;
  /** The rows rendered changed: first and last index (inclusive; last < first when empty). */
  onRangeChange?(first: number, last: number): void;
  /** Before the canvas, inside the list (e.g. a visually hidden help text). */
  before?: ReactNode;
  /** Inside the canvas, after the rows (e.g. the rubber band). */
  overlay?: ReactNode;
  /** The id of the active row (aria-activedescendant) and its index: set only while that row is rendered. */
  active?: { index: number; id: string };
  'data-testid'?: string;
}

interface Range {
  start: number;
  end: number; // exclusive
}

/**
 * The rows to render for a view starting at `scrollTop`: those in view, `ahead` more in the
 * direction of the scroll (`dir`, +1 down, -1 up) and `behind` more on the other side.
 */
function rangeFor(scrollTop: number, viewport: number, count: number, rowHeight: number, ahead: number, behind: number, dir: number): Range {
  const first = Math.floor(scrollTop / rowHeight);
  const last = Math.ceil((scrollTop + viewport) / rowHeight);
  const start = Math.max(0, first - (dir < 0 ? ahead : behind));
  const end = Math.min(count, last + (dir < 0 ? behind : ahead));
  return { start, end: Math.max(start, end) };
}

/** True when `r` holds every row in view. */
function covers(r: Range, scrollTop: number, viewport: number, count: number, rowHeight: number): boolean {
  const first = Math.floor(scrollTop / rowHeight);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight));
  return r.start <= first && r.end >= last;
}

/** Rows rendered behind the view (against the direction of the scroll). */
const BEHIND = 2;

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 10, renderRow, scrollRef, handle, onRangeChange, before, overlay, active, ...rest } = props;
  const ownRef = useRef<HTMLDivElement>(null);
  const elRef = scrollRef ?? ownRef;
  const count = items.length;
  // The viewport's height, kept by a ResizeObserver (never read on scroll).
  const viewport = useRef(0);
  const lastTop = useRef(0);
  const [range, setRange] = useState<Range>({ start: 0, end: Math.min(count, 40 + overscan) });
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const params = useRef({ count, rowHeight, overscan });
  params.current = { count, rowHeight, overscan };

  /** Recomputes the window; renders (synchronously when `sync`) only when it no longer covers the view. */
  const update = useCallback(
    (sync: boolean, force = false) => {
      const el = elRef.current;
      if (!el) return;
      const { count, rowHeight, overscan } = params.current;
      const top = el.scrollTop;
      const moved = (top - lastTop.current) / rowHeight;
      lastTop.current = top;
      const dir = moved >= 0 ? 1 : -1;
      const speed = Math.ceil(Math.abs(moved));
      const viewRows = Math.ceil(viewport.current / rowHeight);
      // Rows beyond the view in the direction of the scroll: the next scroll of the same speed
      // lands on rendered rows. Faster than a view a frame, no overscan can do that: the view only.
      const ahead = speed > viewRows ? BEHIND : Math.max(overscan, speed + BEHIND);
      const current = rangeRef.current;
      const vh = viewport.current;
      if (!force && current.end <= count && covers(current, top, vh, count, rowHeight) && covers(current, Math.max(0, top + dir * speed * rowHeight), vh, count, rowHeight)) return;
      const next = rangeFor(top, vh, count, rowHeight, ahead, BEHIND, dir);
      if (next.start === current.start && next.end === current.end) return;
      rangeRef.current = next;
      if (sync) flushSync(() => setRange(next));
      else setRange(next);
    },
    [elRef],
  );

  useLayoutEffect(() => {
    const el = elRef.current;
    if (!el) return;
    viewport.current = el.clientHeight;
    update(false, true);
    const onScroll = () => update(true);
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(() => {
      viewport.current = el.clientHeight;
      update(false);
    });
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [elRef, update]);

  // The list or its row height changed: the window is recomputed (it may have shrunk past the end).
  useLayoutEffect(() => update(false, true), [count, rowHeight, overscan, update]);

  const start = Math.min(range.start, count);
  const end = Math.min(range.end, count);
  useEffect(() => {
    onRangeChange?.(start, end - 1);
  }, [start, end, onRangeChange]);

  useImperativeHandle(
    handle,
    () => ({
      scrollToIndex(index: number) {
        const el = elRef.current;
        if (!el) return;
        const { rowHeight } = params.current;
        const top = index * rowHeight;
        const height = viewport.current || el.clientHeight;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
        else return;
        update(false);
      },
      pageRows() {
        const height = viewport.current || elRef.current?.clientHeight || 300;
        return Math.max(1, Math.floor(height / params.current.rowHeight) - 1);
      },
    }),
    [elRef, update],
  );

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) rows.push(renderRow(items[i] as T, i));
  const activeRendered = active !== undefined && active.index >= start && active.index < end;
  return (
    <div ref={elRef} aria-activedescendant={activeRendered ? active.id : undefined} {...rest}>
      {before}
      <div className="list-canvas" style={{ height: count * rowHeight, paddingTop: start * rowHeight }}>
        {rows}
        {overlay}
      </div>
    </div>
  );
}
