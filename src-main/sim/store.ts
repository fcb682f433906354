// In-memory registries, one per component (IS, JS, NS, AS), each holding only
// what that component stores. Lookups are O(1) maps; the IS keeps device ids
// sorted so that paging by device_id is O(page).
import type { Component } from './fieldmask-rules.js';
import { type JsonObject, getPath } from './json-path.js';

export interface Application {
  id: string;
  record: JsonObject;
  is: Map<string, JsonObject>;
  js: Map<string, JsonObject>;
  ns: Map<string, JsonObject>;
  as: Map<string, JsonObject>;
  /** Device ids in ascending order. */
  sortedIds: string[];
  /** Other orderings, computed on demand and dropped on any IS write. */
  orderCache: Map<string, string[]>;
}

function lowerBound(arr: readonly string[], id: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as string) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Store {
  readonly apps = new Map<string, Application>();
  /** `${join_eui}/${dev_eui}` -> owner, for the deployment-wide EUI uniqueness. */
  private readonly euis = new Map<string, { applicationId: string; deviceId: string }>();

  addApplication(id: string, record: JsonObject): Application {
    const existing = this.apps.get(id);
    if (existing) return existing;
    const app: Application = {
      id,
      record,
      is: new Map(),
      js: new Map(),
      ns: new Map(),
      as: new Map(),
      sortedIds: [],
      orderCache: new Map(),
    };
    this.apps.set(id, app);
    return app;
  }

  app(id: string): Application | undefined {
    return this.apps.get(id);
  }

  part(app: Application, component: Component): Map<string, JsonObject> {
    return app[component];
  }

  static euiKey(joinEui: string, devEui: string): string {
    return `${joinEui}/${devEui}`;
  }

  euiOwner(joinEui: string, devEui: string): { applicationId: string; deviceId: string } | undefined {
    return this.euis.get(Store.euiKey(joinEui, devEui));
  }

  /** Adds an IS record (the caller has checked id and EUIs). */
  putIs(app: Application, deviceId: string, record: JsonObject): void {
    const isNew = !app.is.has(deviceId);
    app.is.set(deviceId, record);
    app.orderCache.clear();
    if (!isNew) return;
    const ids = app.sortedIds;
    const last = ids[ids.length - 1];
    // Appending is the common case (seeded ids are generated in order).
    if (last === undefined || last < deviceId) ids.push(deviceId);
    else ids.splice(lowerBound(ids, deviceId), 0, deviceId);
    const join = getPath(record, 'ids.join_eui');
    const dev = getPath(record, 'ids.dev_eui');
    if (typeof join === 'string' && typeof dev === 'string') {
      this.euis.set(Store.euiKey(join, dev), { applicationId: app.id, deviceId });
    }
  }

  deleteIs(app: Application, deviceId: string): boolean {
    const record = app.is.get(deviceId);
    if (!record) return false;
    app.is.delete(deviceId);
    app.orderCache.clear();
    const i = lowerBound(app.sortedIds, deviceId);
    if (app.sortedIds[i] === deviceId) app.sortedIds.splice(i, 1);
    const join = getPath(record, 'ids.join_eui');
    const dev = getPath(record, 'ids.dev_eui');
    if (typeof join === 'string' && typeof dev === 'string') {
      const key = Store.euiKey(join, dev);
      if (this.euis.get(key)?.deviceId === deviceId) this.euis.delete(key);
    }
    return true;
  }

  /** Device ids in the requested IS list order (ListEndDevicesRequest.order). */
  ordered(app: Application, order: string): readonly string[] {
    const field = order.startsWith('-') ? order.slice(1) : order;
    const desc = order.startsWith('-');
    if (field === '' || field === 'device_id') {
      return desc ? this.cached(app, order, () => [...app.sortedIds].reverse()) : app.sortedIds;
    }
    return this.cached(app, order, () => {
      const path = field === 'join_eui' || field === 'dev_eui' ? `ids.${field}` : field;
      // Ties keep device id order (sortedIds is already sorted and the sort is stable).
      const keyed = app.sortedIds.map((id) => {
        const v = getPath(app.is.get(id), path);
        return { id, key: typeof v === 'string' ? v : '' };
      });
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const ids = keyed.map((k) => k.id);
      return desc ? ids.reverse() : ids;
    });
  }

  private cached(app: Application, key: string, compute: () => string[]): string[] {
    let v = app.orderCache.get(key);
    if (!v) {
      v = compute();
      app.orderCache.set(key, v);
    }
    return v;
  }
}
