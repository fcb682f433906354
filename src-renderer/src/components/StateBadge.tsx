import type { DeviceState } from '../ipc/types';
import { DEVICE_STATES } from '../lib/device-states';
import { Icon } from './Icon';

/** A device's state as icon + words (+ colour): never colour alone. */
export function StateBadge({ state, withHint = false }: { state: DeviceState; withHint?: boolean }) {
  const look = DEVICE_STATES[state];
  return (
    <span className={`state state-${look.tone}${look.active ? ' state-active' : ''}`} title={look.hint}>
      <Icon name={look.icon} />
      <span className="state-label">{look.label}</span>
      {withHint ? <span className="visually-hidden">: {look.hint}</span> : null}
    </span>
  );
}
