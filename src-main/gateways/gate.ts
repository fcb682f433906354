// Devices after their gateway: an ABP device that keeps its session is heard only through
// gateways on the network that holds its DevAddr's block (Packet Broker routes by DevAddr), so
// when the run moves the gateways that served it, the device moves once one of them is connected
// to the target — or is left untouched on the source when none connects in time.
import type { StackClient } from '../stack/client.js';
import { GatewayApi } from '../stack/gateway-api.js';
import type { Journal } from '../migration/journal.js';
import type { GatewayPlan } from './schema.js';
import { recordOf } from './status.js';

/** The gateway ids that heard a device lately (NS mac_state.recent_uplinks; Packet Broker's aside). */
export function servingGateways(device: unknown): string[] {
  const ups = (device as { mac_state?: { recent_uplinks?: { rx_metadata?: { gateway_ids?: { gateway_id?: string }; packet_broker?: unknown }[] }[] } })?.mac_state?.recent_uplinks ?? [];
  const ids = new Set<string>();
  for (const up of ups) for (const md of up.rx_metadata ?? []) if (md.gateway_ids?.gateway_id && md.packet_broker === undefined) ids.add(md.gateway_ids.gateway_id);
  return [...ids].sort();
}

export class GatewayGate {
  private readonly connected = new Set<string>();
  private readonly failed = new Map<string, string>();
  private readonly since = new Map<string, number>();
  private polling: Promise<void> | undefined;
  private readonly api: GatewayApi;

  constructor(
    target: StackClient,
    private readonly plan: GatewayPlan,
    private readonly journal: Journal,
    private readonly opts: { pollMs: number; signal: AbortSignal },
  ) {
    this.api = new GatewayApi(target);
  }

  /** What the gateway phase told: connected, failed, or re-pointed at a time. */
  note(id: string, state: string, detail: { since?: number; error?: string }): void {
    if (state === 'connected' || state === 'skipped') this.connected.add(id);
    if (state === 'failed' || state === 'rolled-back' || state === 'manual') this.failed.set(id, detail.error ?? state);
    if (detail.since !== undefined) this.since.set(id, detail.since);
  }

  /** The moved gateways among these (the others are not the run's concern). */
  private moved(ids: string[]): string[] {
    return ids.filter((id) => this.plan.gateways.some((g) => g.id === id && g.status !== 'blocked'));
  }

  /** Resolves when one of the device's moved gateways is connected to the target; otherwise says why not. */
  async waitFor(ids: string[]): Promise<{ ok: true } | { ok: false; reason: string }> {
    const mine = this.moved(ids);
    if (mine.length === 0) return { ok: true };
    const limitMs = this.plan.options.waitSeconds * 1000;
    for (;;) {
      if (mine.some((id) => this.connected.has(id))) return { ok: true };
      const open = mine.filter((id) => !this.failed.has(id) && Date.now() - (this.since.get(id) ?? Date.now()) < limitMs);
      if (open.length === 0 || this.opts.signal.aborted) {
        const why = mine.map((id) => `"${id}" ${this.failed.has(id) ? `could not be moved (${this.failed.get(id)})` : `did not connect to the target within ${this.plan.options.waitSeconds} s`}`).join('; ');
        return { ok: false, reason: `Left untouched on the source: its gateway ${why}. Move it in a new run once its gateway is connected to the target.` };
      }
      await (this.polling ??= this.poll(open).finally(() => (this.polling = undefined)));
    }
  }

  private async poll(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (this.connected.has(id)) continue;
      const stats = await this.api.connectionStats(id, { signal: this.opts.signal }).catch(() => undefined);
      if (stats?.connected_at) {
        // Journaled first: a device that moves because of it comes after it in the journal.
        await this.journal.step(recordOf(id), 'gw-connected', { gw: { connectedAt: stats.connected_at, protocol: stats.protocol ?? '' } });
        this.connected.add(id);
      }
    }
    if (ids.every((id) => this.connected.has(id))) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.opts.pollMs);
      this.opts.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}
