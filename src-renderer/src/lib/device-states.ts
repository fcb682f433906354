// Every per-device migration state in words, with an icon and a tone. The tone adds colour;
// the icon and the words carry the meaning on their own.
import type { DeviceState } from '../ipc/types';

export type Tone = 'neutral' | 'busy' | 'good' | 'wait' | 'bad' | 'muted';
export type IconName =
  | 'queued' | 'reading' | 'quieting' | 'creating' | 'verifying' | 'retiring' | 'trigger' | 'trigger-sent' | 'waiting' | 'joined'
  | 'reprogram' | 'failed' | 'rolled-back' | 'cancelled' | 'skipped' | 'blocked';

export interface StateLook {
  label: string;
  /** What it means for the person, in one sentence. */
  hint: string;
  icon: IconName;
  tone: Tone;
  /** Still moving: its icon pulses. */
  active?: boolean;
  /** Nothing more happens to the device in this run (it may still join later). */
  settled?: boolean;
}

export const DEVICE_STATES: Record<DeviceState, StateLook> = {
  queued: { label: 'Queued', hint: 'Waiting for its turn.', icon: 'queued', tone: 'neutral' },
  reading: { label: 'Reading', hint: 'Reading the device from the source.', icon: 'reading', tone: 'busy', active: true },
  quieting: { label: 'Quieting source', hint: 'Turning off downlinks on the source so it does not answer the device.', icon: 'quieting', tone: 'busy', active: true },
  creating: { label: 'Creating', hint: 'Creating the device on the target.', icon: 'creating', tone: 'busy', active: true },
  verifying: { label: 'Verifying', hint: 'Reading the target device back and comparing it with the plan.', icon: 'verifying', tone: 'busy', active: true },
  retiring: { label: 'Retiring source', hint: 'Rotating the key or deleting the device on the source.', icon: 'retiring', tone: 'busy', active: true },
  triggering: { label: 'Sending trigger', hint: 'Putting the re-join trigger in the source’s downlink queue (the device can no longer join the source).', icon: 'trigger', tone: 'busy', active: true },
  'trigger-queued': { label: 'Trigger queued', hint: 'The source sends the trigger after the device’s next uplink; the other devices go on meanwhile.', icon: 'trigger', tone: 'wait' },
  'trigger-sent': { label: 'Trigger sent', hint: 'The source sent the trigger: the device restarts and joins the target.', icon: 'trigger-sent', tone: 'wait' },
  'waiting-join': { label: 'Waiting for join', hint: 'On the target; waiting for its join request or first uplink.', icon: 'waiting', tone: 'wait', settled: true },
  moved: { label: 'Moved', hint: 'On the target, the source retired; a multicast device sends no uplinks, so there is no join to wait for.', icon: 'joined', tone: 'good', settled: true },
  joined: { label: 'Joined', hint: 'The device joined the target.', icon: 'joined', tone: 'good', settled: true },
  'awaiting-reprogram': { label: 'Awaiting re-programming', hint: 'On the target with a new session; re-program the device, then retire it on the source.', icon: 'reprogram', tone: 'wait', settled: true },
  failed: { label: 'Failed', hint: 'Not migrated; the source is as it was.', icon: 'failed', tone: 'bad', settled: true },
  'rolled-back': { label: 'Rolled back', hint: 'The target parts were removed and the source restored.', icon: 'rolled-back', tone: 'bad', settled: true },
  cancelled: { label: 'Cancelled', hint: 'Not migrated: the run was cancelled.', icon: 'cancelled', tone: 'muted', settled: true },
  skipped: { label: 'Skipped', hint: 'Already on the target, or left out.', icon: 'skipped', tone: 'muted', settled: true },
  blocked: { label: 'Blocked', hint: 'The plan found a problem with this device.', icon: 'blocked', tone: 'bad', settled: true },
};

/** The order counts are shown in: the order of the record above (which the type keeps complete). */
export const STATE_ORDER = Object.keys(DEVICE_STATES) as DeviceState[];

/** States after which the device needs nothing more from the run. */
export const SETTLED: ReadonlySet<DeviceState> = new Set(STATE_ORDER.filter((s) => DEVICE_STATES[s].settled));
