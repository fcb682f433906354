// Writes end devices across the components in the order the official clients use, with
// rollback of the created parts when one fails and no blind repetition of a create.
import { sameServerHost } from './addresses.js';
import type { CallOptions, StackClient } from './client.js';
import { componentName } from './client.js';
import { StackError } from './errors.js';
import { leafPaths, pickPaths, type JsonObject } from './paths.js';
import { backoffDelay, sleep } from './retry.js';
import { anySchema, endDeviceSchema, type EndDevice } from './schemas.js';
import { bodyFor, type Component, COMPONENTS, FieldMaskError, isCreatePaths, setPathsOf, splitSetPaths } from './split.js';

const writable = new Set<string>([...isCreatePaths, ...COMPONENTS.flatMap((c) => [...setPathsOf[c]])]);

/**
 * The field-mask paths that cover every field a device carries: for each leaf, its deepest
 * ancestor that some component accepts. Identifiers are left out (every request carries them).
 */
export function writablePathsOf(device: JsonObject): string[] {
  const out = new Set<string>();
  const unknown: string[] = [];
  const { ids: _ids, ...rest } = device;
  for (const leaf of leafPaths(rest)) {
    let p: string | undefined = leaf;
    while (p && !writable.has(p)) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : undefined;
    if (p) out.add(p);
    else unknown.push(leaf);
  }
  if (unknown.length > 0) throw new FieldMaskError(unknown, 'set');
  return [...out].sort();
}

/** A create that failed part-way: what failed, and whether the parts made before are gone. */
export class DeviceCreateError extends Error {
  constructor(
    readonly stackError: StackError,
    readonly failedAt: Component,
    /** Parts that could not be removed again (empty when the rollback was complete). */
    readonly leftover: Component[],
  ) {
    super(
      `${stackError.message}${failedAt === 'is' ? '' : leftover.length === 0
        ? ' The parts already created were removed again.'
        : ` Removing the parts already created failed on the ${leftover.map(componentName).join(', ')}: remove the device there by hand.`}`,
      { cause: stackError },
    );
    this.name = 'DeviceCreateError';
  }
  get rolledBack(): boolean {
    return this.leftover.length === 0;
  }
}

const enc = encodeURIComponent;
const devicePath = (appId: string, devId: string) => `/applications/${enc(appId)}/devices/${enc(devId)}`;

export class DeviceWriter {
  constructor(private readonly client: StackClient) {}

  async create(appId: string, input: EndDevice, opts: CallOptions = {}): Promise<{ device: EndDevice; created: Component[] }> {
    const device = withApplication(input, appId);
    const split = splitSetPaths(writablePathsOf(device));
    const isBody = pickPaths(device, ['ids', ...[...isCreatePaths].filter((p) => device[p.split('.')[0]!] !== undefined)]);
    try {
      await this.createOnIdentityServer(appId, isBody as EndDevice, opts);
    } catch (err) {
      // Nothing of ours exists on the target: there is nothing to remove (and a device that
      // was already there under this id is not ours to delete).
      throw new DeviceCreateError(asStackError(err, `Create device "${device.ids.device_id}"`), 'is', []);
    }

    // The JS holds OTAA devices of this deployment's Join Server only (ABP devices never join;
    // an external Join Server keeps its own keys). The AS gets a record for every device, even
    // one without AS fields, as the official SDK does.
    const jsAddress = device.join_server_address;
    const onOwnJs = device.supports_join === true && (typeof jsAddress !== 'string' || jsAddress === '' || sameServerHost(jsAddress, this.client.clusterHost));
    const parts = (['js', 'ns', 'as'] as const).filter((c) => (c === 'js' ? onOwnJs && split.js.length > 0 : c === 'as' || split[c].length > 0));
    const results = await Promise.allSettled(parts.map((c) => this.setPart(c, appId, device, split[c], opts, true)));
    const failure = results.findIndex((r) => r.status === 'rejected');
    if (failure >= 0) {
      const reason = (results[failure] as PromiseRejectedResult).reason;
      // A failed set may still have been applied (a timeout): remove every attempted part.
      const leftover = await this.removeParts(appId, device.ids.device_id, ['is', ...parts]);
      throw new DeviceCreateError(asStackError(reason, `Create device "${device.ids.device_id}"`), parts[failure]!, leftover);
    }
    return { device, created: ['is', ...parts] };
  }

  /** Updates paths of an existing device: the IS first, then JS, NS and AS together. */
  async set(appId: string, input: EndDevice, paths: string[], opts: CallOptions = {}): Promise<{ updated: Component[] }> {
    const device = withApplication(input, appId);
    const split = splitSetPaths(paths);
    const updated: Component[] = [];
    if (split.is.length > 0) {
      await this.client.request({
        method: 'PUT', url: this.client.url('is', devicePath(appId, device.ids.device_id)), route: 'is.update', idempotent: true,
        body: { end_device: bodyFor(device, 'is', split.is), field_mask: { paths: split.is } },
        operation: `Update device "${device.ids.device_id}" on the Identity Server`, schema: endDeviceSchema, signal: opts.signal,
      });
      updated.push('is');
    }
    const parts = (['js', 'ns', 'as'] as const).filter((c) => split[c].length > 0);
    await Promise.all(parts.map((c) => this.setPart(c, appId, device, split[c], opts, false)));
    return { updated: [...updated, ...parts] };
  }

  /** Deletes AS, JS and NS parts (absent is fine), then the IS record. */
  async delete(appId: string, devId: string, opts: CallOptions = {}): Promise<{ deleted: Component[] }> {
    const others = await Promise.all((['as', 'js', 'ns'] as const).map((c) => this.deletePart(c, appId, devId, opts)));
    const deleted: Component[] = (['as', 'js', 'ns'] as const).filter((_, i) => others[i]);
    if (await this.deletePart('is', appId, devId, opts)) deleted.push('is');
    return { deleted };
  }

  private async deletePart(c: Component, appId: string, devId: string, opts: CallOptions): Promise<boolean> {
    try {
      await this.client.request({
        method: 'DELETE', url: this.client.url(c, devicePath(appId, devId)), route: `${c}.delete`, idempotent: true,
        operation: `Delete device "${devId}" from the ${componentName(c)}`, schema: anySchema, signal: opts.signal,
      });
      return true;
    } catch (err) {
      if (err instanceof StackError && err.is('NotFound')) return false;
      throw err;
    }
  }

  private async setPart(c: Component, appId: string, device: EndDevice, paths: string[], opts: CallOptions, creating: boolean) {
    const ids = pickPaths(device, ['ids.device_id', 'ids.application_ids', 'ids.dev_eui', 'ids.join_eui']);
    // The JS looks devices up by their EUIs: it needs both, also in the mask when creating.
    const idPaths = creating || c === 'js' ? ['ids.dev_eui', 'ids.join_eui'].filter((p) => (device.ids as JsonObject)[p.slice(4)] !== undefined) : [];
    const maskPaths = [...idPaths, ...paths];
    await this.client.request({
      method: 'PUT', url: this.client.url(c, devicePath(appId, device.ids.device_id)), route: `${c}.set`, idempotent: true,
      body: { end_device: { ...bodyFor(device, c, paths), ...ids }, field_mask: { paths: maskPaths } },
      operation: `${creating ? 'Create' : 'Update'} device "${device.ids.device_id}" on the ${componentName(c)}`,
      schema: endDeviceSchema, signal: opts.signal,
    });
  }

  /**
   * The IS create is not idempotent, so it is never repeated blindly: after an answer that
   * leaves it unknown whether it happened (timeout, dropped connection, 5xx), read the device
   * back; if it is there with the same EUIs, it happened.
   */
  private async createOnIdentityServer(appId: string, body: EndDevice, opts: CallOptions): Promise<void> {
    const devId = body.ids.device_id;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.request({
          method: 'POST', url: this.client.url('is', `/applications/${enc(appId)}/devices`), route: 'is.create', idempotent: false,
          body: { end_device: body }, operation: `Create device "${devId}" on the Identity Server`, schema: endDeviceSchema, signal: opts.signal,
        });
        return;
      } catch (err) {
        if (!(err instanceof StackError) || !err.isTransient || attempt >= this.client.transport.policy.maxRetries) throw err;
        const existing = await this.client.getDevicePart('is', appId, devId, [], { ...opts, tolerateNotFound: true });
        if (existing) {
          if (sameEuis(existing, body)) return;
          throw err;
        }
        await sleep(backoffDelay(attempt, this.client.transport.policy), opts.signal).catch(() => {
          throw new StackError({ kind: 'aborted', operation: `Create device "${devId}"`, message: `Create device "${devId}": cancelled` });
        });
      }
    }
  }

  /** Best-effort removal of created parts; returns those that could not be removed. */
  private async removeParts(appId: string, devId: string, parts: Component[]): Promise<Component[]> {
    const leftover: Component[] = [];
    const order = (['as', 'ns', 'js', 'is'] as const).filter((c) => parts.includes(c));
    for (const c of order) {
      try {
        await this.deletePart(c, appId, devId, {});
      } catch {
        leftover.push(c);
      }
    }
    return leftover;
  }
}

const sameEuis = (a: EndDevice, b: EndDevice) =>
  (a.ids.dev_eui ?? '').toUpperCase() === (b.ids.dev_eui ?? '').toUpperCase() &&
  (a.ids.join_eui ?? '').toUpperCase() === (b.ids.join_eui ?? '').toUpperCase();

function withApplication(device: EndDevice, appId: string): EndDevice {
  const copy = structuredClone(device);
  copy.ids.application_ids = { application_id: appId };
  return copy;
}

function asStackError(err: unknown, operation: string): StackError {
  if (err instanceof StackError) return err;
  return new StackError({ kind: 'network', operation, message: `${operation}: ${err instanceof Error ? err.message : String(err)}`, cause: err });
}

