// One device's migration, step by step, each step journaled before it is taken as done:
// read → quiet source → create on target → verify → retire source. Resumable from any
// journaled step; rolled back (target removed, source downlinks restored) when a step
// before "verified" fails or the run is cancelled.
import { DeviceCreateError, writablePathsOf, type StackClient } from '../stack/index.js';
import type { Component } from '../stack/split.js';
import type { JsonObject } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import type { DeviceFacts, DeviceJournalState, Journal } from './journal.js';
import type { MigrationOptions } from './options.js';
import { targetDeviceId } from './options.js';
import { activationOf, downlinkSettingOf, isLoRaWAN11, randomKey, sessionKeyNames, shapeTargetDevice, sourceReadPaths, type DownlinkSetting, type ServerAddresses } from './shape.js';
import { joinableWith, presentRootKeys, ROOT_KEY_NAMES, rootKeysToGenerate, type RootKeyName } from './join-state.js';
import { differences, isKeyPath } from './verify.js';
import type { DeviceState } from './progress.js';

export type SourceSide =
  | { kind: 'stack'; client: StackClient; appId: string; canReadKeys: boolean }
  | { kind: 'file'; devices: ReadonlyMap<string, EndDevice> };

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
}

export type Outcome = 'migrated' | 'awaiting-reprogram' | 'failed' | 'cancelled' | 'skipped';

class Cancelled extends Error {}

// Wrapped booleans travel as plain JSON values (ttnpb.BoolValue marshals to true/false).
const QUIET_PATH = 'mac_settings.schedule_downlinks';

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
  // After a crash mid-quieting, or a rolled-back or cancelled attempt (downlinks restored),
  // the source is quieted again; the value from before the first quieting stays the truth.
  const requiet = step === 'quieting' || ((step === 'failed' || step === 'cancelled') && !verified);
  try {
    if (!verified) {
      await createAndVerify(ctx, sourceId, facts, requiet, created, () => (created = true));
      verified = true;
    }
    return await retire(ctx, sourceId, facts);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (verified) {
      // The target is complete: nothing to undo; the retirement can be tried again.
      await journal.step(sourceId, 'failed', { error: message, rolledBack: false, reason: 'retire' });
      ctx.emit(sourceId, 'failed', { error: message });
      return 'failed';
    }
    const rolledBack = await rollBack(ctx, sourceId, facts, err instanceof DeviceCreateError ? !err.rolledBack : created);
    if (err instanceof Cancelled) {
      await journal.step(sourceId, 'cancelled', { rolledBack });
      ctx.emit(sourceId, 'cancelled');
      return 'cancelled';
    }
    await journal.step(sourceId, 'failed', { error: message, rolledBack });
    ctx.emit(sourceId, rolledBack ? 'rolled-back' : 'failed', { error: message });
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
  return ctx.source.client.getDevice(ctx.source.appId, sourceId, sourceReadPaths(ctx.source.canReadKeys), { signal: ctx.signal });
}

async function createAndVerify(
  ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>, requiet: boolean, partial: boolean, onCreating: () => void,
) {
  const { journal, target } = ctx;
  checkpoint(ctx);
  ctx.emit(sourceId, 'reading');
  const { device: source, absent: sourceAbsent } = await readSource(ctx, sourceId);
  // PUT on the NS is an upsert: quieting a device the NS does not hold would create a stub there.
  if (sourceAbsent.includes('ns')) throw new Error('The device has no Network Server registration on the source: its downlinks cannot be turned off.');
  Object.assign(facts, {
    targetId: targetDeviceId(sourceId, ctx.options.idMapping),
    devEui: source.ids.dev_eui?.toUpperCase(),
    joinEui: source.ids.join_eui?.toUpperCase(),
    activation: activationOf(source),
    lorawan11: isLoRaWAN11(source),
    rootKeys: presentRootKeys(source),
  });

  // Quiet the source first, remembering what it was, so the target is never a second live registration.
  if (ctx.source.kind === 'stack' && downlinksBefore(facts) === undefined) {
    facts.downlinksBefore = downlinkSettingOf(source);
    checkpoint(ctx);
    await journal.step(sourceId, 'quieting', { facts });
    ctx.emit(sourceId, 'quieting', { targetId: facts.targetId });
    await setScheduleDownlinks(ctx, facts, sourceId, 'off');
    journal.stepSoon(sourceId, 'quieted'); // lost in a crash: quieting again is harmless
  } else if (ctx.source.kind === 'stack' && requiet) {
    checkpoint(ctx);
    await journal.step(sourceId, 'quieting');
    ctx.emit(sourceId, 'quieting', { targetId: facts.targetId });
    await setScheduleDownlinks(ctx, facts, sourceId, 'off');
    journal.stepSoon(sourceId, 'quieted');
  }

  const targetId = facts.targetId!;
  if (partial) {
    // A crash may have left part of the device on the target: start that part over.
    await removeOwnTargetDevice(ctx, facts);
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
    downlinksBefore: downlinksBefore(facts), newDevAddr, newKeys,
  });

  checkpoint(ctx);
  await journal.step(sourceId, 'creating', { facts });
  onCreating();
  ctx.emit(sourceId, 'creating');
  await target.client.createDevice(target.appId, planned);
  journal.stepSoon(sourceId, 'created'); // lost in a crash: the create is redone from scratch

  ctx.emit(sourceId, 'verifying');
  const readable = writablePathsOf(planned).filter((p) => target.canReadKeys || !isKeyPath(p));
  const { device: actual, absent: absentParts } = await target.client.getDevice(target.appId, targetId, readable);
  // An ABP device has no Join Server record by design; its server addresses come from the IS.
  const absent = absentParts.filter((c) => c !== 'js' || planned.supports_join === true);
  const diff = differences(planned, actual, (p) => p.startsWith('ids.application_ids') || (!target.canReadKeys && isKeyPath(p)));
  if (absent.length > 0 || diff.length > 0) {
    throw new Error(`The device read back from the target differs from what was created (${[...absent.map((c) => `${c} part missing`), ...diff].join(', ')}).`);
  }
  // Not awaited alone: it is made durable together with the next step ("retiring" or
  // "awaiting-reprogram"), before anything touches the source.
  journal.stepSoon(sourceId, 'verified');
}

/** schedule_downlinks before our quieting; journals of earlier versions kept a boolean (true: on or unset). */
function downlinksBefore(facts: Partial<DeviceFacts>): DownlinkSetting | undefined {
  if (facts.downlinksBefore) return facts.downlinksBefore;
  if (facts.scheduleDownlinksBefore === undefined) return undefined;
  // "Unset" is the safe reading of an old `true`: the NS schedules downlinks either way, and refuses `true` for multicast devices.
  return facts.scheduleDownlinksBefore ? 'unset' : 'off';
}

/** Sets schedule_downlinks on the source NS: on, off, or unset (the path masked without a value clears it). */
async function setScheduleDownlinks(ctx: PipelineContext, facts: Partial<DeviceFacts>, sourceId: string, value: DownlinkSetting) {
  if (ctx.source.kind !== 'stack') return;
  const ids = { device_id: sourceId, application_ids: { application_id: ctx.source.appId }, ...(facts.devEui ? { dev_eui: facts.devEui } : {}), ...(facts.joinEui ? { join_eui: facts.joinEui } : {}) };
  const mac_settings: JsonObject = value === 'unset' ? {} : { schedule_downlinks: value === 'on' };
  await ctx.source.client.setDevice(ctx.source.appId, { ids, mac_settings }, [QUIET_PATH]);
}

/** Undoes a failed or cancelled device: target parts removed, source downlinks as before. */
async function rollBack(ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>, targetMayExist: boolean): Promise<boolean> {
  let ok = true;
  if (targetMayExist) {
    try {
      await removeOwnTargetDevice(ctx, facts);
    } catch {
      ok = false;
    }
  }
  const before = downlinksBefore(facts);
  if (ctx.source.kind === 'stack' && before !== undefined) {
    try {
      await setScheduleDownlinks(ctx, facts, sourceId, before);
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Deletes the target device, but only if it is ours (same EUIs): never someone else's device. */
async function removeOwnTargetDevice(ctx: PipelineContext, facts: Partial<DeviceFacts>) {
  const { client, appId } = ctx.target;
  if (!facts.targetId) return;
  const existing = await client.getDevicePart('is', appId, facts.targetId, [], { tolerateNotFound: true });
  if (!existing) {
    await client.deleteDevice(appId, facts.targetId); // JS/NS/AS parts without an IS record
    return;
  }
  const same = (existing.ids.dev_eui ?? '').toUpperCase() === (facts.devEui ?? '') && (existing.ids.join_eui ?? '').toUpperCase() === (facts.joinEui ?? '');
  if (!same) throw new Error(`Target device "${facts.targetId}" belongs to another device (other EUIs): left untouched.`);
  await client.deleteDevice(appId, facts.targetId);
}

/** Retires the source registration; the source keys are never read here (they may be rotated already). */
async function retire(ctx: PipelineContext, sourceId: string, facts: Partial<DeviceFacts>): Promise<Outcome> {
  const { journal } = ctx;
  if (ctx.source.kind === 'file') {
    await journal.step(sourceId, 'retired', { facts: { retireAction: 'none' } });
    ctx.emit(sourceId, 'waiting-join');
    return 'migrated';
  }
  if (facts.activation === 'abp' && ctx.options.abpMode === 'new-session') {
    await journal.step(sourceId, 'awaiting-reprogram', { facts: { retireAction: 'delete' } });
    ctx.emit(sourceId, 'awaiting-reprogram');
    return 'awaiting-reprogram';
  }
  // A device whose keys were on an external Join Server cannot be stopped by new keys on the
  // source's JS (it has none there): its source registration is deleted.
  const externalKeys = facts.activation === 'otaa' && facts.reprogram === true;
  const action = facts.activation === 'otaa' && !externalKeys ? ctx.options.otaaSourceAction : 'delete';
  await journal.step(sourceId, 'retiring', { facts: { retireAction: action } });
  ctx.emit(sourceId, 'retiring');
  await retireSource(ctx.source, sourceId, facts, action);
  journal.stepSoon(sourceId, 'retired'); // lost in a crash: retiring again is harmless
  ctx.emit(sourceId, 'waiting-join');
  return 'migrated';
}

/**
 * Rotates every root key the source held to fresh random ones, or deletes the device, on the
 * source. A PUT on the Join Server is an upsert: a device no longer there (deleted by hand)
 * is left alone instead of coming back as a stub holding its EUIs.
 */
export async function retireSource(source: Extract<SourceSide, { kind: 'stack' }>, sourceId: string, facts: Partial<DeviceFacts>, action: 'rotate-keys' | 'delete') {
  if (action === 'delete') {
    await source.client.deleteDevice(source.appId, sourceId);
    return;
  }
  const onJs = await source.client.getDevicePart('js', source.appId, sourceId, ['root_keys.root_key_id'], { tolerateNotFound: true });
  if (!onJs) return; // nothing left that could join there
  const names: readonly RootKeyName[] = facts.rootKeys?.length ? facts.rootKeys : ROOT_KEY_NAMES;
  const device = {
    ids: { device_id: sourceId, application_ids: { application_id: source.appId }, dev_eui: facts.devEui ?? '', join_eui: facts.joinEui ?? '' },
    root_keys: Object.fromEntries(names.map((n) => [n, { key: randomKey() }])),
  } as EndDevice;
  await source.client.setDevice(source.appId, device, names.map((n) => `root_keys.${n}.key`));
}
