import type { DragState } from '../lib/use-list-gestures';
import { plural } from '../lib/format';
import { Icon } from './Icon';

/** What follows the pointer while a selection is dragged. */
export function DragGhost({ drag, noun }: { drag: DragState; noun: string }) {
  if (!drag.active) return null;
  return (
    <div className={`drag-ghost${drag.overTarget ? ' is-over' : ''}`} aria-hidden="true" style={{ transform: `translate(${drag.x + 14}px, ${drag.y + 12}px)` }}>
      <Icon name="grip" /> {plural(drag.count, noun)}
    </div>
  );
}
