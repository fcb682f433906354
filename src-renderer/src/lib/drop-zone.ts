// The target panes register themselves as the places a dragged selection can be dropped:
// one zone per kind of list (devices, gateways).
export type DropZoneName = 'devices' | 'gateways';

const zones = new Map<DropZoneName, HTMLElement>();

export function setDropZone(name: DropZoneName, element: HTMLElement | null): void {
  if (element) zones.set(name, element);
  else zones.delete(name);
}

export function isOverDropZone(name: DropZoneName, x: number, y: number): boolean {
  const zone = zones.get(name);
  if (!zone) return false;
  const r = zone.getBoundingClientRect();
  return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
}
