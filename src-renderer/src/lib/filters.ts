// Filtering a device list: pure, so 50,000 rows filter in a few milliseconds per keystroke.
import type { DeviceRow } from '../ipc/types';

export type LastSeenFilter = 'any' | '24h' | '7d' | '30d' | 'stale-30d' | 'never';

export interface DeviceFilters {
  search: string;
  activation: 'all' | 'otaa' | 'abp';
  lorawanVersion: string;
  frequencyPlanId: string;
  lastSeen: LastSeenFilter;
}

export const NO_FILTERS: DeviceFilters = { search: '', activation: 'all', lorawanVersion: '', frequencyPlanId: '', lastSeen: 'any' };

/** Network-layer facts from devices:details. `missing` marks ids the server no longer has. */
export interface DeviceDetails {
  activation?: 'otaa' | 'abp';
  lorawanVersion?: string;
  frequencyPlanId?: string;
  missing?: boolean;
}

export const LAST_SEEN_LABELS: Record<LastSeenFilter, string> = {
  any: 'Seen any time',
  '24h': 'Seen in the last 24 hours',
  '7d': 'Seen in the last 7 days',
  '30d': 'Seen in the last 30 days',
  'stale-30d': 'Not seen for 30+ days',
  never: 'Never seen',
};

/** Filters that need devices:details for every row before they can answer. */
export const needsDetails = (f: DeviceFilters) => f.activation !== 'all' || f.lorawanVersion !== '' || f.frequencyPlanId !== '';

export const isFiltered = (f: DeviceFilters) => f.search.trim() !== '' || needsDetails(f) || f.lastSeen !== 'any';

const DAY = 86_400_000;

function lastSeenMatches(filter: LastSeenFilter, iso: string | undefined, now: number): boolean {
  if (filter === 'any') return true;
  if (filter === 'never') return !iso;
  if (!iso) return filter === 'stale-30d';
  const age = now - Date.parse(iso);
  switch (filter) {
    case '24h':
      return age <= DAY;
    case '7d':
      return age <= 7 * DAY;
    case '30d':
      return age <= 30 * DAY;
    case 'stale-30d':
      return age > 30 * DAY;
  }
}

/** Indices of the rows that pass, in list order. */
export function filterRows(
  rows: readonly (DeviceRow | undefined)[],
  detailsOf: (row: DeviceRow, index: number) => DeviceDetails | undefined,
  f: DeviceFilters,
  now: number,
): number[] {
  const out: number[] = [];
  const q = f.search.trim().toLowerCase();
  const detailsNeeded = needsDetails(f);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    if (q && !row.id.includes(q) && !(row.devEui ?? '').toLowerCase().includes(q) && !(row.name ?? '').toLowerCase().includes(q)) continue;
    if (!lastSeenMatches(f.lastSeen, row.lastSeenAt, now)) continue;
    if (detailsNeeded) {
      const d = detailsOf(row, i);
      if (!d || d.missing) continue;
      if (f.activation !== 'all' && d.activation !== f.activation) continue;
      if (f.lorawanVersion && d.lorawanVersion !== f.lorawanVersion) continue;
      if (f.frequencyPlanId && d.frequencyPlanId !== f.frequencyPlanId) continue;
    }
    out.push(i);
  }
  return out;
}

/** The distinct values seen so far, for the filter menus. */
export function distinctDetails(details: ReadonlyMap<string, DeviceDetails>) {
  const versions = new Set<string>();
  const plans = new Set<string>();
  for (const d of details.values()) {
    if (d.lorawanVersion) versions.add(d.lorawanVersion);
    if (d.frequencyPlanId) plans.add(d.frequencyPlanId);
  }
  return { versions: [...versions].sort(), plans: [...plans].sort() };
}
