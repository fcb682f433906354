// What "migrate without persisting the active session" will do, for the options chosen.
import { call } from '../../ipc/bridge';
import type { MigrationOptionsInput, PlanView } from '../../ipc/types';

const GUIDE = 'https://www.thethingsindustries.com/docs/the-things-stack/migrating/';

export function PlanSteps({ options, plan }: { options: MigrationOptionsInput; plan: PlanView | undefined }) {
  const abp = plan?.counts.abp ?? 0;
  const otaa = plan?.counts.otaa ?? 0;
  const keep = options.abpMode === 'keep-session';
  if (options.trigger) return <TriggerPlanSteps options={options} plan={plan} />;
  return (
    <details className="card plan-steps" open>
      <summary className="card-title">What will happen, device by device</summary>
      <ApplicationFirst options={options} />
      <ol className="steps">
        <li>
          <strong>Read</strong> the device from the source — its identity, network settings, application settings and root keys.
        </li>
        <li>
          <strong>Quiet the source.</strong> Downlinks are turned off on the source Network Server, so it sends the device no join accept,
          downlink or MAC command while it moves. If anything below fails, this is undone.
        </li>
        <li>
          <strong>Create it on the target without its session:</strong> the same DevEUI, JoinEUI, root keys, frequency plan, LoRaWAN version and
          MAC settings; no DevAddr, no frame counters.
          {abp > 0 ? (keep ? ' ABP devices keep their DevAddr and session keys; their frame counters restart.' : options.abpMode === 'new-session' ? ' ABP devices get a new DevAddr and session keys.' : '') : ''}{' '}
          If a part cannot be created, the parts already created are removed.
        </li>
        <li>
          <strong>Verify</strong> by reading the device back from the target and comparing it with the plan.
        </li>
        <li>
          <strong>Retire the source registration</strong> — only after the target is verified.{' '}
          {otaa > 0 || abp === 0
            ? options.otaaSourceAction === 'delete'
              ? 'OTAA devices are deleted from the source.'
              : 'OTAA devices get random root keys (AppKey, and NwkKey where they have one) on the source, so they cannot join it again.'
            : ''}{' '}
          {abp > 0 ? (keep ? 'ABP devices are deleted from the source.' : options.abpMode === 'new-session' ? 'ABP devices stay on the source, quiet, until you confirm they were re-programmed.' : '') : ''}
        </li>
        <li>
          <strong>Wait for the join.</strong> OTAA devices join the target at their next join: some do it by themselves, others need a power
          cycle or a downlink. Until then they keep their old session on the source, which no longer answers them — that is expected.
          {abp > 0 && options.abpMode === 'new-session' ? ' ABP devices appear once re-programmed with the values of the re-programming sheet.' : ''}
        </li>
      </ol>
      <p className="muted small">
        This is a dry run: nothing has been written to either side. Nothing is written before you press Start migration.{' '}
        <button type="button" className="link-button" onClick={() => void call('app:open-docs', { url: GUIDE }).catch(() => undefined)}>
          The Things Stack’s migration guide
        </button>
      </p>
    </details>
  );
}

/** With a re-join trigger: after the keys are replaced, the quiet source is opened for the one trigger, then quieted again. */
function TriggerPlanSteps({ options, plan }: { options: MigrationOptionsInput; plan: PlanView | undefined }) {
  const abp = plan?.counts.abp ?? 0;
  const remove = options.otaaSourceAction === 'delete';
  return (
    <details className="card plan-steps" open>
      <summary className="card-title">What will happen, device by device</summary>
      <ApplicationFirst options={options} />
      <ol className="steps">
        <li>
          <strong>Read</strong> the device from the source — its identity, network settings, application settings and root keys.
        </li>
        <li>
          <strong>Quiet the source.</strong> Downlinks are turned off on the source, so it sends the device nothing — not even a join accept —
          while the device is created on the target.
        </li>
        <li>
          <strong>Create it on the target without its session</strong> — the same DevEUI, JoinEUI, root keys and settings; no DevAddr, no frame
          counters — and <strong>verify</strong> it by reading it back. If anything fails, the parts created are removed and the source is as it was.
        </li>
        <li>
          <strong>Replace its root keys on the source.</strong> From now on it can never join the source again; its current session keeps working,
          so the source can still reach it once.
        </li>
        <li>
          <strong>Queue the trigger on the source</strong> — the downlink of its model (or the one command for every device), unconfirmed, once —
          and turn the source’s downlinks on again, for this one downlink. A device of a model without a known trigger gets none: it has to be
          power-cycled.
        </li>
        <li>
          <strong>Wait until the source sends it</strong> after the device’s next uplink, or until the wait is over; the other devices go on meanwhile.
        </li>
        <li>
          <strong>{remove ? 'Delete the device from the source.' : 'Quiet the source again'}</strong>
          {remove ? '' : ': downlinks off, so it sends the device nothing more.'}
          {abp > 0 ? ' ABP devices move as without a trigger (they do not join).' : ''}
        </li>
        <li>
          <strong>Watch the target for the join.</strong> The restarted device joins the target — heard by a gateway of either network and routed
          there. Check the arrivals afterwards: stragglers are listed with what to do.
        </li>
      </ol>
      <p className="muted small">This is a dry run: nothing has been written to either side, and no downlink is sent before you confirm it.</p>
    </details>
  );
}

/** With the application carried: what happens before (and after) the devices. */
function ApplicationFirst({ options }: { options: MigrationOptionsInput }) {
  const app = options.application;
  if (!app) return null;
  return (
    <p className="steps-lead" data-testid="steps-application">
      <strong>First, the application:</strong>{' '}
      {app.createTarget ? `the target application is created under ${app.createTarget.kind} “${app.createTarget.id}” if it does not exist; then ` : ''}
      its name, payload formatters, webhooks, pub/subs and packages are written to the target (where you chose so), each read back to verify it. A
      setting that fails is reported and does not stop the devices. The devices’ own package associations follow once the devices are on the target.
    </p>
  );
}
