// The cells of a device row, shared by both panes.
import type { DeviceRow } from '../../ipc/types';
import type { DeviceDetails } from '../../lib/filters';
import { formatAgo, formatEui, formatLorawanVersion } from '../../lib/format';

/** Every device row's height (styles/lists.css `.row` agrees): VirtualList and the gestures count on it. */
export const ROW_HEIGHT = 30;

export function IdCell({ row }: { row: DeviceRow }) {
  return (
    <span className="cell cell-id" title={row.name ? `${row.id} — ${row.name}` : row.id}>
      <span className="device-id">{row.id}</span>
      {row.name ? <span className="device-name">{row.name}</span> : null}
    </span>
  );
}

export function EuiCell({ row }: { row: DeviceRow }) {
  return <span className="cell cell-eui mono">{formatEui(row.devEui) || <span className="muted">—</span>}</span>;
}

export function DetailCells({ details, plan = true }: { details: DeviceDetails | undefined; plan?: boolean }) {
  const known = details && !details.missing;
  const pending = <span className="placeholder" aria-label="loading" />;
  return (
    <>
      <span className="cell cell-act">
        {known ? details.activation ? <span className={`tag tag-${details.activation}`}>{details.activation.toUpperCase()}</span> : '' : pending}
      </span>
      <span className="cell cell-ver">{known ? formatLorawanVersion(details.lorawanVersion) : pending}</span>
      {plan ? <span className="cell cell-fp">{known ? (details.frequencyPlanId ?? '') : pending}</span> : null}
    </>
  );
}

export function SeenCell({ row, now }: { row: DeviceRow; now: number }) {
  const text = formatAgo(row.lastSeenAt, now);
  return <span className={`cell cell-seen${row.lastSeenAt ? '' : ' muted'}`} title={row.lastSeenAt ?? 'Never seen'}>{text}</span>;
}
