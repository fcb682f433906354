import { Icon } from '../../components/Icon';
import { plural } from '../../lib/format';
import { useWorkspace } from '../../stores/workspace';

/** What follows the pointer while a selection is dragged. */
export function DragGhost() {
  const drag = useWorkspace((s) => s.drag);
  if (!drag.active) return null;
  return (
    <div className={`drag-ghost${drag.overTarget ? ' is-over' : ''}`} aria-hidden="true" style={{ transform: `translate(${drag.x + 14}px, ${drag.y + 12}px)` }}>
      <Icon name="grip" /> {plural(drag.count, 'device')}
    </div>
  );
}
