// The secrets of a gateway move live in the OS keychain only (never the journal, the plan or a
// log): the target LNS key the run mints, and the source's old LNS key saved for a rollback.
import type { SecretStore } from '../credentials/secret-store.js';
import { registerSecret } from '../logging/redact.js';

const account = (what: 'lns-key' | 'lns-before', runId: string, gatewayId: string) => `gateway-${what}:${runId}:${gatewayId}`;

export class GatewaySecrets {
  constructor(private readonly store: SecretStore, private readonly runId: string) {}

  async lnsKey(gatewayId: string): Promise<string | undefined> {
    return registered(await this.store.get(account('lns-key', this.runId, gatewayId)));
  }

  async setLnsKey(gatewayId: string, key: string): Promise<void> {
    both(key);
    await this.store.set(account('lns-key', this.runId, gatewayId), key);
  }

  /** The source's LNS key before the re-point (the base64 of its bytes, as the API gives it). */
  async lnsBefore(gatewayId: string): Promise<string | undefined> {
    return registered(await this.store.get(account('lns-before', this.runId, gatewayId)));
  }

  async setLnsBefore(gatewayId: string, value: string): Promise<void> {
    both(value);
    await this.store.set(account('lns-before', this.runId, gatewayId), value);
  }

  /** After a rollback: the run's secrets of this gateway are of no use any more. */
  async forget(gatewayId: string): Promise<void> {
    await this.store.delete(account('lns-key', this.runId, gatewayId));
    await this.store.delete(account('lns-before', this.runId, gatewayId));
  }
}

function registered(v: string | undefined): string | undefined {
  if (v) both(v);
  return v;
}

/** A key and its base64 (as it crosses the API in lbs_lns_secret), redacted from everything printed. */
export function both(v: string): void {
  registerSecret(v);
  registerSecret(Buffer.from(v, 'utf8').toString('base64'));
  const decoded = Buffer.from(v, 'base64').toString('utf8');
  if (/^[\x20-\x7e]{16,}$/.test(decoded)) registerSecret(decoded);
}
