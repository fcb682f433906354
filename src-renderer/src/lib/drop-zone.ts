// The target pane registers itself as the place a dragged selection can be dropped.
let zone: HTMLElement | null = null;

export function setDropZone(element: HTMLElement | null): void {
  zone = element;
}

export function isOverDropZone(x: number, y: number): boolean {
  if (!zone) return false;
  const r = zone.getBoundingClientRect();
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
}
