// The target panes register themselves as the places a dragged selection can be dropped:
// one zone per kind of list (devices, gateways).
export type DropZoneName = 'devices' | 'gateways';

const zones = new Map<DropZoneName, HTMLElement>();

export function setDropZone(name: DropZoneName, element: HTMLElement | null): void {
  if (element) zones.set(name, element);
  else zones.delete(name);
}

/** The zone's rectangle now (read once when a carry starts: the zone does not move during one). */
export function dropZoneRect(name: DropZoneName): DOMRect | undefined {
  return zones.get(name)?.getBoundingClientRect();
}
