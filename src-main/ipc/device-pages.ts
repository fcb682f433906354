// A device list page by page, each page handed on as it arrives, so that 50,000 devices
// reach the renderer in pages instead of one answer at the end.
import type { StackClient } from '../stack/client.js';
import type { EndDevice } from '../stack/schemas.js';
import type { DeviceRow } from './contract.js';

export const LIST_PATHS = ['name', 'created_at', 'last_seen_at'];

export interface DevicePage {
  offset: number;
  total: number;
  devices: EndDevice[];
  /** The last page to arrive. */
  last: boolean;
}

/** Lists an application's devices, handing each page on as it arrives. */
export async function listDevicePages(
  client: StackClient,
  appId: string,
  opts: { pageSize: number; concurrency?: number; signal?: AbortSignal; onPage(page: DevicePage): void },
): Promise<number> {
  const { total } = await client.listDevices(appId, { paths: LIST_PATHS, pageSize: opts.pageSize, concurrency: opts.concurrency, signal: opts.signal, onPage: opts.onPage });
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
