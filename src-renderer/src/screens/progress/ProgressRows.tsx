// One row per device: its state as icon and words, and the reason when it failed.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef } from 'react';
import { Icon } from '../../components/Icon';
import { StateBadge } from '../../components/StateBadge';
import type { DeviceState } from '../../ipc/types';
import { DEVICE_STATES } from '../../lib/device-states';
import { formatClock } from '../../lib/format';
import { useRun, type DeviceProgress } from '../../stores/run';

const ROW = 32;

export function ProgressRows({ filter, retired }: { filter: DeviceState | 'all'; retired: ReadonlySet<string> }) {
  const order = useRun((s) => s.order);
  const devices = useRun((s) => s.devices);
  const version = useRun((s) => s.version);
  const ids = useMemo(() => {
    void version;
    return filter === 'all' ? order : order.filter((id) => devices.get(id)?.state === filter);
  }, [order, devices, version, filter]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Rows with a reason wrap onto more lines: measured, keyed by device.
  const estimateSize = useCallback((i: number) => {
    const d = devices.get(ids[i] as string);
    return d?.error || d?.triggerQueuedAt || d?.triggerSentAt ? ROW + 18 : ROW;
  }, [devices, ids]);
  const getItemKey = useCallback((i: number) => ids[i] ?? i, [ids]);
  const virtualizer = useVirtualizer({ count: ids.length, getScrollElement: () => scrollRef.current, estimateSize, getItemKey, overscan: 10 });
  if (ids.length === 0) return <p className="muted progress-empty">No device in this state.</p>;
  return (
    <div ref={scrollRef} className="progress-list" role="list" aria-label="Devices in this run" data-testid="progress-rows">
      <div className="list-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const id = ids[item.index] as string;
          const d = devices.get(id);
          return d ? (
            <ProgressRow key={id} id={id} index={item.index} measure={virtualizer.measureElement} device={d} top={item.start} odd={item.index % 2 === 1} retired={retired.has(id)} />
          ) : null;
        })}
      </div>
    </div>
  );
}

const ProgressRow = memo(function ProgressRow(props: {
  id: string;
  index: number;
  measure(el: Element | null): void;
  device: DeviceProgress;
  top: number;
  odd: boolean;
  retired: boolean;
}) {
  const { id, index, measure, device, top, odd, retired } = props;
  return (
    <div ref={measure} data-index={index} role="listitem" className={`progress-row${odd ? ' is-odd' : ''} progress-${device.state}`} style={{ transform: `translateY(${top}px)` }} data-device-id={id} data-state={device.state}>
      <span className="progress-state">
        <StateBadge state={device.state} />
      </span>
      <span className="progress-device">
        <span className="device-id">{id}</span>
        {device.targetId && device.targetId !== id ? (
          <>
            <Icon name="arrow-right" /> <span className="device-id">{device.targetId}</span>
          </>
        ) : null}
      </span>
      <span className="progress-detail">
        <StepTimes device={device} />
        {device.error ? (
          <span className="text-bad" title={device.error}>
            {device.error}
          </span>
        ) : (
          <span className="muted">{retired ? 'Retired on the source.' : DEVICE_STATES[device.state].hint}</span>
        )}
      </span>
    </div>
  );
});

/** "Trigger queued 14:02:11 · Trigger sent 14:05:40 · Joined target 14:06:02": when each step happened. */
function StepTimes({ device }: { device: DeviceProgress }) {
  const steps = [
    { label: 'Trigger queued', at: device.triggerQueuedAt, icon: 'trigger' as const },
    { label: 'Trigger sent', at: device.triggerSentAt, icon: 'trigger-sent' as const },
    { label: 'Joined target', at: device.joinedAt, icon: 'joined' as const },
  ].filter((s): s is { label: string; at: number; icon: 'trigger' | 'trigger-sent' | 'joined' } => s.at !== undefined);
  if (steps.length === 0) return null;
  return (
    <span className="step-times" data-testid="step-times">
      {steps.map((s) => (
        <span key={s.label} className={`step-time step-time-${s.icon}`}>
          <Icon name={s.icon} /> {s.label} <time dateTime={new Date(s.at).toISOString()}>{formatClock(s.at)}</time>
        </span>
      ))}
    </span>
  );
}
