// A device list page by page, each page handed on as it arrives, so that 50,000 devices
// reach the renderer in pages instead of one answer at the end. (StackClient.listDevices
// gathers every page first; this walks the same IS route a page at a time.)
import type { StackClient } from '../stack/client.js';
import { endDeviceListSchema, type EndDevice } from '../stack/schemas.js';
import { getPathsOf } from '../stack/split.js';
import type { DeviceRow } from './contract.js';

export const LIST_PATHS = ['name', 'created_at', 'last_seen_at'];

export interface DevicePage {
  offset: number;
  total: number;
  devices: EndDevice[];
  /** The last page to arrive. */
  last: boolean;
}

export async function listDevicePages(
  client: StackClient,
  appId: string,
  opts: { pageSize: number; concurrency?: number; signal?: AbortSignal; onPage(page: DevicePage): void },
): Promise<number> {
  const pageSize = Math.min(1000, Math.max(1, opts.pageSize));
  const paths = LIST_PATHS.filter((p) => getPathsOf.is.has(p));
  const fetchPage = (page: number) =>
    client.transport.request({
      method: 'GET', route: 'is.list', idempotent: true, signal: opts.signal, schema: endDeviceListSchema,
      url: client.url('is', `/applications/${encodeURIComponent(appId)}/devices`, { field_mask: ['ids', ...paths].join(','), limit: pageSize, page, order: 'device_id' }),
      operation: `List devices of application "${appId}" (page ${page})`,
    });
  const first = await fetchPage(1);
  const firstDevices = (first.data.end_devices ?? []) as EndDevice[];
  const total = Number(first.headers['x-total-count'] ?? firstDevices.length) || firstDevices.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  let remaining = pageCount - 1;
  opts.onPage({ offset: 0, total, devices: firstDevices, last: remaining === 0 });
  let next = 2;
  const worker = async () => {
    while (next <= pageCount) {
      const page = next++;
      const res = await fetchPage(page);
      opts.signal?.throwIfAborted();
      remaining--;
      opts.onPage({ offset: (page - 1) * pageSize, total, devices: (res.data.end_devices ?? []) as EndDevice[], last: remaining === 0 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, pageCount - 1) }, worker));
  return total;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** A device's row: identifiers and the IS fields, nothing else. */
export function deviceRow(d: EndDevice): DeviceRow {
  const row: DeviceRow = { id: d.ids.device_id };
  const devEui = str(d.ids.dev_eui)?.toUpperCase();
  const joinEui = str(d.ids.join_eui)?.toUpperCase();
  if (devEui) row.devEui = devEui;
  if (joinEui) row.joinEui = joinEui;
  const name = str(d.name);
  const createdAt = str(d.created_at);
  const lastSeenAt = str(d.last_seen_at);
  if (name) row.name = name;
  if (createdAt) row.createdAt = createdAt;
  if (lastSeenAt) row.lastSeenAt = lastSeenAt;
  return row;
}
