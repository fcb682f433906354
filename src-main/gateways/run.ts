// Running a gateway plan: each gateway's steps journaled ("@gw:<id>") before they are taken, so
// a run killed at any instant resumes without duplicating anything: a create whose answer was
// lost is found by reading the target; an LNS key minted but not yet in the keychain is found by
// its name and revoked before a new one is minted; the source's old address and LNS key are
// saved once (journal + keychain) before the first re-point and never again, so a rollback after
// any crash restores exactly what the gateway had.
import type { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import { GATEWAY_COPY_PATHS, GatewayApi, REPOINT_PATHS, type Gateway, type Owner } from '../stack/gateway-api.js';
import type { DeviceJournalState, GatewayFacts, Journal, StepName } from '../migration/journal.js';
import { createsOnTarget, needsLnsKey } from './kinds.js';
import { targetGateway } from './fields.js';
import { type GatewaySecrets } from './secrets.js';
import { gatewayStatus, recordOf } from './status.js';
import type { GatewayPlan, GatewayPlanEntry, GatewayStatus } from './schema.js';

export interface GatewayRunContext {
  runId: string;
  source: StackClient;
  target: StackClient;
  plan: GatewayPlan;
  journal: Journal;
  /** The journal as it was when the run (re)started. */
  prior: Map<string, DeviceJournalState>;
  secrets: GatewaySecrets;
  /** Owner tokens of claimable gateways (never stored). */
  ownerTokens?: Record<string, string>;
  signal?: AbortSignal;
  onStatus?: (status: GatewayStatus) => void;
}

/** The LNS key's rights, as the Console makes it (gateway-onboarding-form): info and link only. */
export const LNS_KEY_RIGHTS = ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK'];
const GET_PATHS = [...GATEWAY_COPY_PATHS];

export const ownerOf = (plan: GatewayPlan): Owner => (plan.targetOwner.kind === 'user' ? { userId: plan.targetOwner.id } : { organizationId: plan.targetOwner.id });

/** Moves every gateway of the plan that is ready (one at a time per gateway, a few at once). */
export async function runGatewayActions(ctx: GatewayRunContext): Promise<void> {
  const ready = ctx.plan.gateways.filter((g) => g.status === 'ready');
  const queue = [...ready];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      if (ctx.signal?.aborted) return;
      await moveOne(ctx, g);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
}

class Mover {
  readonly src: GatewayApi;
  readonly tgt: GatewayApi;
  step: StepName | undefined;
  facts: Partial<GatewayFacts>;

  constructor(readonly ctx: GatewayRunContext, readonly entry: GatewayPlanEntry) {
    this.src = new GatewayApi(ctx.source);
    this.tgt = new GatewayApi(ctx.target);
    const prior = ctx.prior.get(recordOf(entry.id));
    this.step = prior?.step;
    this.facts = { ...prior?.gw };
  }

  get opts() {
    return { signal: this.ctx.signal };
  }

  async record(s: StepName, gw: Partial<GatewayFacts> = {}, error?: string): Promise<void> {
    Object.assign(this.facts, gw);
    this.step = s;
    await this.ctx.journal.step(recordOf(this.entry.id), s, { gw, ...(error ? { error } : {}) });
    const history = [{ s, at: Date.now() }];
    this.ctx.onStatus?.(gatewayStatus(this.entry, { step: s, facts: {}, history, gw: this.facts, ...(error ? { error } : {}) }));
  }

  /** The target's gateway of this id, when it is this gateway (same EUI). */
  async onTarget(): Promise<Gateway | undefined> {
    const got = await this.tgt.get(this.entry.id, ['gateway_server_address'], { ...this.opts, missingAsUndefined: true });
    return got && sameEui(got.ids.eui, this.entry.eui) ? got : undefined;
  }

  async create(source: Gateway): Promise<void> {
    if (await this.onTarget()) return;
    await this.record('gw-creating', { targetId: this.entry.id, kind: this.entry.kind, action: this.entry.action });
    const body = targetGateway(source, this.entry.id, this.ctx.plan.targetServerAddress, this.entry.kind);
    try {
      await this.tgt.create(ownerOf(this.ctx.plan), body, this.opts);
    } catch (err) {
      // Taken: by this gateway (an earlier answer lost), or by someone else (said in words).
      if (err instanceof StackError && err.is('AlreadyExists') && (await this.onTarget())) return;
      throw new Error(createFailure(err, this.entry));
    }
    await this.record('gw-created');
  }

  /** The target LNS key: in the keychain already, or minted now (an interrupted one revoked first). */
  async lnsKey(): Promise<string> {
    const kept = this.facts.keyId ? await this.ctx.secrets.lnsKey(this.entry.id) : undefined;
    if (kept) return kept;
    const keyName = `stack-migrator ${this.ctx.runId}`;
    if (this.step === 'gw-key-creating' || this.facts.keyName) {
      for (const k of await this.tgt.listApiKeys(this.entry.id, this.opts)) if (k.name === keyName) await this.tgt.deleteApiKey(this.entry.id, k.id, this.opts);
    }
    await this.record('gw-key-creating', { keyName });
    const made = await this.tgt.createApiKey(this.entry.id, keyName, LNS_KEY_RIGHTS, this.opts);
    await this.ctx.secrets.setLnsKey(this.entry.id, made.key);
    await this.record('gw-key-stored', { keyId: made.id ?? '' });
    return made.key;
  }

  async repoint(key: string): Promise<void> {
    if (this.facts.addressBefore === undefined) {
      // Saved once, before the first write: after a crash the source may already hold our values.
      const before = await this.src.get(this.entry.id, ['gateway_server_address', ...REPOINT_PATHS, 'target_cups_uri', 'target_cups_key'], this.opts);
      if (before?.target_cups_key?.value) {
        throw new Error('The source gateway has a target CUPS key: its CUPS would send it to another CUPS server, not to the target. Clear "target CUPS URI/key" on the source first.');
      }
      const secret = before?.lbs_lns_secret?.value;
      if (secret) await this.ctx.secrets.setLnsBefore(this.entry.id, secret);
      await this.record('gw-repointing', { addressBefore: before?.gateway_server_address ?? null, lnsSecretBefore: Boolean(secret) });
    }
    await this.src.update(this.entry.id, {
      gateway_server_address: this.ctx.plan.targetServerAddress,
      lbs_lns_secret: { value: Buffer.from(key, 'utf8').toString('base64') },
    }, REPOINT_PATHS, this.opts);
    await this.record('gw-repointed', { since: Date.now() });
  }

  async claim(): Promise<void> {
    const token = this.ctx.ownerTokens?.[this.entry.id];
    if (!token) throw new Error('No owner token was given for this claimable gateway: give it (from the gateway\'s label or fleet dashboard) and run again.');
    if (await this.onTarget()) return void (await this.record('gw-claimed', { since: this.facts.since ?? Date.now() }));
    const again = this.step === 'gw-claiming';
    await this.record('gw-claiming', { targetId: this.entry.id, kind: this.entry.kind, action: this.entry.action });
    await this.src.unclaim(this.entry.id, this.opts).catch((err: unknown) => {
      // An earlier attempt may have unclaimed it already (its answer lost): the claim below tells.
      if (err instanceof StackError && err.kind === 'api' && (again || err.is('NotFound'))) return;
      throw err;
    });
    await this.tgt.claim({
      eui: this.entry.eui ?? '', ownerToken: token, owner: ownerOf(this.ctx.plan), gatewayId: this.entry.id,
      serverAddress: this.ctx.plan.targetServerAddress, frequencyPlanIds: this.entry.frequencyPlanIds,
    }, this.opts);
    await this.record('gw-claimed', { since: Date.now() });
  }
}

const DONE: ReadonlySet<StepName | undefined> = new Set(['gw-repointed', 'gw-claimed', 'gw-sheet', 'gw-connected', 'gw-manual', 'gw-skipped', 'gw-rolled-back']);

async function moveOne(ctx: GatewayRunContext, entry: GatewayPlanEntry): Promise<void> {
  const m = new Mover(ctx, entry);
  if (DONE.has(m.step)) return;
  try {
    if (entry.action === 'manual') return void (await m.record('gw-manual', { targetId: entry.id, kind: entry.kind, action: entry.action }));
    if (entry.action === 'skip') return void (await m.record('gw-skipped'));
    if (entry.action === 'claim') return void (await m.claim());
    if (createsOnTarget(entry.action)) {
      const source = await m.src.get(entry.id, GET_PATHS, m.opts);
      if (!source) throw new Error(`Gateway "${entry.id}" is no longer on the source.`);
      await m.create(source);
    }
    const key = needsLnsKey(entry.action) ? await m.lnsKey() : undefined;
    if (entry.action === 'repoint' && key) await m.repoint(key);
    else await m.record('gw-sheet', { targetId: entry.id, kind: entry.kind, action: entry.action, since: Date.now() });
  } catch (err) {
    if (ctx.signal?.aborted) return;
    await m.record('gw-failed', {}, err instanceof Error ? err.message : String(err));
  }
}

const sameEui = (a: string | undefined, b: string | undefined) => (a ?? '').toUpperCase() === (b ?? '').toUpperCase() && a !== undefined;

function createFailure(err: unknown, entry: GatewayPlanEntry): string {
  if (err instanceof StackError && err.errorName === 'gateway_eui_taken') {
    const contact = describeContact(err.attributes?.administrative_contact);
    const as = err.attributes?.gateway_id;
    return `The target already has a gateway with EUI ${entry.eui}${as ? ` (as "${String(as)}")` : ''}, registered by someone else or by you${contact ? `; its administrative contact is ${contact}` : ''}. Ask them, or the tenant's administrator, to release the EUI, then run again.`;
  }
  if (err instanceof StackError && err.errorName === 'id_taken') return `The gateway id "${entry.id}" is taken on the target (a gateway deleted there keeps its id). Release it, or move the gateway under another id.`;
  if (err instanceof StackError && err.errorName === 'tenant_entity_limit') return `The target's plan allows no more gateways (${err.message}). Upgrade the plan or delete a gateway there.`;
  return err instanceof Error ? err.message : String(err);
}

function describeContact(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as { user_ids?: { user_id?: string }; organization_ids?: { organization_id?: string } };
    if (o.user_ids?.user_id) return `the user "${o.user_ids.user_id}"`;
    if (o.organization_ids?.organization_id) return `the organization "${o.organization_ids.organization_id}"`;
  }
  return undefined;
}

/** The target's connection of each gateway still waiting (or with a sheet): journals `gw-connected` when seen. */
export async function checkConnections(ctx: Pick<GatewayRunContext, 'target' | 'plan' | 'journal' | 'signal' | 'onStatus'>, records: Map<string, DeviceJournalState>): Promise<number> {
  const tgt = new GatewayApi(ctx.target);
  let waiting = 0;
  for (const entry of ctx.plan.gateways) {
    const rec = records.get(recordOf(entry.id));
    if (!rec || !['gw-repointed', 'gw-claimed', 'gw-sheet'].includes(rec.step ?? '')) continue;
    const stats = await tgt.connectionStats(rec.gw?.targetId ?? entry.id, { signal: ctx.signal }).catch(() => undefined);
    if (stats?.connected_at) {
      const gw = { connectedAt: stats.connected_at, protocol: stats.protocol ?? '' };
      await ctx.journal.step(recordOf(entry.id), 'gw-connected', { gw });
      rec.step = 'gw-connected';
      rec.gw = { ...rec.gw, ...gw };
      ctx.onStatus?.(gatewayStatus(entry, rec));
    } else if (rec.step !== 'gw-sheet') waiting++;
  }
  return waiting;
}
