// Before a plan with re-join triggers starts: how many downlinks go out, to which models,
// with which FPort and payload — and the person says yes to exactly that.
import { useMemo } from 'react';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import type { PlanView, TriggerCommand } from '../../ipc/types';
import { formatDuration, plural } from '../../lib/format';
import { modelOf } from '../../lib/trigger-commands';

interface CommandGroup {
  name: string;
  fPort: number;
  payloadHex: string;
  devices: number;
  /** Which models it is for: from the plan's library snapshot, or every device (one command for all). */
  models: string;
}

export function groupPlannedTriggers(plan: PlanView): { groups: CommandGroup[]; unknown: number } {
  const trigger = plan.options.trigger;
  const library = new Map<string, TriggerCommand>((trigger?.library ?? []).map((c) => [c.name, c]));
  const groups = new Map<string, CommandGroup>();
  let unknown = 0;
  for (const d of plan.devices) {
    if (d.status !== 'ready' || d.trigger === undefined) continue;
    if (d.trigger === null) {
      unknown += 1;
      continue;
    }
    const key = `${d.trigger.name}\u0000${d.trigger.fPort}\u0000${d.trigger.payloadHex}`;
    const known = library.get(d.trigger.name);
    const group = groups.get(key) ?? {
      ...d.trigger,
      devices: 0,
      models: trigger?.fixed ? 'every OTAA device of the plan' : known ? modelOf(known) : 'its model',
    };
    group.devices += 1;
    groups.set(key, group);
  }
  return { groups: [...groups.values()].sort((a, b) => b.devices - a.devices || a.name.localeCompare(b.name)), unknown };
}

export function ConfirmTriggersDialog({ plan, starting, onCancel, onConfirm }: { plan: PlanView; starting: boolean; onCancel(): void; onConfirm(): void }) {
  const { groups, unknown } = useMemo(() => groupPlannedTriggers(plan), [plan]);
  const downlinks = groups.reduce((n, g) => n + g.devices, 0);
  const wait = plan.options.trigger?.waitSeconds;
  return (
    <Dialog
      wide
      title={downlinks > 0 ? `Send ${plural(downlinks, 're-join downlink')}?` : 'No re-join downlink to send'}
      labelledBy="confirm-triggers-title"
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Back to the plan
          </button>
          <button type="button" className="button button-primary" disabled={starting} onClick={onConfirm}>
            {starting ? 'Starting…' : downlinks > 0 ? `Send ${plural(downlinks, 'downlink')} and migrate` : 'Migrate without downlinks'}
          </button>
        </>
      }
    >
      <p>
        {downlinks > 0
          ? `Once each device is verified on the target and its root keys on the source are replaced, the source queues one unconfirmed downlink for it. It is sent after the device’s next uplink${wait ? `; after ${formatDuration(wait)} without it the source is quieted anyway` : ''}.`
          : 'No device of this plan has a trigger command: they all have to be power-cycled after the migration.'}
      </p>
      {groups.length > 0 ? (
        <table className="confirm-table" data-testid="confirm-triggers">
          <thead>
            <tr>
              <th scope="col">Command</th>
              <th scope="col">For</th>
              <th scope="col">FPort</th>
              <th scope="col">Payload (hex)</th>
              <th scope="col" className="num">Devices</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={`${g.name}-${g.fPort}-${g.payloadHex}`}>
                <td>{g.name}</td>
                <td className="mono small">{g.models}</td>
                <td className="mono">{g.fPort}</td>
                <td className="mono">{g.payloadHex}</td>
                <td className="num">{g.devices.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {unknown > 0 ? (
        <p className="option-warning">
          <Icon name="warning" /> {plural(unknown, 'device')} {unknown === 1 ? 'has' : 'have'} no trigger known and get{unknown === 1 ? 's' : ''} no downlink: power-cycle{' '}
          {unknown === 1 ? 'it' : 'them'} after the migration.
        </p>
      ) : null}
      <p className="confirm-note">
        <Icon name="info" /> The Things Stack Community Edition allows about 10 downlinks per device a day, and servers limit downlinks per
        application: Stack Migrator paces them and never sends one twice. A second trigger is only ever sent when you ask for it, from the arrivals
        view.
      </p>
    </Dialog>
  );
}
