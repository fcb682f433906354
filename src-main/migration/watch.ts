// Watches the target's event stream for devices joining or sending their first uplink.
import type { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import type { StackEvent } from '../stack/schemas.js';

/**
 * Events that show a device is live on the target (names from events.Define in the real
 * server's pkg/joinserver, networkserver, applicationserver). ns.up.data.process is not sent
 * to application subscribers; as.up.data.forward is.
 */
export const ARRIVAL_EVENTS = ['js.join.accept', 'ns.up.join.process', 'as.up.join.forward', 'as.up.data.forward'];

export class JoinWatcher {
  private readonly abort = new AbortController();
  readonly done: Promise<void>;

  constructor(client: StackClient, appId: string, onArrival: (event: StackEvent, deviceId: string) => void, onProblem: (message: string) => void) {
    this.done = (async () => {
      try {
        for await (const item of client.events({ applicationId: appId, names: ARRIVAL_EVENTS }, { signal: this.abort.signal })) {
          if (item.type !== 'event') continue;
          for (const ids of item.event.identifiers ?? []) {
            const deviceId = (ids as { device_ids?: { device_id?: string } }).device_ids?.device_id;
            if (deviceId) onArrival(item.event, deviceId);
          }
        }
      } catch (err) {
        if (!this.abort.signal.aborted) onProblem(`Cannot follow the target's events to see devices join: ${err instanceof StackError ? err.message : String(err)}`);
      }
    })();
  }

  stop(): void {
    this.abort.abort();
  }
}
