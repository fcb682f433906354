// When the run is over: the report, the re-programming sheet, the join reminder and retiring
// re-programmed ABP devices.
import { useState } from 'react';
import { Callout } from '../../components/Callout';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { call, messageOf } from '../../ipc/bridge';
import { plural } from '../../lib/format';
import { useArrivals } from '../../stores/arrivals';
import { useNavigation } from '../../stores/navigation';
import { usePlan } from '../../stores/plan';
import { useRun } from '../../stores/run';
import type { DeviceState } from '../../ipc/types';
import { UpdateSheetDialog } from './UpdateSheetDialog';

export function RunDone({
  runId,
  counts,
  awaiting,
  cancelled,
  onRetired,
}: {
  runId: string;
  counts: Partial<Record<DeviceState, number>>;
  awaiting: string[];
  cancelled: boolean;
  onRetired(ids: string[]): void;
}) {
  const toast = useNavigation((s) => s.toast);
  const go = useNavigation((s) => s.go);
  const run = useRun((s) => s.run);
  const abpMode = usePlan((s) => s.options.abpMode);
  const triggered = useRun((s) => {
    void s.version;
    for (const d of s.devices.values()) if (d.triggerQueuedAt !== undefined || d.triggerSentAt !== undefined) return true;
    return false;
  });
  const carriesApplication = useRun((s) => s.carriesApplication);
  const appFailed = useRun((s) => {
    let n = 0;
    for (const i of s.appItems.values()) if (i.state === 'failed') n++;
    return n;
  });
  const [retireOpen, setRetireOpen] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);
  const waiting = counts['waiting-join'] ?? 0;
  const joined = counts.joined ?? 0;
  const moved = counts.moved ?? 0;
  const failed = (counts.failed ?? 0) + (counts['rolled-back'] ?? 0);
  const sheetWanted = awaiting.length > 0 || abpMode === 'new-session';

  const save = async (what: 'json' | 'csv' | 'sheet') => {
    try {
      const result = what === 'sheet' ? await call('sheet:save', { runId }) : await call('report:save', { runId, format: what });
      if ('savedTo' in result) toast('good', `Saved to ${result.savedTo}`);
    } catch (err) {
      toast('bad', messageOf(err));
    }
  };

  return (
    <section className="card run-done" aria-labelledby="run-done-title">
      <h3 id="run-done-title" className={`card-title ${failed > 0 || cancelled ? 'title-warn' : 'title-good'}`}>
        <Icon name={failed > 0 || cancelled ? 'warning' : 'joined'} /> {cancelled ? 'Migration cancelled' : 'Migration finished'}
      </h3>
      <p>
        {[joined ? `${plural(joined, 'device')} joined the target` : '', moved ? `${plural(moved, 'multicast device')} moved (no uplinks to wait for)` : '', waiting ? `${plural(waiting, 'device')} waiting for their join` : '', awaiting.length ? `${plural(awaiting.length, 'ABP device')} to re-program` : '', failed ? `${plural(failed, 'device')} not migrated` : '']
          .filter(Boolean)
          .join(' · ') || 'No device was migrated.'}
      </p>
      <div className="done-actions">
        {run ? (
          <button
            type="button"
            className={`button${waiting > 0 ? ' button-primary' : ''}`}
            onClick={() => {
              useArrivals.getState().open(run);
              go('arrivals');
            }}
          >
            <Icon name="joined" /> Check arrivals
          </button>
        ) : null}
        {carriesApplication ? (
          <button type="button" className={`button${waiting > 0 ? '' : ' button-primary'}`} onClick={() => setSheetOpen(true)}>
            <Icon name="list" /> What to update
          </button>
        ) : null}
        <button type="button" className="button" onClick={() => void save('json')}>
          <Icon name="save" /> Save report (JSON)
        </button>
        <button type="button" className="button" onClick={() => void save('csv')}>
          <Icon name="save" /> Save report (CSV)
        </button>
        {sheetWanted ? (
          <button type="button" className="button" onClick={() => void save('sheet')}>
            <Icon name="save" /> Save re-programming sheet
          </button>
        ) : null}
        {awaiting.length > 0 ? (
          <button type="button" className="button button-primary" onClick={() => setRetireOpen(true)}>
            Retire {plural(awaiting.length, 're-programmed ABP device')}…
          </button>
        ) : null}
      </div>
      {waiting > 0 && triggered ? (
        <Callout tone="info" title={`${plural(waiting, 'OTAA device')} will appear as joined once they join the target.`}>
          Devices that got a trigger restart when it reaches them, after their next uplink. Those with no trigger known need a{' '}
          <strong>power cycle</strong>. <strong>Check arrivals</strong> to see which devices joined, which are still heard by the source, and what to
          do about each — now or days later, from the run history.
        </Callout>
      ) : waiting > 0 ? (
        <Callout tone="info" title={`${plural(waiting, 'OTAA device')} will appear as joined once they join the target.`}>
          Many devices rejoin by themselves. Others need a trigger: <strong>power cycle</strong> them, or send the <strong>downlink</strong> their
          maker documents for a rejoin. Until then they keep their old session on the source — which no longer sends them downlinks — so their
          uplinks still arrive there. That is expected.
        </Callout>
      ) : null}
      {awaiting.length > 0 ? (
        <Callout tone="info" title="Re-program the ABP devices">
          Save the re-programming sheet: it has each device’s new DevAddr and session keys from the target. Once a device runs with them, retire it
          on the source. Until then the source keeps it, with its downlinks off.
        </Callout>
      ) : null}
      {carriesApplication ? (
        <Callout tone={appFailed > 0 ? 'warning' : 'info'} title={appFailed > 0 ? `${plural(appFailed, 'setting')} of the application could not be carried.` : 'The application came along: some things outside it must change.'}>
          <strong>What to update</strong> lists them: the built-in MQTT server’s new username and host, the webhooks whose receivers must accept the
          target, the API keys to recreate{appFailed > 0 ? ', and the settings that failed, with the server’s words' : ''}.
        </Callout>
      ) : null}
      {sheetOpen ? <UpdateSheetDialog runId={runId} onClose={() => setSheetOpen(false)} /> : null}
      {retireOpen ? (
        <RetireDialog
          runId={runId}
          deviceIds={awaiting}
          onClose={() => setRetireOpen(false)}
          onRetired={(ids) => {
            onRetired(ids);
            setRetireOpen(false);
          }}
        />
      ) : null}
    </section>
  );
}

function RetireDialog({ runId, deviceIds, onClose, onRetired }: { runId: string; deviceIds: string[]; onClose(): void; onRetired(ids: string[]): void }) {
  const toast = useNavigation((s) => s.toast);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Dialog
      title={`Retire ${plural(deviceIds.length, 'ABP device')} on the source`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Not yet
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={!confirmed || busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                const { retired, failed } = await call('run:retire', { runId, deviceIds });
                toast(failed.length ? 'bad' : 'good', failed.length ? `Retired ${retired.length}; ${failed.length} could not be retired: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? '…' : ''}` : `Retired ${plural(retired.length, 'device')} on the source.`);
                onRetired(retired);
              } catch (err) {
                setError(messageOf(err));
                setBusy(false);
              }
            }}
          >
            Delete from the source
          </button>
        </>
      }
    >
      <p>
        These devices are deleted from the source. Do this only once they run with their new session: a device still using its old one would then
        reach neither side.
      </p>
      <label className="check">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <span>I re-programmed these {plural(deviceIds.length, 'device')} with the values of the re-programming sheet.</span>
      </label>
      {error ? <Callout tone="error" role="alert">{error}</Callout> : null}
    </Dialog>
  );
}
