// Runs a migration: devices through the pipeline under an adaptive concurrency limit, with
// pause, resume and cancel, typed progress, a journal to resume from, and join watching.
import { setMaxListeners } from 'node:events';
import type { StackEvent } from '../stack/schemas.js';
import { Journal, JournalMissingError, readJournal, type DeviceJournalState } from './journal.js';
import { AdaptiveLimiter } from './limiter.js';
import { targetDeviceId, type MigrationOptions } from './options.js';
import { arrivalState, migrateDevice, type Outcome, type SourceSide, type TargetSide } from './pipeline.js';
import type { DeviceState, ProgressEvent } from './progress.js';
import { JoinWatcher } from './watch.js';
import { TriggerWaits } from './trigger.js';
import { carryItems, ensureTargetApplication, type CarryContext } from '../application/carry.js';
import { hasRight, RIGHT } from './preflight.js';
import { runGatewayActions } from '../gateways/run.js';
import { GatewayGate } from '../gateways/gate.js';
import { gatewayStatus, recordOf } from '../gateways/status.js';
import type { GatewayPlan } from '../gateways/schema.js';
import type { GatewaySecrets } from '../gateways/secrets.js';

export interface RunConfig {
  runDir: string;
  journalPath: string;
  source: SourceSide;
  target: TargetSide;
  options: MigrationOptions;
  /** Source device ids to migrate, in order. */
  deviceIds: string[];
  /** A fixed number of devices at once, or adaptive (the default). */
  concurrency?: number;
  /** Follow the target's event stream and mark devices joined. */
  watchJoins?: boolean;
  /** Try devices that failed in an earlier attempt again (resume does, by default). */
  retryFailed?: boolean;
  /** A resumed run: its journal must be there and readable. */
  resuming?: boolean;
  /**
   * Gateways moved first, in the same run and journal; ABP devices that keep their session and
   * were heard through one of them (servedBy) move once one is connected to the target.
   */
  gateways?: { plan: GatewayPlan; servedBy: Record<string, string[]>; runId: string; secrets: GatewaySecrets; pollMs?: number };
  onEvent(event: ProgressEvent): void;
}

export interface RunSummary {
  migrated: number;
  awaitingReprogram: number;
  failed: number;
  skipped: number;
  cancelled: number;
  notStarted: number;
  joined: number;
  runDir: string;
  outcomes: Map<string, Outcome | 'not-started'>;
}

const FINAL: ReadonlySet<DeviceState> = new Set(['waiting-join', 'moved', 'joined', 'awaiting-reprogram', 'failed', 'rolled-back', 'cancelled', 'skipped']);

export class MigrationRun {
  readonly states = new Map<string, DeviceState>();
  readonly errors = new Map<string, string>();
  readonly outcomes = new Map<string, Outcome | 'not-started'>();
  private readonly abort = new AbortController();
  private paused: { promise: Promise<void>; resume: () => void } | undefined;
  private readonly limiter: AdaptiveLimiter;
  private readonly finishedAt: number[] = [];
  private lastTotals = 0;
  private trailingTotals: NodeJS.Timeout | undefined;
  private watcher: JoinWatcher | undefined;
  private journal!: Journal;
  private prior = new Map<string, DeviceJournalState>();
  private journalOpen = false;
  /** Devices seen arriving on the target before they reached "waiting-join". */
  private readonly arrived = new Set<string>();
  /** Trigger waits of this run (its plan triggers re-joins), and the work that finishes them. */
  private readonly triggers: TriggerWaits | undefined;
  private readonly laterWork = new Set<Promise<void>>();
  readonly done: Promise<RunSummary>;

  constructor(private readonly config: RunConfig) {
    const fixed = config.concurrency !== undefined;
    this.limiter = new AdaptiveLimiter({ initial: config.concurrency ?? 8, min: 1, max: config.concurrency ?? 64, fixed });
    for (const id of config.deviceIds) this.states.set(id, 'queued');
    if (config.options.trigger && config.source.kind === 'stack') {
      this.triggers = new TriggerWaits(config.source, (message) => config.onEvent({ type: 'notice', level: 'warning', message, at: Date.now() }));
    }
    // Every request in flight listens on the run's signal: many at once is expected.
    setMaxListeners(0, this.abort.signal);
    this.done = this.run();
  }

  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { promise, resume };
    this.emitRun('paused');
  }

  resume(): void {
    const p = this.paused;
    this.paused = undefined;
    p?.resume();
    if (p) this.emitRun('running');
  }

  /** Stops starting devices; devices in flight are rolled back unless already verified. */
  cancel(): void {
    this.abort.abort(new Error('cancelled'));
    // Devices waiting for their trigger to go out: the source is quieted now.
    this.triggers?.cancelAll();
    this.resume();
    this.emitRun('cancelling');
  }

  get concurrency(): number {
    return this.limiter.limit;
  }

  /** Stops following joins (the run's promise is already resolved by then, or will be). */
  stopWatching(): void {
    this.watcher?.stop();
  }

  private async run(): Promise<RunSummary> {
    const { config } = this;
    try {
      this.prior = (await readJournal(config.journalPath)).devices;
    } catch (err) {
      // Only a new run starts without a journal; a resumed one whose journal is gone or
      // damaged stops here, before anything is written to either side.
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing || config.resuming) {
        throw missing ? new JournalMissingError(config.journalPath) : err;
      }
      this.prior = new Map();
    }
    this.journal = await Journal.open(config.journalPath);
    this.journalOpen = true;
    const unobserve = [config.target.client.transport.observe(this.limiter)];
    if (config.source.kind === 'stack') unobserve.push(config.source.client.transport.observe(this.limiter));
    // A pause asked for while the journal was opening stands.
    this.emitRun(this.paused ? 'paused' : 'running');
    // The application first: the target must exist, and the first device's uplinks find their formatter and integrations.
    const carry = this.carryContext();
    if (carry) {
      try {
        await ensureTargetApplication(carry);
        // Rights on an application created just now are known only now.
        config.target.canReadKeys = hasRight(await config.target.client.applicationRights(config.target.appId), RIGHT.readKeys);
      } catch (err) {
        // No target application: no device can move. Nothing of the source was touched.
        this.journalOpen = false;
        await this.journal.close();
        for (const u of unobserve) u();
        throw err;
      }
      await this.carryPhase(carry, 'application');
    }
    const gate = await this.gatewayPhase();
    if (config.watchJoins) this.startWatching();
    const servedBy = config.gateways?.servedBy ?? {};
    const todo = config.deviceIds.filter((id) => !this.alreadyFinal(id) && !this.failedAndLeft(id));
    // Devices waiting for a gateway come last: the others need not wait behind them.
    const queue = [...todo.filter((id) => !servedBy[id]?.length), ...todo.filter((id) => servedBy[id]?.length)];
    let next = 0;
    const worker = async () => {
      for (;;) {
        if (this.paused) await this.paused.promise;
        if (this.abort.signal.aborted || next >= queue.length) return;
        await this.limiter.acquire();
        const id = queue[next++];
        if (id === undefined || this.abort.signal.aborted) {
          this.limiter.release();
          return;
        }
        if (gate && servedBy[id]?.length) {
          this.limiter.release(); // no slot held while the gateway reconnects
          const ready = await gate.waitFor(servedBy[id]);
          if (!ready.ok) {
            await this.journal.step(id, 'skipped', { reason: ready.reason });
            this.outcomes.set(id, 'skipped');
            this.setState(id, 'skipped', { error: ready.reason });
            continue;
          }
          await this.limiter.acquire();
          if (this.abort.signal.aborted) {
            this.limiter.release(); // reported not started below
            return;
          }
        }
        try {
          const outcome = await migrateDevice(this.pipelineContext(), id, this.prior.get(id));
          this.outcomes.set(id, outcome);
        } finally {
          this.limiter.release();
        }
      }
    };
    await Promise.all(Array.from({ length: config.concurrency ?? 64 }, worker));
    // Devices whose trigger is still on its way hold the run open (their workers are free).
    while (this.laterWork.size > 0) await Promise.all([...this.laterWork]);
    // Then the devices' own package associations, for the devices now on the target.
    if (carry && !this.abort.signal.aborted) {
      const moved = new Set([...this.outcomes].filter(([, o]) => o === 'migrated' || o === 'awaiting-reprogram').map(([id]) => id));
      for (const [id, d] of this.prior) if (d.step === 'retired' || d.step === 'joined') moved.add(id);
      await this.carryPhase({ ...carry, devices: carry.devices.filter((d) => moved.has(d.sourceId)) }, 'devices');
    }
    for (const id of queue) if (!this.outcomes.has(id)) this.outcomes.set(id, 'not-started');
    this.journalOpen = false;
    await this.journal.close();
    for (const u of unobserve) u();
    this.emitTotals(true);
    this.emitRun(this.abort.signal.aborted ? 'cancelled' : 'finished');
    return this.summary();
  }

  /** The plan's gateways, moved before the devices; the gate the devices they serve wait at. */
  private async gatewayPhase(): Promise<GatewayGate | undefined> {
    const { config } = this;
    const g = config.gateways;
    if (!g || config.source.kind !== 'stack') return undefined;
    const gate = new GatewayGate(config.target.client, g.plan, this.journal, { pollMs: g.pollMs ?? 5000, signal: this.abort.signal });
    for (const entry of g.plan.gateways) {
      const s = gatewayStatus(entry, this.prior.get(recordOf(entry.id)));
      gate.note(entry.id, s.state, s);
    }
    await runGatewayActions({
      runId: g.runId, source: config.source.client, target: config.target.client, plan: g.plan, journal: this.journal, prior: this.prior,
      secrets: g.secrets, signal: this.abort.signal,
      onStatus: (s) => {
        gate.note(s.id, s.state, s);
        const words = s.state === 'failed' ? `could not be moved: ${s.error ?? ''}` : s.state === 'waiting' ? 're-pointed to the target; waiting for it to reconnect' : s.state;
        config.onEvent({ type: 'notice', level: s.state === 'failed' ? 'error' : 'info', message: `Gateway "${s.id}": ${words}`, at: Date.now() });
      },
    });
    return gate;
  }

  /** What carrying the application needs, when the plan carries it. */
  private carryContext(): CarryContext | undefined {
    const { config } = this;
    if (!config.options.application || config.source.kind !== 'stack') return undefined;
    return {
      source: { client: config.source.client, appId: config.source.appId }, target: { client: config.target.client, appId: config.target.appId },
      journal: this.journal, prior: this.prior, options: config.options.application, signal: this.abort.signal,
      devices: config.deviceIds.map((sourceId) => ({ sourceId, targetId: targetDeviceId(sourceId, config.options.idMapping) })),
      onItem: (e) => config.onEvent({ type: 'application', ...e, at: Date.now() }),
    };
  }

  /** One phase of the application's items; a failure of the phase is said, the devices go on. */
  private async carryPhase(carry: CarryContext, phase: 'application' | 'devices'): Promise<void> {
    try {
      await carryItems(carry, phase);
    } catch (err) {
      this.config.onEvent({ type: 'notice', level: 'error', message: `The application's ${phase === 'devices' ? 'device package associations' : 'settings'} could not be carried: ${err instanceof Error ? err.message : String(err)}`, at: Date.now() });
    }
  }

  /** Devices that failed before, when this run must not try them again. */
  private failedAndLeft(id: string): boolean {
    if (this.config.retryFailed !== false || this.prior.get(id)?.step !== 'failed') return false;
    this.states.set(id, 'failed');
    this.outcomes.set(id, 'failed');
    return true;
  }

  private alreadyFinal(id: string): boolean {
    const step = this.prior.get(id)?.step;
    const done: Partial<Record<string, [DeviceState, Outcome]>> = {
      retired: ['waiting-join', 'migrated'], joined: ['joined', 'migrated'], 'awaiting-reprogram': ['awaiting-reprogram', 'awaiting-reprogram'],
      skipped: ['skipped', 'skipped'],
    };
    const hit = step ? done[step] : undefined;
    if (!hit) return false;
    this.states.set(id, step === 'retired' ? arrivalState(this.prior.get(id)!.facts) : hit[0]);
    this.outcomes.set(id, hit[1]);
    return true;
  }

  private pipelineContext() {
    const { config } = this;
    return {
      source: config.source, target: config.target, journal: this.journal, options: config.options, signal: this.abort.signal,
      emit: (deviceId: string, state: DeviceState, detail: { error?: string; targetId?: string } = {}) => this.setState(deviceId, state, detail),
      triggers: this.triggers,
      later: (deviceId: string, work: Promise<Outcome>) => {
        const tracked: Promise<void> = work.then((outcome) => {
          this.outcomes.set(deviceId, outcome);
        }).finally(() => this.laterWork.delete(tracked));
        this.laterWork.add(tracked);
      },
    };
  }

  private setState(deviceId: string, state: DeviceState, detail: { error?: string; targetId?: string } = {}) {
    const before = this.states.get(deviceId);
    this.states.set(deviceId, state);
    if (detail.error) this.errors.set(deviceId, detail.error);
    if (FINAL.has(state) && (!before || !FINAL.has(before))) this.finishedAt.push(performance.now());
    this.config.onEvent({ type: 'device', deviceId, state, at: Date.now(), ...detail });
    this.emitTotals(false);
    if (state === 'waiting-join' && this.arrived.delete(deviceId)) void this.journalJoined(deviceId, { name: 'earlier' });
  }

  private startWatching() {
    const { target } = this.config;
    const byTargetId = new Map<string, string>();
    for (const id of this.config.deviceIds) byTargetId.set(targetDeviceId(id, this.config.options.idMapping), id);
    this.watcher = new JoinWatcher(target.client, target.appId, (event: StackEvent, targetId: string) => {
      const sourceId = byTargetId.get(targetId);
      if (!sourceId) return;
      const state = this.states.get(sourceId);
      if (state === 'waiting-join' || state === 'awaiting-reprogram') void this.journalJoined(sourceId, event);
      else if (state !== 'joined') {
        this.arrived.add(sourceId);
        // Its trigger got through: the source is quieted now rather than at the time limit.
        this.triggers?.arrived(sourceId);
      }
    }, (message) => this.config.onEvent({ type: 'notice', level: 'warning', message, at: Date.now() }));
  }

  private async journalJoined(sourceId: string, _event: StackEvent) {
    this.states.set(sourceId, 'joined'); // at once: a second event must not journal it twice
    try {
      if (this.journalOpen) await this.journal.step(sourceId, 'joined');
      else {
        // A join after the run ended: append through a handle of its own.
        const journal = await Journal.open(this.config.journalPath);
        await journal.step(sourceId, 'joined');
        await journal.close();
      }
    } catch (err) {
      // The device did join; only the record of it is missing (the report will say "migrated").
      this.config.onEvent({ type: 'notice', level: 'warning', message: `Could not record that ${sourceId} joined: ${err instanceof Error ? err.message : String(err)}`, at: Date.now() });
    }
    this.setState(sourceId, 'joined');
  }

  private emitRun(state: 'running' | 'paused' | 'cancelling' | 'finished' | 'cancelled') {
    this.config.onEvent({ type: 'run', state, runDir: this.config.runDir, at: Date.now() });
  }

  /**
   * Totals at most four times a second (and once at the end); a change held back is sent when
   * its quarter second is over, so the last state of a quiet spell (devices waiting for their
   * trigger) is never left unsaid.
   */
  private emitTotals(force: boolean) {
    const now = performance.now();
    if (!force && now - this.lastTotals < 250) {
      this.trailingTotals ??= setTimeout(() => {
        this.trailingTotals = undefined;
        this.emitTotals(false);
      }, 250 - (now - this.lastTotals));
      this.trailingTotals.unref();
      return;
    }
    clearTimeout(this.trailingTotals);
    this.trailingTotals = undefined;
    this.lastTotals = now;
    const counts = {} as Record<DeviceState, number>;
    for (const s of this.states.values()) counts[s] = (counts[s] ?? 0) + 1;
    const total = this.states.size;
    const done = [...this.states.values()].filter((s) => FINAL.has(s)).length;
    const windowStart = now - 10_000;
    const recent = this.finishedAt.filter((t) => t >= windowStart);
    const span = recent.length > 1 ? (now - recent[0]!) / 1000 : 0;
    const devicesPerSecond = span > 0 ? recent.length / span : 0;
    this.config.onEvent({
      type: 'totals', total, done, counts, devicesPerSecond, concurrency: this.limiter.limit,
      etaSeconds: devicesPerSecond > 0 ? Math.round((total - done) / devicesPerSecond) : null, at: Date.now(),
    });
  }

  private summary(): RunSummary {
    const count = (o: Outcome | 'not-started') => [...this.outcomes.values()].filter((x) => x === o).length;
    return {
      migrated: count('migrated'), awaitingReprogram: count('awaiting-reprogram'), failed: count('failed'),
      skipped: count('skipped'), cancelled: count('cancelled'), notStarted: count('not-started'),
      joined: [...this.states.values()].filter((s) => s === 'joined').length,
      runDir: this.config.runDir, outcomes: this.outcomes,
    };
  }
}
