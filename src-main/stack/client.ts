// A typed client for the HTTP API v3 of one The Things Stack deployment.
import { type ConnectionTarget, clusterHostOf } from './connection.js';
import { asConnectFailure, StackError } from './errors.js';
import { type RequestObserver, type Response, Transport } from './http.js';
import { streamEvents, type EventFilter } from './events.js';
import { type BackoffPolicy } from './retry.js';
import {
  anySchema, applicationListSchema, applicationSchema, authInfoSchema, devAddrSchema, downlinkQueueSchema,
  endDeviceListSchema, endDeviceSchema, rightsListSchema, type Application, type ApplicationDownlink, type AuthInfo, type EndDevice,
} from './schemas.js';
import { DeviceWriter } from './device-writer.js';
import { type Component, getPathsOf, splitGetPaths } from './split.js';
import { mergeMissing, type JsonObject } from './paths.js';

export interface ClientOptions {
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  observer?: RequestObserver;
  random?: () => number;
  maxSockets?: number;
  /** Pace requests to the server's advertised rate limit (default on). */
  paceToRateLimit?: boolean;
  /** A cap on requests per second to this deployment. */
  maxRequestsPerSecond?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DeviceRead {
  device: EndDevice;
  /** Components that have no record of the device (JS absent: keys on an external Join Server). */
  absent: Component[];
}

const COMPONENT_NAMES: Record<Component, string> = {
  is: 'Identity Server', js: 'Join Server', ns: 'Network Server', as: 'Application Server',
};
export const componentName = (c: Component) => COMPONENT_NAMES[c];

const enc = encodeURIComponent;

export class StackClient {
  readonly transport: Transport;
  readonly clusterHost: string;
  private readonly writer: DeviceWriter;

  constructor(readonly target: ConnectionTarget & { apiKey: string }, options: ClientOptions = {}) {
    this.transport = new Transport({ apiKey: target.apiKey, ca: target.ca, ...options });
    this.clusterHost = clusterHostOf(target);
    this.writer = new DeviceWriter(this);
  }

  /** Base URL of a component's API (the IS on its own host, JS/NS/AS on the cluster). */
  url(component: Component | 'cluster', path: string, query?: Record<string, string | number | undefined>): string {
    const base = component === 'is' ? this.target.isUrl : this.target.clusterUrl;
    const prefix = component === 'is' || component === 'cluster' ? '' : `/${component}`;
    const qs = Object.entries(query ?? {})
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${k === 'field_mask' ? String(v) : enc(String(v))}`)
      .join('&');
    return `${base}/api/v3${prefix}${path}${qs ? `?${qs}` : ''}`;
  }

  /** What the API key is and which rights it has. */
  async authInfo(opts: CallOptions = {}): Promise<AuthInfo & { rights: string[] }> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('is', '/auth_info'), route: 'auth_info', idempotent: true,
      operation: 'Check the API key', schema: authInfoSchema, signal: opts.signal,
    }).catch((err: unknown) => {
      throw asConnectFailure(err, this.target.isUrl); // unreachable: not the key's fault
    });
    const own = data.api_key?.api_key.rights ?? data.oauth_access_token?.rights ?? [];
    const rights = [...new Set([...own, ...(data.universal_rights?.rights ?? [])])];
    return { ...data, rights };
  }

  /**
   * The caller's rights on one application (ApplicationAccess.ListRights): what the key may do
   * there, whether it is the application's own key, a user's (its rights ∩ the user's
   * collaboration) or an admin's (universal rights, which never include the key rights).
   */
  async applicationRights(appId: string, opts: CallOptions = {}): Promise<string[]> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('is', `/applications/${enc(appId)}/rights`), route: 'app.rights', idempotent: true,
      operation: `Check the API key's rights on application "${appId}"`, schema: rightsListSchema, signal: opts.signal,
    }).catch((err: unknown) => {
      throw asConnectFailure(err, this.target.isUrl);
    });
    return data.rights ?? [];
  }

  async getApplication(appId: string, paths: string[] = ['name', 'description', 'network_server_address', 'application_server_address', 'join_server_address', 'created_at'], opts: CallOptions = {}): Promise<Application> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('is', `/applications/${enc(appId)}`, { field_mask: paths.join(',') }),
      route: 'app.get', idempotent: true, operation: `Read application "${appId}"`, schema: applicationSchema, signal: opts.signal,
    });
    return data;
  }

  /** Applications the key can see (an application key sees its own application). */
  async listApplications(opts: CallOptions = {}): Promise<Application[]> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('is', '/applications', { field_mask: 'name,description', limit: 1000 }),
      route: 'app.list', idempotent: true, operation: 'List applications', schema: applicationListSchema, signal: opts.signal,
    });
    return data.applications ?? [];
  }

  /**
   * Every device of an application from the IS, over all pages: the first page tells the
   * total (X-Total-Count), the rest are fetched concurrently.
   */
  async listDevices(
    appId: string,
    opts: CallOptions & {
      paths?: string[];
      pageSize?: number;
      concurrency?: number;
      onProgress?: (loaded: number, total: number) => void;
      /** Each page as it arrives (pages may arrive out of order: place them by offset). */
      onPage?: (page: { offset: number; total: number; devices: EndDevice[]; last: boolean }) => void;
    } = {},
  ): Promise<{ devices: EndDevice[]; total: number }> {
    const pageSize = Math.min(1000, Math.max(1, opts.pageSize ?? 1000));
    const paths = (opts.paths ?? ['name', 'created_at', 'updated_at', 'last_seen_at']).filter((p) => getPathsOf.is.has(p));
    const fetchPage = (page: number) =>
      this.transport.request({
        method: 'GET', route: 'is.list', idempotent: true, signal: opts.signal, schema: endDeviceListSchema,
        url: this.url('is', `/applications/${enc(appId)}/devices`, { field_mask: ['ids', ...paths].join(','), limit: pageSize, page, order: 'device_id' }),
        operation: `List devices of application "${appId}" (page ${page})`,
      });
    const first = await fetchPage(1);
    const total = Number(first.headers['x-total-count'] ?? first.data.end_devices?.length ?? 0);
    const pages: (EndDevice[] | undefined)[] = [first.data.end_devices as EndDevice[] | undefined];
    let loaded = pages[0]?.length ?? 0;
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    let remaining = pageCount - 1;
    opts.onProgress?.(loaded, total);
    opts.onPage?.({ offset: 0, total, devices: pages[0] ?? [], last: remaining === 0 });
    let next = 2;
    const worker = async () => {
      while (next <= pageCount) {
        const page = next++;
        const res = await fetchPage(page);
        opts.signal?.throwIfAborted();
        const devices = (res.data.end_devices ?? []) as EndDevice[];
        pages[page - 1] = devices;
        loaded += devices.length;
        opts.onProgress?.(loaded, total);
        opts.onPage?.({ offset: (page - 1) * pageSize, total, devices, last: --remaining === 0 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, Math.max(0, pageCount - 1)) }, worker));
    // Devices added or removed while paging can shift pages: keep each device once.
    const seen = new Set<string>();
    const devices = pages.flatMap((p) => p ?? []).filter((d) => !seen.has(d.ids.device_id) && seen.add(d.ids.device_id));
    return { devices, total };
  }

  /** One component's part of a device, or undefined when that component has no record of it. */
  async getDevicePart(c: Component, appId: string, devId: string, paths: string[], opts: CallOptions & { tolerateNotFound?: boolean } = {}): Promise<EndDevice | undefined> {
    const path = `/applications/${enc(appId)}/devices/${enc(devId)}`;
    try {
      const res: Response<EndDevice> = await this.transport.request({
        method: 'GET', url: this.url(c, path, { field_mask: ['ids', ...paths].join(',') }), route: `${c}.get`, idempotent: true,
        operation: `Read device "${devId}" from the ${componentName(c)}`, schema: endDeviceSchema as never, signal: opts.signal,
      });
      return res.data;
    } catch (err) {
      if (opts.tolerateNotFound && err instanceof StackError && err.is('NotFound')) return undefined;
      throw err;
    }
  }

  /**
   * A device read from every component that serves one of `paths`, merged into one object.
   * The IS record must exist; a missing JS/NS/AS record is reported in `absent`.
   */
  async getDevice(appId: string, devId: string, paths: string[], opts: CallOptions = {}): Promise<DeviceRead> {
    const split = splitGetPaths(paths);
    const order: Component[] = ['is', 'ns', 'as', 'js'];
    const wanted = order.filter((c) => c === 'is' || split[c].length > 0);
    const parts = await Promise.all(
      wanted.map((c) => this.getDevicePart(c, appId, devId, split[c], { ...opts, tolerateNotFound: c !== 'is' })),
    );
    const device = {} as JsonObject;
    const absent: Component[] = [];
    parts.forEach((part, i) => (part ? mergeMissing(device, part) : absent.push(wanted[i]!)));
    return { device: device as EndDevice, absent };
  }

  /** Creates a device across IS, JS, NS and AS; removes the created parts if one fails. */
  createDevice(appId: string, device: EndDevice, opts: CallOptions = {}) {
    return this.writer.create(appId, device, opts);
  }

  /** Updates the given paths of a device, each component receiving only its own paths. */
  setDevice(appId: string, device: EndDevice, paths: string[], opts: CallOptions = {}) {
    return this.writer.set(appId, device, paths, opts);
  }

  /** Deletes a device: AS, JS, NS first (a missing part is fine), the IS last. */
  deleteDevice(appId: string, devId: string, opts: CallOptions = {}) {
    return this.writer.delete(appId, devId, opts);
  }

  /**
   * Appends downlinks to a device's queue on the Application Server. Not idempotent: only a
   * 429 (refused, so not applied) is tried again; after any other failure the caller must
   * look at the queue before pushing again.
   */
  async pushDownlinks(appId: string, devId: string, downlinks: ApplicationDownlink[], opts: CallOptions = {}): Promise<void> {
    await this.transport.request({
      method: 'POST', url: this.url('as', `/applications/${enc(appId)}/devices/${enc(devId)}/down/push`), route: 'as.down.push', idempotent: false,
      body: { downlinks }, operation: `Queue a downlink for device "${devId}" on the Application Server`, schema: anySchema, signal: opts.signal,
      // A few waits for the application's downlink budget, then the device moves on without its trigger (said in words).
      maxRateLimitWaits: 5,
    });
  }

  /** The device's application downlink queue (what the Network Server has not sent yet). */
  async listDownlinks(appId: string, devId: string, opts: CallOptions = {}): Promise<ApplicationDownlink[]> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('as', `/applications/${enc(appId)}/devices/${enc(devId)}/down`), route: 'as.down.list', idempotent: true,
      operation: `Read the downlink queue of device "${devId}"`, schema: downlinkQueueSchema, signal: opts.signal,
    });
    return data.downlinks ?? [];
  }

  /** A fresh DevAddr from the Network Server's prefixes. */
  async generateDevAddr(opts: CallOptions = {}): Promise<string> {
    const { data } = await this.transport.request({
      method: 'GET', url: this.url('cluster', '/ns/dev_addr'), route: 'ns.dev_addr', idempotent: true,
      operation: 'Get a device address from the Network Server', schema: devAddrSchema, signal: opts.signal,
    });
    return data.dev_addr.toUpperCase();
  }

  /** Follows the event stream; reconnects after a dropped connection. */
  events(filter: EventFilter, opts: { signal: AbortSignal }) {
    return streamEvents(this, filter, opts.signal);
  }

  /** Empty-bodied requests (deletes); exposed for the device writer. */
  request(spec: Parameters<Transport['request']>[0]) {
    return this.transport.request({ ...spec, schema: spec.schema ?? anySchema });
  }

  close(): void {
    this.transport.close();
  }
}
