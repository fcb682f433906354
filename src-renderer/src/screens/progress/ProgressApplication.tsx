// The application's settings in the run: each written (and read back), kept as the target
// has it, being written, or failed with the server's words. The devices' own package
// associations, which come after the devices, are one summarised group.
import { Icon } from '../../components/Icon';
import type { ApplicationItemState } from '../../ipc/types';
import { countBy, isDeviceItem, ITEM_STATE } from '../../lib/application';
import { plural } from '../../lib/format';
import { useRun, type AppItemProgress } from '../../stores/run';

const ORDER: ApplicationItemState[] = ['writing', 'written', 'kept', 'failed'];

export function ProgressApplication() {
  const carries = useRun((s) => s.carriesApplication);
  const appItems = useRun((s) => s.appItems);
  if (!carries && appItems.size === 0) return null;
  const all = [...appItems.values()];
  const own = all.filter((i) => !isDeviceItem(i.key));
  const perDevice = all.filter((i) => isDeviceItem(i.key));
  const counts = countBy(all, (i) => i.state);
  const failed = counts.failed ?? 0;

  return (
    <section className="card progress-app" aria-labelledby="progress-app-title" data-testid="progress-application">
      <div className="plan-app-head">
        <h3 id="progress-app-title" className={`card-title${failed > 0 ? ' title-warn' : ''}`}>
          <Icon name="app" /> Application
        </h3>
        <ul className="app-counts" aria-label="Settings by state">
          {ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => (
            <li key={s} className={`state state-${ITEM_STATE[s].tone}`} data-testid={`app-count-${s}`}>
              <Icon name={ITEM_STATE[s].icon} /> {counts[s]} {ITEM_STATE[s].label.toLowerCase()}
            </li>
          ))}
        </ul>
      </div>
      {all.length === 0 ? (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> The application’s settings are carried before the devices…
        </p>
      ) : (
        <ul className="app-progress" aria-label="Application settings in this run">
          {own.map((item) => (
            <ItemRow key={item.key} item={item} />
          ))}
          {perDevice.length > 0 ? <DeviceGroup items={perDevice} /> : null}
        </ul>
      )}
      {failed > 0 ? (
        <p className="app-progress-note">
          <Icon name="info" /> A setting that failed did not stop the devices; it is listed in “What to update” once the run is over.
        </p>
      ) : null}
    </section>
  );
}

function ItemRow({ item }: { item: AppItemProgress }) {
  const look = ITEM_STATE[item.state];
  return (
    <li className={`app-progress-row app-progress-${item.state}`} data-item-key={item.key} data-state={item.state}>
      <span className={`state state-${look.tone}${look.active ? ' state-active' : ''}`} title={look.hint}>
        <Icon name={look.icon} />
        <span className="state-label">{look.label}</span>
      </span>
      <span className="app-progress-label">{item.label}</span>
      {item.error ? (
        <span className="text-bad app-progress-error" title={item.error}>
          {item.error}
        </span>
      ) : (
        <span className="muted small">{look.hint}</span>
      )}
    </li>
  );
}

/** "Package associations of 198 devices: 196 written, 2 failed", and the failed ones below. */
function DeviceGroup({ items }: { items: AppItemProgress[] }) {
  const counts = countBy(items, (i) => i.state);
  const devices = new Set(items.map((i) => i.key.split(':')[1])).size;
  const failed = items.filter((i) => i.state === 'failed');
  const busy = (counts.writing ?? 0) > 0;
  const state: ApplicationItemState = busy ? 'writing' : failed.length > 0 ? 'failed' : (counts.written ?? 0) > 0 ? 'written' : 'kept';
  const look = ITEM_STATE[state];
  return (
    <>
      <li className={`app-progress-row app-progress-${state}`} data-item-key="device-packages" data-state={state}>
        <span className={`state state-${look.tone}${look.active ? ' state-active' : ''}`}>
          <Icon name={look.icon} />
          <span className="state-label">{look.label}</span>
        </span>
        <span className="app-progress-label">Package associations of {plural(devices, 'device')}</span>
        <span className="muted small">
          {ORDER.filter((s) => (counts[s] ?? 0) > 0)
            .map((s) => `${counts[s]} ${ITEM_STATE[s].label.toLowerCase()}`)
            .join(' · ')}
        </span>
      </li>
      {failed.slice(0, 50).map((item) => (
        <ItemRow key={item.key} item={item} />
      ))}
      {failed.length > 50 ? <li className="muted small app-progress-more">… and {failed.length - 50} more failed (see “What to update”)</li> : null}
    </>
  );
}
