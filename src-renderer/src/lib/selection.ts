// Multi-selection in a list, the way desktop file managers do it. Pure functions over the
// ids in view (filtered order); the selection itself is a set of device ids.

export interface SelectionState {
  selected: ReadonlySet<string>;
  /** Where shift-ranges start. */
  anchorId?: string;
  /** The row the keyboard is on. */
  focusId?: string;
}

export interface Modifiers {
  shift: boolean;
  /** ctrl on Linux/Windows, cmd on macOS. */
  toggle: boolean;
}

function range(view: readonly string[], from: number, to: number): string[] {
  const [a, b] = from <= to ? [from, to] : [to, from];
  return view.slice(Math.max(0, a), Math.min(view.length - 1, b) + 1);
}

/** A click on the row at `index`. */
export function clickRow(state: SelectionState, view: readonly string[], index: number, mods: Modifiers): SelectionState {
  const id = view[index];
  if (id === undefined) return state;
  if (mods.shift) {
    const anchorIndex = state.anchorId !== undefined ? view.indexOf(state.anchorId) : -1;
    const from = anchorIndex >= 0 ? anchorIndex : index;
    const ids = range(view, from, index);
    const selected = mods.toggle ? new Set([...state.selected, ...ids]) : new Set(ids);
    return { selected, anchorId: view[from], focusId: id };
  }
  if (mods.toggle) {
    const selected = new Set(state.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { selected, anchorId: id, focusId: id };
  }
  return { selected: new Set([id]), anchorId: id, focusId: id };
}

/** A rubber band from row `from` to row `to` (inclusive); with `base`, adds to it. */
export function bandSelect(base: ReadonlySet<string>, view: readonly string[], from: number, to: number): ReadonlySet<string> {
  const ids = range(view, from, to);
  if (base.size === 0) return new Set(ids);
  const selected = new Set(base);
  for (const id of ids) selected.add(id);
  return selected;
}

export type KeyAction =
  | { kind: 'move'; delta: number; extend: boolean; keepSelection: boolean }
  | { kind: 'edge'; to: 'start' | 'end'; extend: boolean }
  | { kind: 'toggle-focused' }
  | { kind: 'select-all' }
  | { kind: 'clear' };

/** Arrow keys, Home/End, PageUp/PageDown, space, ctrl/cmd+A and Escape. */
export function keyAction(state: SelectionState, view: readonly string[], action: KeyAction): SelectionState {
  if (view.length === 0) return action.kind === 'clear' ? { selected: new Set() } : state;
  const focusIndex = state.focusId !== undefined ? view.indexOf(state.focusId) : -1;
  switch (action.kind) {
    case 'select-all':
      return { selected: new Set(view), anchorId: state.anchorId ?? view[0], focusId: state.focusId ?? view[0] };
    case 'clear':
      return { selected: new Set(), anchorId: state.focusId, focusId: state.focusId };
    case 'toggle-focused': {
      const id = focusIndex >= 0 ? view[focusIndex] : view[0];
      if (id === undefined) return state;
      const selected = new Set(state.selected);
      if (selected.has(id)) selected.delete(id);
      else selected.add(id);
      return { selected, anchorId: id, focusId: id };
    }
    case 'move':
    case 'edge': {
      const target =
        action.kind === 'edge'
          ? action.to === 'start' ? 0 : view.length - 1
          : focusIndex < 0 ? (action.delta > 0 ? 0 : view.length - 1) : Math.min(view.length - 1, Math.max(0, focusIndex + action.delta));
      const id = view[target] as string;
      if (action.kind === 'move' && action.keepSelection) return { ...state, focusId: id };
      if (action.extend) {
        const anchorIndex = state.anchorId !== undefined ? view.indexOf(state.anchorId) : -1;
        const from = anchorIndex >= 0 ? anchorIndex : Math.max(focusIndex, 0);
        return { selected: new Set(range(view, from, target)), anchorId: view[from], focusId: id };
      }
      return { selected: new Set([id]), anchorId: id, focusId: id };
    }
  }
}

/** The selection key of a keyboard event in a list (undefined: not one), `pageRows` rows per page. */
export function keyActionOf(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }, pageRows: number): KeyAction | undefined {
  const toggle = e.ctrlKey || e.metaKey;
  switch (e.key) {
    case 'ArrowDown':
    case 'ArrowUp':
      return { kind: 'move', delta: e.key === 'ArrowDown' ? 1 : -1, extend: e.shiftKey, keepSelection: toggle && !e.shiftKey };
    case 'PageDown':
    case 'PageUp':
      return { kind: 'move', delta: e.key === 'PageDown' ? pageRows : -pageRows, extend: e.shiftKey, keepSelection: toggle && !e.shiftKey };
    case 'Home':
    case 'End':
      return { kind: 'edge', to: e.key === 'Home' ? 'start' : 'end', extend: e.shiftKey };
    case ' ':
      return { kind: 'toggle-focused' };
    case 'Escape':
      return { kind: 'clear' };
    case 'a':
    case 'A':
      return toggle ? { kind: 'select-all' } : undefined;
    default:
      return undefined;
  }
}
