// Every device of the plan with every blocker and warning, in words.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Icon } from '../../components/Icon';
import type { DevicePlanView, PlannedTrigger, PlanView } from '../../ipc/types';
import { formatEui, formatLorawanVersion } from '../../lib/format';

type Show = 'all' | 'ready' | 'blocked' | 'already-migrated' | 'warnings' | 'trigger' | 'no-trigger';

const STATUS = {
  ready: { label: 'Ready', icon: 'check' as const },
  blocked: { label: 'Blocked', icon: 'blocked' as const },
  'already-migrated': { label: 'Already migrated', icon: 'skipped' as const },
};

export function PlanDevices({ plan }: { plan: PlanView }) {
  // The group chosen stays when the plan is made again (an option changed), while it exists.
  const [chosen, setShow] = useState<Show>();
  const withWarnings = useMemo(() => plan.devices.filter((d) => d.warnings.length > 0).length, [plan]);
  const triggers = plan.options.trigger !== undefined;
  const tabs: { id: Show; label: string; n: number }[] = [
    { id: 'all', label: 'All', n: plan.devices.length },
    { id: 'ready', label: 'Ready', n: plan.counts.ready },
    { id: 'blocked', label: 'Blocked', n: plan.counts.blocked },
    { id: 'already-migrated', label: 'Already migrated', n: plan.counts.alreadyMigrated },
    { id: 'warnings', label: 'With warnings', n: withWarnings },
    ...(triggers
      ? [
          { id: 'trigger' as const, label: 'With a trigger', n: plan.devices.filter((d) => shows(d, 'trigger')).length },
          { id: 'no-trigger' as const, label: 'No trigger known', n: plan.devices.filter((d) => shows(d, 'no-trigger')).length },
        ]
      : []),
  ];
  const show = chosen && tabs.some((t) => t.id === chosen) ? chosen : plan.counts.blocked > 0 ? 'blocked' : 'all';
  const devices = useMemo(() => plan.devices.filter((d) => shows(d, show)), [plan, show]);
  return (
    <section className="card plan-devices" aria-labelledby="plan-devices-title">
      <div className="plan-devices-head">
        <h3 id="plan-devices-title" className="card-title">
          Devices
        </h3>
        <div className="mark-filter" role="radiogroup" aria-label="Show devices">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="radio" aria-checked={show === t.id} className={`mark-chip${show === t.id ? ' is-on' : ''}`} onClick={() => setShow(t.id)}>
              {t.label} <span className="mark-count">{t.n.toLocaleString('en')}</span>
            </button>
          ))}
        </div>
      </div>
      <PlanDeviceList devices={devices} />
    </section>
  );
}

function shows(d: DevicePlanView, show: Show): boolean {
  switch (show) {
    case 'all':
      return true;
    case 'warnings':
      return d.warnings.length > 0;
    case 'trigger':
      return d.status === 'ready' && Boolean(d.trigger);
    case 'no-trigger':
      return d.status === 'ready' && d.trigger === null;
    default:
      return d.status === show;
  }
}

function PlanDeviceList({ devices }: { devices: DevicePlanView[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable callbacks: the virtualizer re-measures every row when they change.
  const estimateSize = useCallback((i: number) => 34 + 20 * ((devices[i]?.blockers.length ?? 0) + (devices[i]?.warnings.length ?? 0)), [devices]);
  const getItemKey = useCallback((i: number) => devices[i]?.sourceId ?? i, [devices]);
  const virtualizer = useVirtualizer({ count: devices.length, getScrollElement: () => scrollRef.current, estimateSize, overscan: 8, getItemKey });
  if (devices.length === 0) return <p className="muted plan-devices-empty">No device in this group.</p>;
  return (
    <div
      ref={scrollRef}
      className="plan-list"
      role="list"
      aria-label="Planned devices"
      data-testid="plan-devices"
      style={{ height: Math.min(virtualizer.getTotalSize() + 1, 420) }}
    >
      <div className="list-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <PlanDeviceRow key={item.key} device={devices[item.index] as DevicePlanView} top={item.start} index={item.index} measure={virtualizer.measureElement} />
        ))}
      </div>
    </div>
  );
}

const PlanDeviceRow = memo(function PlanDeviceRow({ device, top, index, measure }: { device: DevicePlanView; top: number; index: number; measure(el: Element | null): void }) {
  const status = STATUS[device.status];
  return (
    <div
      ref={measure}
      data-index={index}
      role="listitem"
      className={`plan-row plan-row-${device.status}${index % 2 ? ' is-odd' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-device-id={device.sourceId}
    >
      <div className="plan-row-main">
        <span className={`plan-status plan-status-${device.status}`}>
          <Icon name={status.icon} /> {status.label}
        </span>
        <span className="device-id">{device.sourceId}</span>
        {device.targetId !== device.sourceId ? (
          <span className="plan-rename">
            <Icon name="arrow-right" /> <span className="device-id">{device.targetId}</span>
          </span>
        ) : null}
        <span className="mono muted">{formatEui(device.devEui)}</span>
        <span className="plan-facts">
          {device.activation ? <span className={`tag tag-${device.activation}`}>{device.activation.toUpperCase()}</span> : null}
          {device.lorawanVersion ? <span className="muted">{formatLorawanVersion(device.lorawanVersion)}</span> : null}
          {device.frequencyPlanId ? <span className="muted">{device.frequencyPlanId}</span> : null}
        </span>
        {device.trigger !== undefined ? <TriggerChip trigger={device.trigger} /> : null}
        {device.servingGateways && device.servingGateways.length > 0 ? (
          <span className="serving-gateways" title="Source gateways that heard this device lately: its uplinks need them on the target." data-testid="serving-gateways">
            <Icon name="server" /> <span className="visually-hidden">Heard through gateways: </span>
            {device.servingGateways.join(', ')}
          </span>
        ) : null}
      </div>
      {device.blockers.length + device.warnings.length > 0 ? (
        <ul className="issues">
          {device.blockers.map((b, i) => (
            <li key={`b${i}`} className="issue issue-blocker">
              <Icon name="blocked" /> <span className="visually-hidden">Blocker: </span>
              {b.message}
            </li>
          ))}
          {device.warnings.map((w, i) => (
            <li key={`w${i}`} className="issue issue-warning">
              <Icon name="warning" /> <span className="visually-hidden">Warning: </span>
              {w.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});

/** The re-join trigger a device gets: its command, or the word that it needs a power cycle. */
function TriggerChip({ trigger }: { trigger: PlannedTrigger | null }) {
  if (!trigger) {
    return (
      <span className="trigger-chip trigger-chip-none" title="No trigger command is known for this device’s model: power-cycle it after the migration.">
        <Icon name="warning" /> no trigger known: power-cycle
      </span>
    );
  }
  return (
    <span className="trigger-chip" title={`Trigger: FPort ${trigger.fPort}, payload ${trigger.payloadHex}`}>
      <Icon name="trigger" /> <span className="visually-hidden">Trigger: </span>
      {trigger.name}
      <span className="trigger-chip-bytes mono">
        {trigger.fPort} · {trigger.payloadHex}
      </span>
    </span>
  );
}
