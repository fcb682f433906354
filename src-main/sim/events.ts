// The event bus and the streaming `POST /api/v3/events` (Events.Stream), after
// pkg/events/grpc (start event, RequireAny, per-event visibility),
// pkg/events/basic/subscription.go (identifier matching, propagation of device
// events to application subscribers) and pkg/events/pattern.go (names).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { R, listApplicationRights, rightsOn, type Caller } from './auth.js';
import { invalidRegexp, noApplicationRights, noIdentifiers, noMatchingEvents, unknownEventName, validation } from './errors.js';
import { type JsonObject, isObject } from './json-path.js';

/** Event names The Things Stack defines for devices (events.Define in pkg/{identity,join,network,application}server). */
const DEFINED_NAMES = [
  'end_device.create', 'end_device.update', 'end_device.delete', 'end_device.batch.delete',
  'js.end_device.create', 'js.end_device.update', 'js.end_device.delete', 'js.end_device.batch.delete',
  'ns.end_device.create', 'ns.end_device.update', 'ns.end_device.delete', 'ns.end_device.batch.delete',
  'as.end_device.create', 'as.end_device.update', 'as.end_device.delete', 'as.end_device.batch.delete',
  'js.join.accept', 'js.join.reject',
  'ns.up.data.receive', 'ns.up.data.drop', 'ns.up.data.process', 'ns.up.data.forward',
  'ns.up.join.receive', 'ns.up.join.drop', 'ns.up.join.process', 'ns.up.join.accept.forward',
  'ns.up.join.cluster.attempt', 'ns.up.join.cluster.success', 'ns.up.join.cluster.fail',
  'ns.up.join.interop.attempt', 'ns.up.join.interop.success', 'ns.up.join.interop.fail',
  'ns.down.join.schedule.attempt', 'ns.down.join.schedule.success', 'ns.down.join.schedule.fail',
  'ns.down.data.schedule.attempt', 'ns.down.data.schedule.success', 'ns.down.data.schedule.fail',
  'ns.down.transmission.success', 'ns.down.transmission.fail', 'ns.down.rx.parameters.fail',
  'as.up.data.receive', 'as.up.data.drop', 'as.up.data.forward', 'as.up.data.decode.fail',
  'as.up.join.receive', 'as.up.join.drop', 'as.up.join.forward', 'as.up.location.forward',
  'as.down.data.receive', 'as.down.data.forward', 'as.down.data.drop',
  'as.down.data.encode.fail', 'as.down.data.encode.warning', 'as.down.data.decode.fail', 'as.down.data.decode.warning',
  'as.down.data.queue.invalidated.forward', 'as.down.data.failed.forward', 'as.down.data.sent.forward',
  'as.down.data.ack.forward', 'as.down.data.nack.forward',
  'application.create', 'application.update', 'application.delete',
  'application.api-key.create', 'application.api-key.update', 'application.api-key.delete',
  // pkg/applicationserver/io/pubsub/observability.go
  'as.pubsub.set', 'as.pubsub.delete', 'as.pubsub.start', 'as.pubsub.stop', 'as.pubsub.fail',
];
const DEFINED = new Set(DEFINED_NAMES);

/**
 * Device events that application subscribers do not see: defined without
 * WithPropagateToParent (pkg/networkserver/observability.go,
 * pkg/applicationserver/observability.go; the registries' and JS's events all propagate).
 */
const NOT_PROPAGATED = new Set([
  'ns.up.data.receive', 'ns.up.data.process', 'ns.up.data.forward', 'ns.up.data.drop',
  'ns.up.join.receive', 'ns.up.join.drop', 'ns.up.join.accept.forward',
  'ns.up.join.cluster.attempt', 'ns.up.join.cluster.success', 'ns.up.join.interop.attempt', 'ns.up.join.interop.success',
  'ns.down.data.schedule.attempt', 'ns.down.data.schedule.success', 'ns.down.join.schedule.attempt', 'ns.down.join.schedule.success',
  'ns.down.transmission.success',
  'as.up.data.receive', 'as.up.join.receive', 'as.down.data.forward',
]);

export interface DeviceRef {
  applicationId: string;
  deviceId: string;
  devEui?: string;
  joinEui?: string;
  devAddr?: string;
}

/**
 * Where an event is published: events are published inside the cluster that
 * handles the call, so with the Identity Server on another host than JS/NS/AS
 * (nam1/au1 with eu1's IS) each host's stream carries only its own events.
 */
export type EventScope = 'is' | 'cluster';
/** The events a stream of one server sees: both kinds when IS and cluster share a host. */
export type StreamScope = EventScope | 'all';

/** Identity Server events (pkg/identityserver events.Define: end_device.*, application.*); the rest is JS/NS/AS. */
export function scopeOf(name: string): EventScope {
  return name.startsWith('end_device.') || name.startsWith('application.') ? 'is' : 'cluster';
}

export interface SimEvent {
  /** The event as streams write it (built on first read, then the same object). */
  readonly json: JsonObject;
  name: string;
  applicationId: string;
  deviceId?: string;
  time: number;
  visibility: string;
  scope: EventScope;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * pkg/events ContextWithCorrelationID / WithData: correlation ids are kept
 * sorted and unique, merged from the context and the event's data.
 */
export function mergeCorrelationIds(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

// ULIDs take their randomness from a pool: one randomBytes call per 256 ids
// instead of one each (the air publishes thousands of events a second).
let randomPool = Buffer.alloc(0);
let randomAt = 0;
function randomChunk(): Buffer {
  if (randomAt + 16 > randomPool.length) {
    randomPool = randomBytes(4096);
    randomAt = 0;
  }
  return randomPool;
}

/** A ULID, the format of TTS event unique ids and correlation ids. */
export function ulid(time = Date.now()): string {
  let t = time;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[t % 32] + head;
    t = Math.floor(t / 32);
  }
  const rnd = randomChunk();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[(rnd[randomAt + i] as number) % 32];
  randomAt += 16;
  return head + tail;
}


export function deviceIdsJson(ref: DeviceRef): JsonObject {
  const ids: JsonObject = { device_id: ref.deviceId, application_ids: { application_id: ref.applicationId } };
  if (ref.devEui) ids.dev_eui = ref.devEui;
  if (ref.joinEui) ids.join_eui = ref.joinEui;
  if (ref.devAddr) ids.dev_addr = ref.devAddr;
  return ids;
}

function visibilityOf(name: string): string {
  return name.includes('end_device.') ? R.DEVICES_READ : R.TRAFFIC_READ;
}

interface Subscription {
  scope: StreamScope;
  caller: Caller;
  devices: Set<string>;
  applications: Set<string>;
  names?: Set<string>;
  res: ServerResponse;
  delimiter: string;
}

export interface StreamRequest {
  scope: StreamScope;
  caller: Caller;
  devices: Set<string>;
  applications: Set<string>;
  names?: Set<string>;
  identifiers: JsonObject[];
  tail: number;
  after?: number;
}

export class EventBus {
  /** The last `historySize` events, a ring (devices on the air publish thousands a second). */
  private readonly ring: SimEvent[] = [];
  private next = 0;
  private readonly subs = new Set<Subscription>();

  constructor(private readonly historySize = 4096) {}

  /**
   * Publishes an event of an application itself (identifiers `application_ids`),
   * shown to holders of `visibility` (events.WithVisibility of its definition).
   */
  publishApplication(name: string, applicationId: string, opts: { data?: JsonObject; visibility: string }): void {
    this.publishEvent(name, { applicationId }, { data: opts.data, visibility: opts.visibility });
  }

  /** Publishes an event; `data` may be a function, called only if a stream reads the event. */
  publish(name: string, ref: DeviceRef, opts: { data?: JsonObject | (() => JsonObject); correlationIds?: string[] } = {}): void {
    this.publishEvent(name, ref, opts);
  }

  private publishEvent(
    name: string,
    ref: DeviceRef | { applicationId: string; deviceId?: undefined },
    opts: { data?: JsonObject | (() => JsonObject); correlationIds?: string[]; visibility?: string },
  ): void {
    const now = Date.now();
    const visibility = opts.visibility ?? visibilityOf(name);
    // The JSON is built when a stream first needs it: most events on the air are never read.
    let json: JsonObject | undefined;
    const build = (): JsonObject => {
      json = {
        name,
        time: new Date(now).toISOString(),
        identifiers: [
          ref.deviceId === undefined ? { application_ids: { application_id: ref.applicationId } } : { device_ids: deviceIdsJson(ref) },
        ],
      };
      if (opts.data) json.data = typeof opts.data === 'function' ? opts.data() : opts.data;
      json.correlation_ids = opts.correlationIds ?? [`sim:${ulid(now)}`];
      json.origin = 'stack-migrator-sim';
      json.visibility = { rights: [visibility] };
      json.unique_id = ulid(now);
      return json;
    };
    const evt: SimEvent = {
      get json() {
        return json ?? build();
      },
      name,
      applicationId: ref.applicationId,
      deviceId: ref.deviceId,
      time: now,
      visibility,
      scope: scopeOf(name),
    };
    if (this.ring.length < this.historySize) this.ring.push(evt);
    else this.ring[this.next] = evt;
    this.next = (this.next + 1) % this.historySize;
    for (const sub of this.subs) if (matches(sub, evt)) write(sub, evt.json);
  }

  /** The kept events, oldest first. */
  private get history(): SimEvent[] {
    return this.ring.length < this.historySize ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Opens a stream on an HTTP response: start event, history (after/tail), then live events. */
  attach(req: StreamRequest, res: ServerResponse, delimiter: string): void {
    const sub: Subscription = { ...req, res, delimiter };
    const start: JsonObject = {
      name: 'events.stream.start',
      time: new Date().toISOString(),
      identifiers: req.identifiers,
      origin: 'stack-migrator-sim',
      unique_id: ulid(),
    };
    if (req.names) start.data = { '@type': 'type.googleapis.com/google.protobuf.Value', value: [...req.names].sort() };
    write(sub, start);
    let backlog: SimEvent[] = [];
    if (req.after !== undefined) backlog = this.history.filter((e) => e.time > (req.after as number) && matches(sub, e));
    if (req.tail > 0) {
      const matching = backlog.length > 0 || req.after !== undefined ? backlog : this.history.filter((e) => matches(sub, e));
      backlog = matching.slice(-req.tail);
    }
    for (const e of backlog) write(sub, e.json);
    this.subs.add(sub);
    res.on('close', () => this.subs.delete(sub));
  }

  closeAll(): void {
    for (const sub of this.subs) sub.res.end();
    this.subs.clear();
  }
}

function matches(sub: Subscription, evt: SimEvent): boolean {
  if (sub.scope !== 'all' && sub.scope !== evt.scope) return false;
  if (sub.names && !sub.names.has(evt.name)) return false;
  const onDevice = evt.deviceId !== undefined && sub.devices.has(`${evt.applicationId}/${evt.deviceId}`);
  const onApp = sub.applications.has(evt.applicationId) && !NOT_PROPAGATED.has(evt.name);
  if (!onDevice && !onApp) return false;
  // Each event is only shown to callers holding its visibility right.
  return rightsOn(sub.caller, evt.applicationId).has(evt.visibility);
}

function write(sub: Subscription, event: JsonObject): void {
  if (sub.res.writableEnded || sub.res.destroyed) return;
  sub.res.write(JSON.stringify({ result: event }) + sub.delimiter);
}

/** pkg/events.NamesFromPatterns: exact defined names or /regexp/ patterns. */
export function resolveNames(patterns: unknown): Set<string> | undefined {
  if (patterns === undefined || patterns === null) return undefined;
  if (!Array.isArray(patterns)) throw validation('names', 'expected a list of strings');
  if (patterns.length === 0) return undefined;
  const out = new Set<string>();
  for (const p of patterns) {
    if (typeof p !== 'string') throw validation('names', 'expected a list of strings');
    if (p.length >= 2 && p.startsWith('/') && p.endsWith('/')) {
      let re: RegExp;
      try {
        re = new RegExp(p.slice(1, -1));
      } catch {
        throw invalidRegexp();
      }
      const found = DEFINED_NAMES.filter((n) => re.test(n));
      if (found.length === 0) throw noMatchingEvents(re.source);
      for (const n of found) out.add(n);
    } else if (DEFINED.has(p)) out.add(p);
    else throw unknownEventName(p);
  }
  return out;
}

/** Parses a StreamEventsRequest body and checks the caller may follow each entity (RequireAny). */
export function parseStreamRequest(caller: Caller, body: JsonObject, scope: StreamScope = 'all'): StreamRequest {
  const ids = body.identifiers;
  if (!Array.isArray(ids) || ids.length === 0) throw noIdentifiers();
  const devices = new Set<string>();
  const applications = new Set<string>();
  for (const entry of ids) {
    if (!isObject(entry)) throw validation('identifiers', 'expected a list of entity identifiers');
    const dev = entry.device_ids;
    const app = entry.application_ids;
    let applicationId: unknown;
    if (isObject(dev)) {
      applicationId = isObject(dev.application_ids) ? dev.application_ids.application_id : undefined;
      if (typeof applicationId !== 'string' || typeof dev.device_id !== 'string') {
        throw validation('identifiers.device_ids', 'value is required');
      }
      devices.add(`${applicationId}/${dev.device_id}`);
    } else if (isObject(app)) {
      applicationId = app.application_id;
      if (typeof applicationId !== 'string') throw validation('identifiers.application_ids', 'value is required');
      applications.add(applicationId);
    } else {
      throw validation('identifiers', 'only application_ids and device_ids are supported');
    }
    // rights.RequireAny: any right on the (device's) application; an admin asking for a missing one gets NotFound.
    if (listApplicationRights(caller, applicationId).size === 0) throw noApplicationRights(applicationId);
  }
  const names = resolveNames(body.names);
  const tail = typeof body.tail === 'number' && body.tail > 0 ? Math.floor(body.tail) : 0;
  let after: number | undefined;
  if (typeof body.after === 'string') {
    after = Date.parse(body.after);
    if (Number.isNaN(after)) throw validation('after', 'invalid timestamp');
  }
  return { scope, caller, devices, applications, names, identifiers: ids as JsonObject[], tail, after };
}
