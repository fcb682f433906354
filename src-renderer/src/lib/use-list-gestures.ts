// Mouse gestures of a selectable list (source devices, source gateways), like a desktop file manager:
// - press on a row and drag: rubber-band selection (auto-scrolls near the edges);
//   with ctrl/cmd held it adds to the selection;
// - press on a selected row and drag: carries the selection; drop it on the list's drop zone;
// - click: select one; shift-click: range from the anchor; ctrl/cmd-click: toggle.
import { useCallback, useEffect, useRef, type MouseEvent as ReactMouseEvent, type RefObject } from 'react';
import { dropZoneRect, type DropZoneName } from './drop-zone';
import { bandSelect, clickRow, type SelectionState } from './selection';

/** A selection carried towards a drop zone. */
export interface DragState {
  active: boolean;
  overTarget: boolean;
  count: number;
  x: number;
  y: number;
}

export const NO_DRAG: DragState = { active: false, overTarget: false, count: 0, x: 0, y: 0 };

/** Where a list keeps its selection and drag, and what a drop does. */
export interface ListGestureHost {
  /** Every row has this height (the gestures find rows by position). */
  rowHeight: number;
  dropZone: DropZoneName;
  selection(): SelectionState;
  setSelection(selection: SelectionState): void;
  clearSelection(): void;
  setDrag(patch: Partial<DragState>): void;
  /** The selection was dropped on the drop zone. */
  onDrop(): void;
}

export interface BandRect {
  top: number;
  height: number;
  left: number;
  width: number;
}

type Gesture =
  | { kind: 'idle' }
  | { kind: 'press-selected'; index: number; x: number; y: number }
  | { kind: 'press'; index: number; x: number; y: number; contentY: number; base: ReadonlySet<string>; toggle: boolean }
  | { kind: 'band'; index: number; x: number; contentY: number; base: ReadonlySet<string> }
  | { kind: 'drag' };

const DRAG_THRESHOLD = 5;
/** Distance from the top or bottom edge where dragging scrolls the list. */
const EDGE = 40;
/** Pixels per second: faster the deeper the pointer is in the edge zone (and beyond it). */
const scrollSpeed = (depth: number) => Math.min(4000, 250 + depth * 40);

export function useListGestures(
  scrollRef: RefObject<HTMLDivElement | null>,
  viewIds: readonly string[],
  onBand: (band: BandRect | null) => void,
  host: ListGestureHost,
) {
  const hostRef = useRef(host);
  hostRef.current = host;
  const ROW_HEIGHT = host.rowHeight;
  const gesture = useRef<Gesture>({ kind: 'idle' });
  const pointer = useRef({ x: 0, y: 0 });
  const frame = useRef<number | undefined>(undefined);
  /** The drop zone's rectangle while carrying a selection (read once, when the carry starts). */
  const zone = useRef<DOMRect | undefined>(undefined);
  const lastFrame = useRef(0);
  const ids = useRef(viewIds);
  ids.current = viewIds;

  /**
   * The list's rectangle: read on press, and again at the next frame only when the list was
   * resized during the gesture (the pane's notes or the window changed; a ResizeObserver says
   * so). Pointer moves and frames read no layout.
   */
  const rectRef = useRef<DOMRect | undefined>(undefined);
  const rectStale = useRef(false);
  const resizes = useRef<ResizeObserver | undefined>(undefined);
  /** The pointer moved since the band was last drawn. */
  const moved = useRef(false);
  /** The band's rows and scroll position when it was last drawn. */
  const drawn = useRef({ from: -1, to: -1, scrollTop: -1, x: -1, y: -1 });

  const updateBand = useCallback(() => {
    const g = gesture.current;
    const el = scrollRef.current;
    const rect = rectRef.current;
    if (g.kind !== 'band' || !el || !rect) return;
    moved.current = false;
    const view = ids.current;
    const height = view.length * ROW_HEIGHT;
    const scrollTop = el.scrollTop;
    const contentY = Math.max(0, Math.min(height - 1, pointer.current.y - rect.top + scrollTop));
    const from = Math.min(view.length - 1, Math.floor(g.contentY / ROW_HEIGHT));
    const to = Math.min(view.length - 1, Math.floor(contentY / ROW_HEIGHT));
    if (from < 0 || to < 0) return;
    const d = drawn.current;
    if (d.from === from && d.to === to && d.scrollTop === scrollTop && d.x === pointer.current.x && d.y === pointer.current.y) return;
    // A new selection only when the band covers other rows (a set of up to every row in view).
    if (d.from !== from || d.to !== to) hostRef.current.setSelection({ selected: bandSelect(g.base, view, from, to), anchorId: view[from], focusId: view[to] });
    drawn.current = { from, to, scrollTop, x: pointer.current.x, y: pointer.current.y };
    const x = Math.max(0, Math.min(el.clientWidth, pointer.current.x - rect.left));
    onBand({
      top: Math.min(g.contentY, contentY),
      height: Math.max(1, Math.abs(contentY - g.contentY)),
      left: Math.min(g.x, x),
      width: Math.max(1, Math.abs(x - g.x)),
    });
  }, [scrollRef, onBand, ROW_HEIGHT]);

  // Once a frame while banding: auto-scroll near the edges, then the band follows the pointer
  // and the scroll position (pointer moves only record where the pointer is).
  // Time-based, so a slow frame rate does not slow the scrolling down.
  const autoScroll = useCallback(
    (time: number) => {
      frame.current = undefined;
      const el = scrollRef.current;
      if (gesture.current.kind !== 'band' || !el) return;
      const dt = Math.min(100, lastFrame.current ? time - lastFrame.current : 16);
      lastFrame.current = time;
      if (rectStale.current || !rectRef.current) {
        rectStale.current = false;
        rectRef.current = el.getBoundingClientRect();
      }
      const rect = rectRef.current;
      const y = pointer.current.y;
      let speed = 0;
      if (y < rect.top + EDGE) speed = -scrollSpeed(rect.top + EDGE - y);
      else if (y > rect.bottom - EDGE) speed = scrollSpeed(y - (rect.bottom - EDGE));
      if (speed !== 0) el.scrollTop = el.scrollTop + Math.round((speed * dt) / 1000);
      if (moved.current || el.scrollTop !== drawn.current.scrollTop) updateBand();
      frame.current = requestAnimationFrame(autoScroll);
    },
    [scrollRef, updateBand],
  );

  const overZone = useCallback((x: number, y: number) => {
    const r = zone.current;
    return r !== undefined && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }, []);

  const onMove = useCallback(
    (e: MouseEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
      const g = gesture.current;
      if (g.kind === 'press' || g.kind === 'press-selected') {
        if (Math.hypot(e.clientX - g.x, e.clientY - g.y) < DRAG_THRESHOLD) return;
        if (g.kind === 'press-selected') {
          gesture.current = { kind: 'drag' };
          zone.current = dropZoneRect(hostRef.current.dropZone);
          document.body.classList.add('is-dragging');
          hostRef.current.setDrag({ active: true, count: hostRef.current.selection().selected.size, x: e.clientX, y: e.clientY, overTarget: false });
          return;
        }
        const rect = rectRef.current;
        if (!rect) return;
        gesture.current = { kind: 'band', index: g.index, x: g.x - rect.left, contentY: g.contentY, base: g.base };
        drawn.current = { from: -1, to: -1, scrollTop: -1, x: -1, y: -1 };
        document.body.classList.add('is-banding');
        lastFrame.current = 0;
        updateBand();
        frame.current ??= requestAnimationFrame(autoScroll);
        return;
      }
      if (g.kind === 'band') moved.current = true;
      else if (g.kind === 'drag') hostRef.current.setDrag({ x: e.clientX, y: e.clientY, overTarget: overZone(e.clientX, e.clientY) });
    },
    [autoScroll, updateBand, overZone],
  );

  // Stable listeners that call the latest handlers (set below, after `end`).
  const handlers = useRef<{ up: (e: MouseEvent) => void; key: (e: KeyboardEvent) => void }>({ up: () => {}, key: () => {} });
  const onUp = useCallback((e: MouseEvent) => handlers.current.up(e), []);
  const onKey = useCallback((e: KeyboardEvent) => handlers.current.key(e), []);

  const end = useCallback(() => {
    gesture.current = { kind: 'idle' };
    if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    frame.current = undefined;
    document.body.classList.remove('is-dragging', 'is-banding');
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    window.removeEventListener('keydown', onKey, true);
    resizes.current?.disconnect();
    resizes.current = undefined;
    onBand(null);
  }, [onMove, onUp, onKey, onBand]);

  handlers.current.up = (e: MouseEvent) => {
    const g = gesture.current;
    const h = hostRef.current;
    if (g.kind === 'press-selected') {
      h.setSelection(clickRow(h.selection(), ids.current, g.index, { shift: false, toggle: false }));
    } else if (g.kind === 'press' && g.toggle) {
      h.setSelection(clickRow(h.selection(), ids.current, g.index, { shift: false, toggle: true }));
    } else if (g.kind === 'band') {
      if (moved.current) updateBand(); // the last move, not drawn yet
    } else if (g.kind === 'drag') {
      const over = overZone(e.clientX, e.clientY);
      h.setDrag({ active: false, overTarget: false });
      end();
      if (over) h.onDrop();
      return;
    }
    end();
  };
  handlers.current.key = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    if (gesture.current.kind === 'drag') hostRef.current.setDrag({ active: false, overTarget: false });
    end();
  };

  useEffect(() => () => end(), [end]);

  const onMouseDown = useCallback(
    (e: ReactMouseEvent<HTMLDivElement>) => {
      const el = scrollRef.current;
      if (e.button !== 0 || !el) return;
      const rect = el.getBoundingClientRect();
      rectRef.current = rect;
      rectStale.current = false;
      if (e.clientX >= rect.left + el.clientWidth) return; // the scrollbar
      e.preventDefault(); // no text selection while dragging
      el.focus({ preventScroll: true });
      const view = ids.current;
      const contentY = e.clientY - rect.top + el.scrollTop;
      const hit = Math.floor(contentY / ROW_HEIGHT);
      const onRow = hit >= 0 && hit < view.length;
      const index = onRow ? hit : view.length - 1;
      const mods = { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey };
      const h = hostRef.current;
      const selection = h.selection();
      pointer.current = { x: e.clientX, y: e.clientY };
      if (mods.shift && onRow) {
        h.setSelection(clickRow(selection, view, index, mods));
        return;
      }
      const id = onRow ? view[index] : undefined;
      if (id !== undefined && !mods.toggle && selection.selected.has(id)) {
        gesture.current = { kind: 'press-selected', index, x: e.clientX, y: e.clientY };
      } else {
        if (!mods.toggle) {
          if (onRow) h.setSelection(clickRow(selection, view, index, mods));
          else h.clearSelection();
        }
        if (view.length === 0) return;
        gesture.current = {
          kind: 'press',
          index,
          x: e.clientX,
          y: e.clientY,
          contentY: Math.min(contentY, view.length * ROW_HEIGHT - 1),
          base: mods.toggle ? selection.selected : new Set(),
          toggle: mods.toggle && onRow,
        };
      }
      window.addEventListener('mousemove', onMove);
      window.addEventListener('mouseup', onUp);
      window.addEventListener('keydown', onKey, true);
      resizes.current?.disconnect();
      // Its first call (the size when observed) costs one more read, in the first frame.
      resizes.current = new ResizeObserver(() => {
        rectStale.current = true;
      });
      resizes.current.observe(el);
    },
    [scrollRef, onMove, onUp, onKey, ROW_HEIGHT],
  );

  return { onMouseDown };
}
