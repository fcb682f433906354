// devices:list streams a list as devices:page events; devices:details reads the
// network-layer facts (NS) of the rows in view, a bounded number of devices at a time.
import { randomUUID } from 'node:crypto';
import { StackError } from '../stack/errors.js';
import { getAtPath } from '../stack/paths.js';
import { mapLimit } from '../migration/concurrency.js';
import { redact } from '../logging/redact.js';
import type { DeviceRow } from './contract.js';
import { deviceRow, listDevicePages } from './device-pages.js';
import type { HandlerContext, HandlersOf } from './handlers.js';

const DETAILS_PATHS = ['name', 'supports_join', 'lorawan_version', 'frequency_plan_id'];
const DETAILS_CONCURRENCY = 8;

/** Lists being streamed; a new list of the same application replaces the older one. */
export class DeviceLists {
  private readonly active = new Map<string, { key: string; connectionId: string; abort: AbortController }>();

  start(connectionId: string, applicationId: string): { listId: string; signal: AbortSignal; finish(): void } {
    const key = `${connectionId}\u0000${applicationId}`;
    for (const [id, l] of this.active) if (l.key === key) this.abort(id);
    const listId = randomUUID();
    const abort = new AbortController();
    this.active.set(listId, { key, connectionId, abort });
    return { listId, signal: abort.signal, finish: () => this.active.delete(listId) };
  }

  abort(listId: string): void {
    this.active.get(listId)?.abort.abort();
    this.active.delete(listId);
  }

  abortConnection(connectionId: string): void {
    for (const [id, l] of this.active) if (l.connectionId === connectionId) this.abort(id);
  }

  abortAll(): void {
    for (const id of [...this.active.keys()]) this.abort(id);
  }
}

export function deviceHandlers(ctx: HandlerContext): HandlersOf<'devices:list' | 'devices:details'> {
  return {
    'devices:list': async ({ connectionId, applicationId }) => {
      // Open first: an unknown connection or a missing key is the answer, not an event.
      const { client } = await ctx.connections.open(connectionId);
      const list = ctx.lists.start(connectionId, applicationId);
      const { listId, signal } = list;
      let lastOffset = 0;
      let total = 0;
      void listDevicePages(client, applicationId, {
        pageSize: ctx.deps.devicePageSize ?? 1000,
        signal,
        onPage: (page) => {
          if (signal.aborted) return;
          lastOffset = page.offset;
          total = page.total;
          ctx.deps.emit('devices:page', { listId, total: page.total, offset: page.offset, devices: page.devices.map(deviceRow), done: page.last });
        },
      })
        .catch((err: unknown) => {
          if (signal.aborted) return;
          ctx.log.warn(`device list ${listId} failed`, err);
          const error = err instanceof StackError ? err.message : 'The device list could not be loaded (see the log file).';
          ctx.deps.emit('devices:page', { listId, total, offset: lastOffset, devices: [], done: true, error: redact(error) });
        })
        .finally(() => {
          list.finish();
          client.close();
        });
      return { listId };
    },

    'devices:details': ({ connectionId, applicationId, deviceIds }) =>
      ctx.connections.withClient(connectionId, async (client) => {
        const devices = await mapLimit([...new Set(deviceIds)], DETAILS_CONCURRENCY, async (id): Promise<DeviceRow> => {
          try {
            const { device, absent } = await client.getDevice(applicationId, id, DETAILS_PATHS);
            const row = deviceRow(device);
            if (!absent.includes('ns')) {
              row.activation = getAtPath(device, 'supports_join') === true ? 'otaa' : 'abp';
              const version = getAtPath(device, 'lorawan_version');
              const plan = getAtPath(device, 'frequency_plan_id');
              if (typeof version === 'string') row.lorawanVersion = version;
              if (typeof plan === 'string') row.frequencyPlanId = plan;
            }
            return row;
          } catch (err) {
            // A device deleted since the list was loaded: its row stays bare.
            if (err instanceof StackError && err.is('NotFound')) return { id };
            throw err;
          }
        });
        return { devices };
      }),
  };
}
