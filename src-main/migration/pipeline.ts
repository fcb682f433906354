// One device's migration, step by step, each step journaled before it is taken as done:
// read → quiet source → create on target → verify → retire source (with a re-join trigger,
// the retirement of trigger-phase.ts: keys replaced, trigger sent, quiet again). Resumable from any
// journaled step, and — through the mark the source device carries — from where any earlier
// run of ours left it, journal or not; rolled back (target removed, source as before) when a
// step before "verified" fails or the run is cancelled.
import { DeviceCreateError, StackError, writablePathsOf, type StackClient } from '../stack/index.js';
import type { Component } from '../stack/split.js';
import type { JsonObject } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import type { DeviceFacts, DeviceJournalState, Journal } from './journal.js';
import type { MigrationOptions } from './options.js';
import { targetDeviceId } from './options.js';
import { activationOf, downlinkSettingOf, isLoRaWAN11, randomKey, sessionKeyNames, shapeTargetDevice, sourceReadPaths, type DownlinkSetting, type ServerAddresses } from './shape.js';
import { joinableWith, presentRootKeys, rootKeysToGenerate } from './join-state.js';
import { markerOf, roomForMarker, type SourceMarker } from './source-marker.js';
import { downlinksBeforeOf, markSource, quietSource, restoreSource, retireSource, rotateRootKeys, type StackSource } from './source-side.js';
import { differences, isKeyPath } from './verify.js';
import { arrivalState, type DeviceState } from './progress.js';
import { chooseTrigger, type VersionIds } from '../triggers/commands.js';
import type { TriggerWaits } from './trigger.js';
import { finishEarlierTrigger, triggerThenRetire, type TriggerPhaseInput } from './trigger-phase.js';

export { retireSource } from './source-side.js';
export { arrivalState } from './progress.js';

export type SourceSide = StackSource | { kind: 'file'; devices: ReadonlyMap<string, EndDevice> };

export interface TargetSide {
  client: StackClient;
  appId: string;
  canReadKeys: boolean;
  /** The target application's own server addresses, where it names them. */
  addresses?: ServerAddresses;
}

export interface PipelineContext {
  source: SourceSide;
  target: TargetSide;
  journal: Journal;
  options: MigrationOptions;
  /** Aborts reads and stops the device at the next step boundary (writes run to their end). */
  signal: AbortSignal;
  emit(deviceId: string, state: DeviceState, detail?: { error?: string; targetId?: string }): void;
  /** The run's trigger waits (when its plan triggers re-joins from a stack source). */
  triggers?: TriggerWaits;
  /** Work on the device that goes on after its worker is free (the trigger's wait): its outcome replaces the first. */
  later(deviceId: string, work: Promise<Outcome>): void;
}

export type Outcome = 'migrated' | 'awaiting-reprogram' | 'failed' | 'cancelled' | 'skipped';

class Cancelled extends Error {}

/** What one attempt learnt of the source: the device as read (its attributes, for the mark). */
interface Attempt {
  read?: JsonObject;
  /** Our mark on the source as this attempt read it. */
  marker?: SourceMarker;
  /** The source's Join Server held the device at that read. */
  onJoinServer?: boolean;
  /** An earlier run finished the device's retirement (its mark says so). */
  alreadyRetired?: boolean;
  /** An earlier run was deleting the device from the source: finish that. */
  finishDeletion?: boolean;
  /** An earlier run pushed the device's re-join trigger: quiet the source, never push again. */
  finishTrigger?: boolean;
}

/** Migrates (or resumes) one device; never throws: failures become a journaled outcome. */
export async function migrateDevice(ctx: PipelineContext, sourceId: string, prior?: DeviceJournalState): Promise<Outcome> {
  const { journal } = ctx;
  const history = new Set(prior?.history.map((h) => h.s));
  const facts: Partial<DeviceFacts> = { ...prior?.facts };
  const step = prior?.step;
  if (step === 'retired' || step === 'joined') return 'migrated';
  if (step === 'awaiting-reprogram') return 'awaiting-reprogram';
  if (step === 'skipped') return 'skipped';
  // Once verified (in an earlier attempt or in this one), only the retirement is left to do.
  let verified = history.has('verified') && step !== 'cancelled';
  let created = step === 'creating' || step === 'created' || (step === 'failed' && history.has('creating') && !prior?.rolledBack);
  const attempt: Attempt = {};
  try {
    if (!verified) {
      await createAndVerify(ctx, sourceId, facts, attempt, created, () => (created = true));
      verified = true;
    }
    return await retire(ctx, sourceId, facts, attempt, prior?.history ?? []);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (verified) {
      // The target is complete: nothing to undo; the retirement can be tried again.
      await journal.step(sourceId, 'failed', { error: message, rolledBack: false, reason: 'retire' });
      ctx.emit(sourceId, 'failed', { error: message });
      return 'failed';
    }
    // Touched anything at all? A device that failed before its source was quieted was never changed.
    const touched = created || downlinksBeforeOf(facts) !== undefined;
    const rolledBack = await rollBack(ctx, sourceId, facts, attempt, err instanceof DeviceCreateError ? !err.rolledBack : created);
    if (err instanceof Cancelled) {
      await journal.step(sourceId, 'cancelled', { rolledBack });
      ctx.emit(sourceId, 'cancelled');
      return 'cancelled';
    }
    await journal.step(sourceId, 'failed', { error: message, rolledBack });
    ctx.emit(sourceId, rolledBack && touched ? 'rolled-back' : 'failed', { error: message });
    return 'failed';
  }
}

function checkpoint(ctx: PipelineContext) {
  if (ctx.signal.aborted) throw new Cancelled('cancelled');
}

async function readSource(ctx: PipelineContext, sourceId: string): Promise<{ device: EndDevice; absent: Component[] }> {
  if (ctx.source.kind === 'file') {
    const device = ctx.source.devices.get(sourceId);
    if (!device) throw new Error(`Device "${sourceId}" is not in the file`);
    return { device, absent: [] };
  }
  try {
    return await ctx.source.client.getDevice(ctx.source.appId, sourceId, sourceReadPaths(ctx.source.canReadKeys), { signal: ctx.signal });
  } catch (err) {
    if (err instanceof StackError && err.is('NotFound')) throw new Error(`Device "${sourceId}" was not found on the source (application "${ctx.source.appId}"): nothing was changed.`);
    throw err;
  }
}

/**
 * The user's own schedule_downlinks, and what the target gets: the journal's record of the
 * first attempt, else our mark on the source, else the source as read. Downlinks off with no
 * mark of ours are the user's choice: copied only when the plan's options say so.
 */
function downlinkChoice(ctx: PipelineContext, facts: Partial<DeviceFacts>, marker: SourceMarker | undefined, source: JsonObject): { before: DownlinkSetting; target: DownlinkSetting } {
  const before = downlinksBeforeOf(facts) ?? marker?.before ?? downlinkSettingOf(source);
  if (before !== 'off') return { before, target: before };
  const choice = ctx.options.sourceDownlinksOff;
  if (!choice) throw new Error('Downlinks are turned off on the source, and not by Stack Migrator: choose whether the target keeps them off (the plan asks).');
  return { before, target: choice === 'keep-off' ? 'off' : 'unset' };
}

/**
 * The target device, when an earlier run of ours may have made it: verified as it stands, or
 * removed. Its root keys may differ from the source's when that run replaced them on the
 * source right before it stopped (the target then holds the device's real keys): they are
 * left out of the comparison when `sourceKeysMayBeReplaced`.
 */
async function checkExistingTarget(ctx: PipelineContext, facts: Partial<DeviceFacts>, planned: EndDevice, sourceKeysMayBeReplaced: boolean): Promise<'verified' | 'absent'> {
  if (await ownTargetRecord(ctx, facts)) {
    const ignore = sourceKeysMayBeReplaced ? (p: string) => p.startsWith('root_keys.') : undefined;
    const problems = await verifyTarget(ctx, planned, ignore).catch((err: unknown) => [err instanceof Error ? err.message : String(err)]);
    if (problems.length === 0) return 'verified';
  }
  // Partial (parts without an IS record too), or made from other keys: start it over.
  await ctx.target.client.deleteDevice(ctx.target.appId, facts.targetId!);
  return 'absent';
}

/** What differs between the device read back from the target and the planned one (empty: verified). */
async function verifyTarget(ctx: PipelineContext, planned: EndDevice, ignore: (path: string) => boolean = () => false): Promise<string[]> {
  const { target } = ctx;
  const readable = writablePathsOf(planned).filter((p) => target.canReadKeys || !isKeyPath(p));
  const { device: actual, absent: absentParts } = await target.client.getDevice(target.appId, planned.ids.device_id, readable, { signal: ctx.signal });
  // An ABP device has no Join Server record by design; its server addresses come from the IS.
  const absent = absentParts.filter((c) => c !== 'js' || planned.supports_join === true);
  const diff = differences(planned, actual, (p) => p.startsWith('ids.application_ids') || (!target.canReadKeys && isKeyPath(p)) || ignore(p));
  return [...absent.map((c) => `${c} part missing`), ...diff];
}

async function createAndVerify(
  ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>, attempt: Attempt, partial: boolean, onCreating: () => void,
) {
  const { journal, target } = ctx;
  checkpoint(ctx);
  ctx.emit(sourceId, 'reading');
  const { device: source, absent: sourceAbsent } = await readSource(ctx, sourceId);
  attempt.read = source;
  attempt.onJoinServer = ctx.source.kind === 'stack' && !sourceAbsent.includes('js');
  const marker = ctx.source.kind === 'stack' ? markerOf(source) : undefined;
  attempt.marker = marker;
  Object.assign(facts, {
    targetId: targetDeviceId(sourceId, ctx.options.idMapping),
    devEui: source.ids.dev_eui?.toUpperCase(),
    joinEui: source.ids.join_eui?.toUpperCase(),
    activation: activationOf(source),
    lorawan11: isLoRaWAN11(source),
    multicast: source.multicast === true,
    // Once retired, the source's keys are no longer the device's: keep what the first attempt saw.
    rootKeys: marker && marker.state !== 'quieted' && facts.rootKeys ? facts.rootKeys : presentRootKeys(source),
  });
  // The plan's trigger for this device, fixed at its first attempt (the journal keeps it).
  if (ctx.options.trigger && ctx.source.kind === 'stack' && facts.activation === 'otaa' && !facts.multicast && facts.trigger === undefined) {
    const command = chooseTrigger(ctx.options.trigger, source.version_ids as VersionIds | undefined);
    if (command) facts.trigger = { name: command.name, fPort: command.fPort, payloadHex: command.payloadHex };
  }

  // An earlier run moved the device (or handed it over for re-programming), or was deleting
  // it from the source (the NS part is gone: deletion comes only after the target verified):
  // the source is not a device to create from any more.
  const deleting = marker?.state === 'quieted' && deletionStarted(sourceAbsent, facts.activation, ctx.options.abpMode);
  if ((marker && marker.state !== 'quieted') || deleting) {
    const onTarget = await target.client.getDevicePart('is', target.appId, facts.targetId!, [], { tolerateNotFound: true, signal: ctx.signal });
    if (!onTarget || !isSameDevice(onTarget, facts)) {
      throw new Error('An earlier run of Stack Migrator moved this device to another target: its keys on the source were replaced, so it is not created again from them.');
    }
    facts.downlinksBefore = downlinksBeforeOf(facts) ?? marker!.before;
    attempt.alreadyRetired = marker!.state === 'retired';
    attempt.finishTrigger = marker!.state === 'triggered' && !deleting;
    attempt.finishDeletion = deleting;
    journal.stepSoon(sourceId, 'verified');
    return;
  }
  // PUT on the NS is an upsert: quieting a device the NS does not hold would create a stub there.
  if (sourceAbsent.includes('ns')) throw new Error('The device has no Network Server registration on the source: its downlinks cannot be turned off.');

  const downlinks = downlinkChoice(ctx, facts, marker, source);
  if (ctx.source.kind === 'stack' && !roomForMarker(source)) {
    throw new Error('The device has 10 attributes, the most the server allows, and Stack Migrator marks a device it quiets with one: remove an attribute on the source and try again.');
  }
  facts.downlinksBefore = downlinks.before;
  if (ctx.source.kind === 'stack') {
    // Quiet the source first, so the target is never a second live registration.
    checkpoint(ctx);
    await journal.step(sourceId, 'quieting', { facts });
    ctx.emit(sourceId, 'quieting', { targetId: facts.targetId });
    await quietSource(ctx.source, sourceId, facts, source, downlinks.before);
    journal.stepSoon(sourceId, 'quieted'); // lost in a crash: quieting again is harmless
  }
  checkpoint(ctx);

  const newKeys: Record<string, string> = {};
  let newDevAddr: string | undefined;
  if (facts.activation === 'abp' && ctx.options.abpMode === 'new-session') {
    newDevAddr = await target.client.generateDevAddr({ signal: ctx.signal });
    for (const name of sessionKeyNames(source)) newKeys[name] = randomKey();
  } else if (facts.activation === 'otaa' && !joinableWith(source)) {
    if (!ctx.options.generateKeysForExternalJoinServer) throw new Error('The root keys cannot be read on the source (external Join Server or missing right): not migrated.');
    for (const name of rootKeysToGenerate(source)) newKeys[name] = randomKey();
  }
  if (Object.keys(newKeys).length > 0) facts.reprogram = true;
  const planned = shapeTargetDevice({
    source, options: ctx.options, targetHost: target.client.clusterHost, targetAddresses: target.addresses,
    downlinksBefore: downlinks.target, newDevAddr, newKeys,
  });

  // A crash (of this run, or of an earlier one that left its mark) may have left the device,
  // whole or in part, on the target: take it when it verifies, start it over otherwise.
  if ((partial || marker) && (await checkExistingTarget(ctx, facts, planned, marker !== undefined)) === 'verified') {
    journal.stepSoon(sourceId, 'verified');
    return;
  }
  checkpoint(ctx);
  await journal.step(sourceId, 'creating', { facts });
  onCreating();
  ctx.emit(sourceId, 'creating');
  await target.client.createDevice(target.appId, planned);
  journal.stepSoon(sourceId, 'created'); // lost in a crash: the create is redone from scratch

  ctx.emit(sourceId, 'verifying');
  const problems = await verifyTarget(ctx, planned);
  if (problems.length > 0) throw new Error(`The device read back from the target differs from what was created (${problems.join(', ')}).`);
  // Not awaited alone: it is made durable together with the next step ("retiring" or
  // "awaiting-reprogram"), before anything touches the source.
  journal.stepSoon(sourceId, 'verified');
}

/** Undoes a failed or cancelled device: target parts removed, the source as the user had it. */
async function rollBack(ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>, attempt: Attempt, targetMayExist: boolean): Promise<boolean> {
  let ok = true;
  if (targetMayExist) {
    try {
      await removeOwnTargetDevice(ctx, facts);
    } catch {
      ok = false;
    }
  }
  const before = downlinksBeforeOf(facts);
  // A device an earlier run retired keeps its quiet and its mark: its keys there are not the device's.
  const retiredBefore = attempt.marker !== undefined && attempt.marker.state !== 'quieted';
  if (ctx.source.kind === 'stack' && before !== undefined && !retiredBefore) {
    try {
      await restoreSource(ctx.source, sourceId, facts, before, attempt.read);
    } catch {
      ok = false;
    }
  }
  return ok;
}

/**
 * The source device is part-way through our deletion (AS, JS, NS, then IS): its NS part is
 * gone, or — for an ABP device keeping its session, which is always deleted and cannot have
 * been moved without its AS session — its AS part is.
 */
export const deletionStarted = (absent: readonly string[], activation: string | undefined, abpMode: MigrationOptions['abpMode']) =>
  absent.includes('ns') || (activation === 'abp' && abpMode === 'keep-session' && absent.includes('as'));

const isSameDevice = (record: EndDevice, facts: Partial<DeviceFacts>) =>
  (record.ids.dev_eui ?? '').toUpperCase() === (facts.devEui ?? '') && (record.ids.join_eui ?? '').toUpperCase() === (facts.joinEui ?? '');

/**
 * The target's Identity Server record of the device, undefined when there is none; throws
 * when another device (other EUIs) holds the id: that one is never touched.
 */
async function ownTargetRecord(ctx: PipelineContext, facts: Partial<DeviceFacts>): Promise<EndDevice | undefined> {
  const existing = await ctx.target.client.getDevicePart('is', ctx.target.appId, facts.targetId!, [], { tolerateNotFound: true });
  if (existing && !isSameDevice(existing, facts)) throw new Error(`Target device "${facts.targetId}" belongs to another device (other EUIs): left untouched.`);
  return existing;
}

/** Deletes the target device, but only if it is ours (same EUIs): never someone else's device. */
async function removeOwnTargetDevice(ctx: PipelineContext, facts: Partial<DeviceFacts>) {
  if (!facts.targetId) return;
  await ownTargetRecord(ctx, facts);
  await ctx.target.client.deleteDevice(ctx.target.appId, facts.targetId); // JS/NS/AS parts too, with or without an IS record
}

/** Retires the source registration; the source keys are never read here (they may be rotated already). */
async function retire(ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>, attempt: Attempt, history: DeviceJournalState['history']): Promise<Outcome> {
  const { journal } = ctx;
  if (ctx.source.kind === 'file') {
    await journal.step(sourceId, 'retired', { facts: { retireAction: 'none' } });
    ctx.emit(sourceId, arrivalState(facts));
    return 'migrated';
  }
  if (facts.activation === 'abp' && ctx.options.abpMode === 'new-session') {
    await journal.step(sourceId, 'awaiting-reprogram', { facts: { retireAction: 'delete' } });
    // The mark says so too: a later run leaves the device (and its re-programming sheet) alone.
    const before = downlinksBeforeOf(facts);
    if (before) await markSource(ctx.source, sourceId, facts, { state: 'reprogram', before }, attempt.read);
    ctx.emit(sourceId, 'awaiting-reprogram');
    return 'awaiting-reprogram';
  }
  if (attempt.alreadyRetired) {
    await journal.step(sourceId, 'retired', { facts: { retireAction: ctx.options.otaaSourceAction } });
    ctx.emit(sourceId, arrivalState(facts));
    return 'migrated';
  }
  // A device whose keys were on an external Join Server cannot be stopped by new keys on the
  // source's JS (it has none there): its source registration is deleted.
  const externalKeys = facts.activation === 'otaa' && facts.reprogram === true;
  const action = attempt.finishDeletion ? 'delete' : facts.activation === 'otaa' && !externalKeys ? ctx.options.otaaSourceAction : 'delete';
  const phase: TriggerPhaseInput = { ctx, source: ctx.source, sourceId, facts, action, history, onJoinServer: attempt.onJoinServer ?? false };
  if (attempt.finishTrigger) return finishEarlierTrigger(phase);
  if (ctx.triggers && facts.trigger && facts.activation === 'otaa' && !externalKeys && !attempt.finishDeletion) return triggerThenRetire(phase, ctx.triggers);
  await journal.step(sourceId, 'retiring', { facts: { retireAction: action } });
  ctx.emit(sourceId, 'retiring');
  const source = ctx.source;
  const done = (): Outcome => {
    journal.stepSoon(sourceId, 'retired'); // lost in a crash: retiring again is harmless
    ctx.emit(sourceId, arrivalState(facts));
    return 'migrated';
  };
  if (action === 'delete') {
    await retireSource(source, sourceId, facts, action, attempt.read, attempt.onJoinServer);
    return done();
  }
  if (!(await rotateRootKeys(source, sourceId, facts, attempt.onJoinServer ?? false))) return done();
  // The source can no longer accept a join: the device has moved. The mark "retired" that tells
  // later runs so comes after the rotation, as in retireSource, but holds no slot among the
  // devices migrating at once: the run waits for it before it ends.
  const before = downlinksBeforeOf(facts);
  ctx.later(sourceId, (async (): Promise<Outcome> => {
    try {
      if (before) await markSource(source, sourceId, facts, { state: 'retired', before }, attempt.read);
      return done();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await journal.step(sourceId, 'failed', { error: message, rolledBack: false, reason: 'retire' }).catch(() => undefined);
      ctx.emit(sourceId, 'failed', { error: message });
      return 'failed';
    }
  })());
  return 'migrated';
}

