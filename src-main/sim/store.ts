// In-memory registries, one per component (IS, JS, NS, AS), each holding only
// what that component stores. Lookups are O(1) maps; the IS keeps device ids
// sorted so that paging by device_id is O(page).
import type { Component } from './fieldmask-rules.js';
import { type JsonObject, getPath } from './json-path.js';

/**
 * The parts of one device, one per component that holds it. A seeded device
 * starts as `pending` (its identifiers only) and is built on first access, so
 * seeding tens of thousands of devices costs little more than their ids.
 */
export interface Slot {
  is?: JsonObject;
  js?: JsonObject;
  ns?: JsonObject;
  as?: JsonObject;
  pending?: (slot: Slot) => void;
}

/** Builds a pending slot's parts, once. */
export function ready(slot: Slot): Slot {
  const build = slot.pending;
  if (build) {
    slot.pending = undefined;
    build(slot);
  }
  return slot;
}

/**
 * One component's view of an application's devices. All four views share one
 * map of slots, so a device costs one map entry whatever parts it has.
 */
export class PartView {
  constructor(
    private readonly slots: Map<string, Slot>,
    private readonly component: Component,
  ) {}

  get(deviceId: string): JsonObject | undefined {
    const slot = this.slots.get(deviceId);
    return slot && ready(slot)[this.component];
  }

  has(deviceId: string): boolean {
    return this.get(deviceId) !== undefined;
  }

  set(deviceId: string, record: JsonObject): void {
    const slot = this.slots.get(deviceId);
    if (slot) ready(slot)[this.component] = record;
    else this.slots.set(deviceId, { [this.component]: record });
  }

  delete(deviceId: string): boolean {
    const slot = this.slots.get(deviceId);
    if (!slot || !ready(slot)[this.component]) return false;
    delete slot[this.component];
    if (!slot.is && !slot.js && !slot.ns && !slot.as) this.slots.delete(deviceId);
    return true;
  }
}

export interface Application {
  id: string;
  record: JsonObject;
  slots: Map<string, Slot>;
  is: PartView;
  js: PartView;
  ns: PartView;
  as: PartView;
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
    const slots = new Map<string, Slot>();
    const app: Application = {
      id,
      record,
      slots,
      is: new PartView(slots, 'is'),
      js: new PartView(slots, 'js'),
      ns: new PartView(slots, 'ns'),
      as: new PartView(slots, 'as'),
      sortedIds: [],
      orderCache: new Map(),
    };
    this.apps.set(id, app);
    return app;
  }

  app(id: string): Application | undefined {
    return this.apps.get(id);
  }

  static euiKey(joinEui: string, devEui: string): string {
    return `${joinEui}/${devEui}`;
  }

  euiOwner(joinEui: string, devEui: string): { applicationId: string; deviceId: string } | undefined {
    return this.euis.get(Store.euiKey(joinEui, devEui));
  }

  /** Adds or replaces an IS record (the caller has checked id and EUIs). */
  putIs(app: Application, deviceId: string, record: JsonObject): void {
    const slot = app.slots.get(deviceId);
    const isNew = !slot || !ready(slot).is;
    if (slot) slot.is = record;
    else app.slots.set(deviceId, { is: record });
    app.orderCache.clear();
    if (!isNew) return;
    const join = getPath(record, 'ids.join_eui');
    const dev = getPath(record, 'ids.dev_eui');
    this.index(app, deviceId, typeof join === 'string' ? join : undefined, typeof dev === 'string' ? dev : undefined);
  }

  /** Registers a new device whose parts `build` makes on first access (the seeder's fast path). */
  putPending(app: Application, deviceId: string, joinEui: string, devEui: string, build: (slot: Slot) => void): void {
    if (app.slots.has(deviceId)) throw new Error(`device ${deviceId} exists`);
    app.slots.set(deviceId, { pending: build });
    app.orderCache.clear();
    this.index(app, deviceId, joinEui, devEui);
  }

  private index(app: Application, deviceId: string, join: string | undefined, dev: string | undefined): void {
    const ids = app.sortedIds;
    const last = ids[ids.length - 1];
    // Appending is the common case (seeded ids are generated in order).
    if (last === undefined || last < deviceId) ids.push(deviceId);
    else ids.splice(lowerBound(ids, deviceId), 0, deviceId);
    if (join !== undefined && dev !== undefined) this.euis.set(Store.euiKey(join, dev), { applicationId: app.id, deviceId });
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
