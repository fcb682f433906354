// Search and filters of one pane: id/DevEUI/name, activation, LoRaWAN version, frequency
// plan and last seen. Filters on network facts fetch the details they need.
import { useMemo, type ReactNode } from 'react';
import { Icon } from '../../components/Icon';
import type { Side } from '../../ipc/types';
import { distinctDetails, isFiltered, LAST_SEEN_LABELS, NO_FILTERS, type LastSeenFilter } from '../../lib/filters';
import { formatLorawanVersion } from '../../lib/format';
import { useWorkspace } from '../../stores/workspace';

export function FilterBar({ side, children }: { side: Side; children?: ReactNode }) {
  const filters = useWorkspace((s) => s[side].filters);
  const details = useWorkspace((s) => s[side].details);
  const detailsVersion = useWorkspace((s) => s[side].detailsVersion);
  const setFilters = useWorkspace((s) => s.setFilters);
  const { versions, plans } = useMemo(() => distinctDetails(details), [details, detailsVersion]);
  const title = side === 'source' ? 'Source' : 'Target';
  const versionOptions = filters.lorawanVersion && !versions.includes(filters.lorawanVersion) ? [filters.lorawanVersion, ...versions] : versions;
  const planOptions = filters.frequencyPlanId && !plans.includes(filters.frequencyPlanId) ? [filters.frequencyPlanId, ...plans] : plans;

  return (
    <div className="filter-bar" role="search" aria-label={`${title} filters`}>
      <label className="search">
        <Icon name="search" />
        <span className="visually-hidden">Search {side} devices by id, DevEUI or name</span>
        <input
          type="search"
          className="search-input"
          placeholder="Search id, DevEUI or name"
          value={filters.search}
          spellCheck={false}
          onChange={(e) => setFilters(side, { search: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filters.search) {
              e.stopPropagation();
              setFilters(side, { search: '' });
            }
          }}
        />
      </label>
      <div className="segmented" role="radiogroup" aria-label="Activation">
        {(['all', 'otaa', 'abp'] as const).map((a) => (
          <button
            key={a}
            type="button"
            role="radio"
            aria-checked={filters.activation === a}
            className={`segment${filters.activation === a ? ' is-on' : ''}`}
            onClick={() => setFilters(side, { activation: a })}
          >
            {a === 'all' ? 'All' : a.toUpperCase()}
          </button>
        ))}
      </div>
      <label className="mini-select">
        <span className="visually-hidden">LoRaWAN version</span>
        <select value={filters.lorawanVersion} onChange={(e) => setFilters(side, { lorawanVersion: e.target.value })}>
          <option value="">All versions</option>
          {versionOptions.map((v) => (
            <option key={v} value={v}>
              LoRaWAN {formatLorawanVersion(v)}
            </option>
          ))}
        </select>
      </label>
      <label className="mini-select">
        <span className="visually-hidden">Frequency plan</span>
        <select value={filters.frequencyPlanId} onChange={(e) => setFilters(side, { frequencyPlanId: e.target.value })}>
          <option value="">All frequency plans</option>
          {planOptions.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="mini-select">
        <span className="visually-hidden">Last seen</span>
        <select value={filters.lastSeen} onChange={(e) => setFilters(side, { lastSeen: e.target.value as LastSeenFilter })}>
          {(Object.keys(LAST_SEEN_LABELS) as LastSeenFilter[]).map((k) => (
            <option key={k} value={k}>
              {LAST_SEEN_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {isFiltered(filters) ? (
        <button type="button" className="button button-ghost button-small" onClick={() => setFilters(side, NO_FILTERS)}>
          <Icon name="close" /> Clear filters
        </button>
      ) : null}
      {children}
    </div>
  );
}
