import { useEffect, useMemo } from 'react';
import type { DeviceRow, Side } from '../../ipc/types';
import { requestDetails } from '../../lib/details-loader';
import { filterRows, needsDetails } from '../../lib/filters';
import { useWorkspace } from '../../stores/workspace';

/** The rows of a side that pass its filters; fetches the details a filter needs. */
export function useFilteredRows(side: Side, now: number): { view: DeviceRow[]; detailsKnown: number } {
  const rows = useWorkspace((s) => s[side].rows);
  const filters = useWorkspace((s) => s[side].filters);
  const details = useWorkspace((s) => s[side].details);
  const detailsVersion = useWorkspace((s) => s[side].detailsVersion);
  const listId = useWorkspace((s) => s[side].listId);
  const wantsDetails = needsDetails(filters);

  useEffect(() => {
    if (!wantsDetails) return;
    const ids: string[] = [];
    for (const r of rows) if (r && !details.has(r.id)) ids.push(r.id);
    if (ids.length > 0) requestDetails(side, ids, true);
  }, [wantsDetails, rows, details, side, listId]);

  const view = useMemo(() => {
    void detailsVersion; // the details map is mutated in place; its version says when
    return filterRows(rows, (row) => details.get(row.id), filters, now).map((i) => rows[i] as DeviceRow);
  }, [rows, details, detailsVersion, filters, now]);

  const detailsKnown = useMemo(() => {
    void detailsVersion;
    if (!wantsDetails) return 0;
    let n = 0;
    for (const r of rows) if (r && details.has(r.id)) n++;
    return n;
  }, [wantsDetails, rows, details, detailsVersion]);

  return { view, detailsKnown };
}
