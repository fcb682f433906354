// The Identity Server's gateway table and memberships, and the Gateway Server's connections of
// one deployment. Soft delete as the bun store does it (pkg/identityserver/bunstore/gateway_store.go
// DeleteGateway sets deleted_at): the id stays taken (migrations 20220520000000_v3_20.init.sql
// `gateway_id_index` UNIQUE over every row), the EUI is released
// (20220913000000_update_gtw_eui_index.tx.up.sql: unique `WHERE deleted_at IS NULL`).
import type { JsonObject } from './json-path.js';

export interface StoredGateway {
  record: JsonObject;
  deletedAt?: string;
}

/** One gateway connection on this deployment's Gateway Server (pkg/gatewayserver/io/io.go Connection.Stats). */
export interface GatewayConnection {
  gatewayId: string;
  eui: string;
  protocol: 'ws' | 'udp';
  connectedAt: string;
  remoteIp: string;
  lastStatusAt?: string;
  uplinkCount: number;
  lastUplinkAt?: string;
  /** Called when another connection replaces this one or the gateway goes elsewhere. */
  onDisconnect?: (reason: string) => void;
}

export class GatewayStore {
  private readonly rows = new Map<string, StoredGateway>();
  /** Collaborator rights (implied) per gateway: users and organizations. */
  readonly users = new Map<string, Map<string, ReadonlySet<string>>>();
  readonly organizations = new Map<string, Map<string, ReadonlySet<string>>>();
  /** The Gateway Server's connections by gateway id. */
  readonly connections = new Map<string, GatewayConnection>();

  /** A live (not deleted) gateway. */
  get(id: string): StoredGateway | undefined {
    const row = this.rows.get(id);
    return row && row.deletedAt === undefined ? row : undefined;
  }

  /** The id is taken by a live or deleted gateway. */
  idTaken(id: string): boolean {
    return this.rows.has(id);
  }

  /** The live gateway holding an EUI (hex, upper case). */
  byEui(eui: string): StoredGateway | undefined {
    const want = eui.toUpperCase();
    for (const row of this.rows.values()) {
      if (row.deletedAt === undefined && row.record.ids && (row.record.ids as JsonObject).eui === want) return row;
    }
    return undefined;
  }

  insert(id: string, record: JsonObject): StoredGateway {
    const row = { record };
    this.rows.set(id, row);
    return row;
  }

  softDelete(id: string, at: string): void {
    const row = this.get(id);
    if (row) {
      row.deletedAt = at;
      row.record.deleted_at = at;
    }
  }

  /** Live gateway ids, sorted. */
  liveIds(): string[] {
    return [...this.rows.entries()].filter(([, r]) => r.deletedAt === undefined).map(([id]) => id).sort();
  }

  /** Live gateways (what a plan limit counts; assumption, the Cloud's count is closed source). */
  get liveCount(): number {
    return this.liveIds().length;
  }

  setMember(kind: 'user' | 'organization', accountId: string, gatewayId: string, rights: ReadonlySet<string>): void {
    const table = kind === 'user' ? this.users : this.organizations;
    let m = table.get(gatewayId);
    if (!m) {
      m = new Map();
      table.set(gatewayId, m);
    }
    m.set(accountId, rights);
  }

  memberRights(kind: 'user' | 'organization', accountId: string, gatewayId: string): ReadonlySet<string> | undefined {
    return (kind === 'user' ? this.users : this.organizations).get(gatewayId)?.get(accountId);
  }

  /** Gateway ids an account is a direct member of. */
  membershipsOf(kind: 'user' | 'organization', accountId: string): string[] {
    const table = kind === 'user' ? this.users : this.organizations;
    return [...table.entries()].filter(([, m]) => m.has(accountId)).map(([id]) => id);
  }
}
