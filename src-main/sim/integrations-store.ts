// The Application Server's per-application registries besides devices: the
// link (default formatters), webhooks, pub/subs and package associations
// (pkg/applicationserver/redis LinkRegistry, io/web/redis, io/pubsub/redis,
// io/packages/redis). Like the real ones they are keyed by application id and
// do not consult the Identity Server.
import type { JsonObject } from './json-path.js';

export interface AppIntegrations {
  link?: JsonObject;
  webhooks: Map<string, JsonObject>;
  pubsubs: Map<string, JsonObject>;
  /** Default associations by FPort. */
  defaults: Map<number, JsonObject>;
  /** Device associations by `<device id>/<FPort>`. */
  associations: Map<string, JsonObject>;
}

export const associationKey = (deviceId: string, fPort: number): string => `${deviceId}/${fPort}`;

export class IntegrationStore {
  private readonly apps = new Map<string, AppIntegrations>();

  /** The application's registries, created empty on first write. */
  of(applicationId: string): AppIntegrations {
    let a = this.apps.get(applicationId);
    if (!a) {
      a = { webhooks: new Map(), pubsubs: new Map(), defaults: new Map(), associations: new Map() };
      this.apps.set(applicationId, a);
    }
    return a;
  }

  peek(applicationId: string): AppIntegrations | undefined {
    return this.apps.get(applicationId);
  }

  /** The device's associations in FPort order. */
  deviceAssociations(applicationId: string, deviceId: string): JsonObject[] {
    const a = this.apps.get(applicationId);
    if (!a) return [];
    const out: [number, JsonObject][] = [];
    for (const [key, assoc] of a.associations) {
      const slash = key.lastIndexOf('/');
      if (key.slice(0, slash) === deviceId) out.push([Number(key.slice(slash + 1)), assoc]);
    }
    return out.sort((x, y) => x[0] - y[0]).map(([, v]) => v);
  }

  /** ClearAssociations (an AS device delete). */
  clearDevice(applicationId: string, deviceId: string): void {
    const a = this.apps.get(applicationId);
    if (!a) return;
    for (const key of [...a.associations.keys()]) if (key.slice(0, key.lastIndexOf('/')) === deviceId) a.associations.delete(key);
  }
}
