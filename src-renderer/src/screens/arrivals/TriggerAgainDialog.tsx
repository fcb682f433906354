// A second trigger is the person's explicit choice: which devices, which downlink, and the
// daily downlink allowance — then one more downlink each.
import { useMemo, useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../ipc/bridge';
import type { ArrivalRow } from '../../ipc/types';
import { plural } from '../../lib/format';
import { useArrivals } from '../../stores/arrivals';

export function TriggerAgainDialog({ rows, onCancel, onDone }: { rows: readonly ArrivalRow[]; onCancel(): void; onDone(queued: number): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const byCommand = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of rows) if (r.trigger) m.set(r.trigger.name, (m.get(r.trigger.name) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [rows]);
  const shown = rows.slice(0, 8).map((r) => r.sourceId);

  return (
    <Dialog
      title={`Trigger ${plural(rows.length, 'device')} again?`}
      labelledBy="trigger-again-title"
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                const { queued } = await useArrivals.getState().triggerAgain(rows.map((r) => r.sourceId));
                onDone(queued.length);
              } catch (err) {
                setError(messageOf(err));
                setBusy(false);
              }
            }}
          >
            {busy ? 'Sending…' : `Send ${plural(rows.length, 'downlink')}`}
          </button>
        </>
      }
    >
      <p>
        The source queues its trigger once more for{' '}
        {shown.map((id, i) => (
          <span key={id}>
            {i > 0 ? ', ' : ''}
            <span className="device-id">{id}</span>
          </span>
        ))}
        {rows.length > shown.length ? ` and ${plural(rows.length - shown.length, 'other')}` : ''}. It goes out after each device’s next uplink;
        then the source is quiet again.
      </p>
      {byCommand.length > 0 ? (
        <ul className="issue-list">
          {byCommand.map(([name, n]) => (
            <li key={name}>
              {name}: {plural(n, 'device')}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="confirm-note">
        <Icon name="info" /> The Things Stack Community Edition allows about 10 downlinks per device a day. A device that ignored its trigger may
        not know the command: power-cycle it instead.
      </p>
      {error ? (
        <Callout tone="error" role="alert">
          {error}
        </Callout>
      ) : null}
    </Dialog>
  );
}
