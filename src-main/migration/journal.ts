// The run journal: an append-only JSON-lines file, flushed to disk (fsync) before a step is
// taken as done, holding no secret. Replaying it tells where each device stands after a
// crash. Records that arrive together share one write and one fsync (group commit).
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { redact } from '../logging/redact.js';

export const STEP_NAMES = [
  'quieting', // about to set schedule_downlinks=false on the source (prev recorded)
  'quieted',
  'creating', // about to create on the target: after a crash the target may hold a partial device
  'created',
  'verified', // target read back and matches: from here on the source keys are never read again
  'retiring', // about to rotate keys / delete on the source
  'rotated', // with a trigger: the source's root keys replaced, its downlinks still off
  'trigger-pushing', // about to push the trigger on the source (downlinks off: a pushed one stays queued)
  'trigger-queued', // the trigger is in the source's queue: never pushed again; downlinks then turned on
  'trigger-sent', // the source reported it sent (or the device was seen on the target)
  'retired',
  'awaiting-reprogram', // ABP new-session: source kept (quiet) until the user confirms
  'joined',
  'skipped',
  'cancelled', // stopped by the user before the target was verified; everything put back
  'failed', // with the error and whether the target was rolled back
  // Records of the application's settings ("@app", "@app:<item key>"), not of a device:
  'app-writing', // about to create the target application, or write an item (a PUT: again is harmless)
  'app-written', // written and read back
  'app-failed', // with the server's words; the devices went on
  // Records of gateways ("@gw:<source gateway id>"), gateways/run.ts:
  'gw-creating', // about to create on the target (a POST: a lost answer is checked by reading)
  'gw-created',
  'gw-key-creating', // about to mint the target LNS key (named; an interrupted one is deleted and minted again)
  'gw-key-stored', // the key is in the keychain (never in the journal)
  'gw-repointing', // the source's old address and LNS key are saved: about to re-point the source
  'gw-repointed', // the source's CUPS now sends the gateway to the target
  'gw-claiming', // about to unclaim on the source and claim on the target
  'gw-claimed',
  'gw-sheet', // created on the target; the user re-points the gateway with the sheet
  'gw-connected', // the target's Gateway Server has it
  'gw-manual', // nothing automated: the steps by hand
  'gw-skipped',
  'gw-failed',
  'gw-rolled-back', // the source gateway restored exactly, the target key revoked
] as const;
export const stepNameSchema = z.enum(STEP_NAMES);
export type StepName = z.infer<typeof stepNameSchema>;

/** What the journal keeps about a device: identifiers and choices, never a key. */
export const deviceFactsSchema = z.object({
  targetId: z.string(),
  devEui: z.string().optional(),
  joinEui: z.string().optional(),
  activation: z.enum(['otaa', 'abp']),
  lorawan11: z.boolean(),
  /** schedule_downlinks on the source before we quieted it, restored exactly on rollback. */
  downlinksBefore: z.enum(['on', 'off', 'unset']).optional(),
  /** Journals of earlier versions: false = off, true = on or unset. */
  scheduleDownlinksBefore: z.boolean().optional(),
  /** The root keys the source's Join Server held: every one is rotated on retirement. */
  rootKeys: z.array(z.enum(['app_key', 'nwk_key'])).optional(),
  retireAction: z.enum(['rotate-keys', 'delete', 'none']).optional(),
  /** A multicast device: it sends no uplinks, so no arrival is waited for. */
  multicast: z.boolean().optional(),
  /** New keys were generated on the target: the device must be re-programmed (sheet). */
  reprogram: z.boolean().optional(),
  /** The re-join trigger this device gets (a command, not a secret). */
  trigger: z.object({ name: z.string(), fPort: z.number(), payloadHex: z.string() }).optional(),
  /** The trigger was not sent within the wait (the source was quieted with it still queued). */
  triggerNotSent: z.boolean().optional(),
});
export type DeviceFacts = z.infer<typeof deviceFactsSchema>;

/** What the journal keeps about a gateway: choices and what to restore, never a key. */
export const gatewayFactsSchema = z.object({
  targetId: z.string(),
  kind: z.string(),
  action: z.string(),
  /** The name of the target LNS key the run mints (to find an interrupted one). */
  keyName: z.string(),
  keyId: z.string(),
  /** The source's gateway_server_address before the re-point (null: unset); its LNS key is in the keychain. */
  addressBefore: z.string().nullable(),
  lnsSecretBefore: z.boolean(),
  /** When the gateway was re-pointed (or its sheet made): the wait for its connection counts from it. */
  since: z.number(),
  connectedAt: z.string(),
  protocol: z.string(),
});
export type GatewayFacts = z.infer<typeof gatewayFactsSchema>;

export const journalRecordSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('header'), v: z.literal(1), runId: z.string(), createdAt: z.string(), run: z.record(z.string(), z.unknown()) }),
  z.object({
    t: z.literal('step'),
    d: z.string(), // source device id
    s: stepNameSchema,
    at: z.number(),
    facts: deviceFactsSchema.partial().optional(),
    gw: gatewayFactsSchema.partial().optional(),
    error: z.string().optional(),
    rolledBack: z.boolean().optional(),
    reason: z.string().optional(),
  }),
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type StepRecord = Extract<JournalRecord, { t: 'step' }>;

export interface DeviceJournalState {
  step?: StepName;
  facts: Partial<DeviceFacts>;
  error?: string;
  rolledBack?: boolean;
  reason?: string;
  history: { s: StepName; at: number }[];
  /** Gateway records only. */
  gw?: Partial<GatewayFacts>;
}

export class Journal {
  private pending: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(private readonly handle: FileHandle, readonly path: string) {}

  /** Opens for appending; a last line cut short by a crash is cut off first, so the next record starts on a line of its own. */
  static async open(path: string): Promise<Journal> {
    const handle = await open(path, 'a+', 0o600);
    try {
      const { size } = await handle.stat();
      if (size > 0) {
        const complete = await completeLength(handle, size);
        if (complete < size) {
          await handle.truncate(complete);
          await handle.sync();
        }
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new Journal(handle, path);
  }

  /** Resolves once the record is on disk. */
  append(record: JournalRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    // Server error text may echo what was sent (keys, the Authorization header): redacted before it reaches the disk.
    const line = `${JSON.stringify(record.t === 'step' && record.error !== undefined ? { ...record, error: redact(record.error) } : record)}\n`;
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  step(d: string, s: StepName, extra: Omit<StepRecord, 't' | 'd' | 's' | 'at'> = {}): Promise<void> {
    return this.append({ t: 'step', d, s, at: Date.now(), ...extra });
  }

  /**
   * Records a step without waiting for its fsync (it is still written and synced with the next
   * group). Only for steps whose loss in a crash is harmless: the step before it is redone.
   */
  stepSoon(d: string, s: StepName): void {
    this.step(d, s).catch((err: unknown) => (this.failure ??= err));
  }

  /** A failed unawaited write fails the next awaited one. */
  private failure: unknown;

  private async flushLoop(): Promise<void> {
    // Let the records of one tick gather, then write and fsync them together.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.write(batch.map((b) => b.line).join(''));
        await this.handle.sync();
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}

const RECOVERY = 'Nothing was changed. Do not resume this run: start a new migration of the same devices instead — Stack Migrator recognises from the devices themselves what an earlier run did.';

/** A journal that cannot be trusted: a record in the middle of it is unreadable. */
export class JournalCorruptError extends Error {
  constructor(readonly path: string, readonly line: number) {
    super(`The run's journal ${path} is damaged at line ${line} (a record before the end cannot be read), so where each device stands is not known. ${RECOVERY}`);
    this.name = 'JournalCorruptError';
  }
}

/** A resumed run without its journal: where each device stands is not known. */
export class JournalMissingError extends Error {
  constructor(readonly path: string) {
    super(`The run's journal ${path} is missing, so where each device stands is not known. ${RECOVERY}`);
    this.name = 'JournalMissingError';
  }
}

/** Length of the file up to and including its last newline (what survives a torn append). */
async function completeLength(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const i = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/**
 * Reads a journal. A last line cut short by a crash (no newline after it) is ignored; any
 * other unreadable record is corruption, reported as such rather than skipped.
 */
export async function readJournal(path: string): Promise<{ header?: Extract<JournalRecord, { t: 'header' }>; devices: Map<string, DeviceJournalState> }> {
  const text = await readFile(path, 'utf8');
  const devices = new Map<string, DeviceJournalState>();
  let header: Extract<JournalRecord, { t: 'header' }> | undefined;
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn fragment
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed;
    try {
      parsed = journalRecordSchema.safeParse(JSON.parse(line));
    } catch {
      throw new JournalCorruptError(path, i + 1);
    }
    if (!parsed.success) throw new JournalCorruptError(path, i + 1);
    const r = parsed.data;
    if (r.t === 'header') {
      header ??= r;
      return;
    }
    const state = devices.get(r.d) ?? { facts: {}, history: [] };
    state.step = r.s;
    state.history.push({ s: r.s, at: r.at });
    if (r.facts) Object.assign(state.facts, r.facts);
    if (r.gw) state.gw = { ...state.gw, ...r.gw };
    state.error = r.s === 'failed' || r.s === 'app-failed' || r.s === 'gw-failed' ? r.error : undefined;
    state.rolledBack = r.s === 'failed' ? r.rolledBack : undefined;
    state.reason = r.reason ?? state.reason;
    devices.set(r.d, state);
  });
  return { header, devices };
}
