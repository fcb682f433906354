// The plan's "Application" section: each setting of the source application — new on the
// target, the same, different (kept unless the person chooses to overwrite it) or not
// available there — with readable differences, and what cannot be carried at all.
import { Callout } from '../../components/Callout';
import { Icon } from '../../components/Icon';
import type { ApplicationItemView, ApplicationPlanView, PlanView } from '../../ipc/types';
import { countBy, isDeviceItem } from '../../lib/application';
import { plural } from '../../lib/format';
import { usePlan } from '../../stores/plan';
import { ApplicationItemRow, StatusCounts } from './ApplicationItemRow';

export function PlanApplication({ plan, application }: { plan: PlanView; application: ApplicationPlanView }) {
  const overwrite = usePlan((s) => s.options.application?.overwrite) ?? [];
  const targetId = usePlan((s) => s.request?.target.applicationId);
  const own = application.items.filter((i) => !isDeviceItem(i.key));
  const perDevice = application.items.filter((i) => isDeviceItem(i.key));
  const counts = countBy(application.items, (i) => i.status);
  const writes = application.items.filter((i) => i.action === 'write').length;
  const createTarget = plan.options.application?.createTarget;

  return (
    <section className="card plan-app" aria-labelledby="plan-app-title" data-testid="plan-application">
      <div className="plan-app-head">
        <h3 id="plan-app-title" className="card-title">
          <Icon name="app" /> Application
        </h3>
        <StatusCounts counts={counts} label="Settings by status" />
      </div>
      <p className="plan-app-lead">
        {writes > 0 ? `${plural(writes, 'setting')} written to the target before the devices, each read back to verify it. ` : 'Nothing of the application is written. '}
        <strong>Nothing the target already has is overwritten unless you choose it below.</strong>
      </p>
      {!application.targetExists ? (
        createTarget ? (
          <Callout tone="info" title={`The run creates the target application “${targetId ?? ''}” first.`}>
            Under {createTarget.kind} <span className="mono">{createTarget.id}</span>, with the source’s name, description and attributes; every setting
            below is then new there.
          </Callout>
        ) : (
          <Callout tone="warning" title={`The target application “${targetId ?? ''}” does not exist.`}>
            Choose in the options under which user or organization of the target the run should create it.
          </Callout>
        )
      ) : null}
      {own.length > 0 ? (
        <ul className="app-items" aria-label="Application settings">
          {own.map((item) => (
            <ApplicationItemRow key={item.key} item={item} chosen={overwrite.includes(item.key)} />
          ))}
        </ul>
      ) : (
        <p className="muted">The source application has no settings to carry besides its name.</p>
      )}
      {perDevice.length > 0 ? <DevicePackages items={perDevice} overwrite={overwrite} /> : null}
      <CannotCarry list={application.cannotCarry} />
    </section>
  );
}

/** The devices' own package associations: one group, opened on demand (or when one differs). */
function DevicePackages({ items, overwrite }: { items: ApplicationItemView[]; overwrite: readonly string[] }) {
  const counts = countBy(items, (i) => i.status);
  const devices = new Set(items.map((i) => i.key.split(':')[1])).size;
  return (
    <details className="app-device-packages" open={(counts.differs ?? 0) > 0}>
      <summary>
        <span className="app-summary-title">
          <Icon name="chevron-down" className="details-chevron" />
          Package associations of {plural(devices, 'device')} ({plural(items.length, 'association')}), carried after the devices
        </span>
        <StatusCounts counts={counts} label="Associations by status" className="app-counts app-counts-inline" />
      </summary>
      <ul className="app-items" aria-label="Package associations of devices">
        {items.map((item) => (
          <ApplicationItemRow key={item.key} item={item} chosen={overwrite.includes(item.key)} />
        ))}
      </ul>
    </details>
  );
}

function CannotCarry({ list }: { list: ApplicationPlanView['cannotCarry'] }) {
  if (list.length === 0) return null;
  return (
    <div className="app-cannot" data-testid="cannot-carry">
      <h4 className="app-subtitle">
        <Icon name="info" /> Cannot be carried — what to do
      </h4>
      <ul>
        {list.map((c) => (
          <li key={c.what}>
            <strong>{c.what}</strong>
            <span>{c.todo}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
