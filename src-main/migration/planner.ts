// Planning: pre-flight checks and a plan per device, before any write (a dry run is this).
import type { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import { getAtPath } from '../stack/paths.js';
import type { EndDevice } from '../stack/schemas.js';
import { checkRights, hasRight, RIGHT, type PlanIssue } from './preflight.js';
import { isValidDeviceId, targetDeviceId, type MigrationOptions } from './options.js';
import { joinableWith, presentRootKeys } from './join-state.js';
import { MARKER_KEY, MAX_ATTRIBUTES, markerOf, roomForMarker } from './source-marker.js';
import { activationOf, downlinkSettingOf, isLoRaWAN11, redactKeys, sessionKeyNames, shapeTargetDevice, sourceReadPaths, type ServerAddresses } from './shape.js';
import { deletionStarted, type SourceSide } from './pipeline.js';
import { mapLimit } from './concurrency.js';
import { chooseTrigger, type TriggerCommand, type VersionIds } from '../triggers/commands.js';
import { planApplication, targetApplicationExists, type ApplicationPlan } from '../application/plan.js';
import { planGateways } from '../gateways/plan.js';
import { servingGateways } from '../gateways/gate.js';
import type { GatewayPlan } from '../gateways/schema.js';

export interface DevicePlan {
  sourceId: string;
  targetId: string;
  devEui?: string;
  joinEui?: string;
  activation?: 'otaa' | 'abp';
  lorawanVersion?: string;
  frequencyPlanId?: string;
  status: 'ready' | 'blocked' | 'already-migrated';
  blockers: PlanIssue[];
  warnings: PlanIssue[];
  /** The device the target will receive, keys redacted. */
  target?: EndDevice;
  /** What happens on the source, in words. */
  sourceChanges: string[];
  /** With a trigger plan: the command this device gets, or null when none is known (power-cycle it). */
  trigger?: TriggerCommand | null;
  /** ABP keeping its session: the source gateways that heard it lately (they must serve it on the target). */
  servingGateways?: string[];
}

export interface Plan {
  createdAt: string;
  options: MigrationOptions;
  sourceRights: string[];
  targetRights: string[];
  blockers: PlanIssue[];
  warnings: PlanIssue[];
  devices: DevicePlan[];
  /** With options.application: the application's settings, item by item. */
  application?: ApplicationPlan;
  /** With options.gateways: the gateways moved first in the same run. */
  gateways?: GatewayPlan;
  /** Gateways that serve ABP devices keeping their session: offered to move in the same run. */
  suggestedGateways?: string[];
  counts: { ready: number; blocked: number; alreadyMigrated: number; otaa: number; abp: number; triggerKnown?: number; triggerUnknown?: number };
}

export interface PlanInput {
  source: SourceSide;
  target: { client: StackClient; appId: string; addresses?: ServerAddresses };
  deviceIds: string[];
  options: MigrationOptions;
  signal?: AbortSignal;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

const issue = (code: string, message: string): PlanIssue => ({ code, message });
/** Devices read at once while planning: the adaptive run's ceiling. */
export const PLAN_CONCURRENCY = 64;
const DOWNLINK_WORDS = { on: 'on', off: 'off', unset: 'on (default)' } as const;

/** What a run of the plan takes on: the ready devices, the blocked ones with why, and those already on the target. */
export function planSelection(plan: Pick<Plan, 'devices'>): { ready: string[]; blocked: { deviceId: string; reasons: string[] }[]; alreadyOnTarget: string[] } {
  return {
    ready: plan.devices.filter((d) => d.status === 'ready').map((d) => d.sourceId),
    blocked: plan.devices.filter((d) => d.status === 'blocked').map((d) => ({ deviceId: d.sourceId, reasons: d.blockers.map((b) => b.message) })),
    alreadyOnTarget: plan.devices.filter((d) => d.status === 'already-migrated').map((d) => d.sourceId),
  };
}

export async function planMigration(input: PlanInput): Promise<Plan> {
  const { source, target, options, signal } = input;
  const blockers: PlanIssue[] = [];
  const warnings: PlanIssue[] = [];

  // Rights on the two applications themselves: a user's or an admin's key has rights that
  // auth_info lists but that do not all hold on a given application.
  // A target application the run is to create has no rights yet: the key's own rights apply
  // to it once created (its creator is a collaborator with every right).
  const creating = options.application?.createTarget !== undefined && !(await targetApplicationExists(target.client, target.appId, signal));
  const [sourceRights, targetRights] = await Promise.all([
    source.kind === 'stack' ? source.client.applicationRights(source.appId, { signal }) : Promise.resolve([] as string[]),
    creating ? target.client.authInfo({ signal }).then((a) => a.rights) : target.client.applicationRights(target.appId, { signal }),
  ]);
  const rotatesKeys = options.otaaSourceAction === 'rotate-keys';
  if (source.kind === 'stack') {
    const r = checkRights('source', sourceRights, { rotatesKeys, triggers: options.trigger !== undefined });
    blockers.push(...r.blockers);
    warnings.push(...r.warnings);
  }
  const t = checkRights('target', targetRights, { rotatesKeys });
  blockers.push(...t.blockers);
  warnings.push(...t.warnings);

  let targetAppReachable = !creating;
  try {
    if (!creating) await target.client.getApplication(target.appId, ['name'], { signal });
  } catch (err) {
    if (!(err instanceof StackError) || !(err.is('NotFound') || err.is('PermissionDenied'))) throw err;
    targetAppReachable = false;
    blockers.push(issue('target-app-missing', err.is('NotFound')
      ? `The target application "${target.appId}" does not exist. Create it first.`
      : `The target API key has no rights on application "${target.appId}": it does not exist, or the key belongs to another application.`));
  }

  // What is on the target already: one listing instead of one request per device.
  const existing = targetAppReachable && hasRight(targetRights, RIGHT.read)
    ? (await target.client.listDevices(target.appId, { paths: [], signal })).devices
    : [];
  const byId = new Map(existing.map((d) => [d.ids.device_id, d]));
  const byEuis = new Map(existing.filter((d) => d.ids.dev_eui).map((d) => [euiPair(d), d]));

  let done = 0;
  // A device selected twice would run twice at once: each id once, in the order given.
  const deviceIds = [...new Set(input.deviceIds)];
  // At the run's own ceiling (64): planning 1,000 devices at 50 ms takes about a second.
  const devices = await mapLimit(deviceIds, input.concurrency ?? PLAN_CONCURRENCY, async (sourceId) => {
    const plan = await planDevice(input, sourceId, byId, byEuis);
    input.onProgress?.(++done, deviceIds.length);
    return plan;
  }, signal);

  let application: ApplicationPlan | undefined;
  if (options.application && source.kind === 'stack') {
    application = await planApplication({
      source: { client: source.client, appId: source.appId, rights: sourceRights }, target: { client: target.client, appId: target.appId, rights: targetRights },
      devices: devices.filter((d) => d.status === 'ready').map((d) => ({ sourceId: d.sourceId, targetId: d.targetId })), options: options.application, signal,
    });
    // A missing target is already a blocker of the device plan (or it is to be created).
    blockers.push(...application.blockers.filter((b) => b.code !== 'target-app-missing'));
    warnings.push(...application.warnings);
    if (creating) warnings.push(issue('target-app-created', `The target application "${target.appId}" does not exist: the run creates it under ${options.application.createTarget!.kind} "${options.application.createTarget!.id}" first.`));
  }

  const suggestedGateways = [...new Set(devices.filter((d) => d.status === 'ready').flatMap((d) => d.servingGateways ?? []))].sort();
  let gateways: GatewayPlan | undefined;
  if (options.gateways && source.kind === 'stack') {
    const served = new Map<string, number>();
    for (const d of devices) for (const g of d.servingGateways ?? []) served.set(g, (served.get(g) ?? 0) + 1);
    gateways = await planGateways({ source: source.client, target: target.client, ids: options.gateways.ids, options: options.gateways.options, servedDevices: served, signal });
    blockers.push(...gateways.blockers.map((b) => issue(`gateways-${b.code}`, `Gateways: ${b.message}`)));
    for (const g of gateways.gateways) if (g.status === 'blocked') warnings.push(issue('gateway-blocked', `Gateway "${g.id}" cannot be moved: ${g.blockers.map((b) => b.message).join(' ')}`));
    warnings.push(issue('packet-broker', gateways.packetBroker));
  } else if (suggestedGateways.length > 0) {
    warnings.push(issue('gateways-suggested', `ABP devices that keep their session were heard through ${suggestedGateways.length} gateway(s) (${suggestedGateways.slice(0, 5).join(', ')}${suggestedGateways.length > 5 ? ', …' : ''}): move them in the same run, or move them yourself, or those devices are not heard on the target.`));
  }

  if (devices.some((d) => d.activation === 'abp') && !options.abpMode) {
    blockers.push(issue('abp-mode-missing', 'The selection has ABP devices: choose whether they get a new session (re-programmed) or keep their DevAddr and keys.'));
  }
  const count = (f: (d: DevicePlan) => boolean) => devices.filter(f).length;
  return {
    createdAt: new Date().toISOString(), options, sourceRights, targetRights,
    blockers, warnings, devices, ...(application ? { application } : {}),
    ...(gateways ? { gateways } : {}), ...(suggestedGateways.length > 0 ? { suggestedGateways } : {}),
    counts: {
      ready: count((d) => d.status === 'ready'), blocked: count((d) => d.status === 'blocked'),
      alreadyMigrated: count((d) => d.status === 'already-migrated'),
      otaa: count((d) => d.activation === 'otaa'), abp: count((d) => d.activation === 'abp'),
      ...(options.trigger ? {
        triggerKnown: count((d) => d.status === 'ready' && Boolean(d.trigger)), triggerUnknown: count((d) => d.status === 'ready' && d.trigger === null),
      } : {}),
    },
  };
}

const euiPair = (d: EndDevice) => `${(d.ids.join_eui ?? '').toUpperCase()}/${(d.ids.dev_eui ?? '').toUpperCase()}`;

async function readForPlan(input: PlanInput, sourceId: string): Promise<{ device: EndDevice; absent: string[] } | { error: StackError } | undefined> {
  const { source } = input;
  if (source.kind === 'file') {
    const device = source.devices.get(sourceId);
    return device ? { device, absent: [] as string[] } : undefined;
  }
  try {
    // ABP keeping its session: which gateways heard it (NS mac_state.recent_uplinks), to move them with it.
    const paths = input.options.abpMode === 'keep-session' ? [...sourceReadPaths(source.canReadKeys), 'mac_state.recent_uplinks'] : sourceReadPaths(source.canReadKeys);
    return await source.client.getDevice(source.appId, sourceId, paths, { signal: input.signal });
  } catch (err) {
    if (err instanceof StackError && err.is('NotFound')) return undefined;
    // Unreadable (rights, a server error): the device is blocked with the reason, the plan goes on.
    if (err instanceof StackError && err.kind === 'api') return { error: err };
    throw err;
  }
}

async function planDevice(input: PlanInput, sourceId: string, byId: Map<string, EndDevice>, byEuis: Map<string, EndDevice>): Promise<DevicePlan> {
  const { options } = input;
  const targetId = targetDeviceId(sourceId, options.idMapping);
  const plan: DevicePlan = { sourceId, targetId, status: 'ready', blockers: [], warnings: [], sourceChanges: [] };
  const read = await readForPlan(input, sourceId);
  if (!read || 'error' in read) {
    plan.blockers.push(read ? issue('source-unreadable', read.error.message) : issue('source-missing', `Device "${sourceId}" does not exist on the source.`));
    plan.status = 'blocked';
    return plan;
  }
  const { device, absent } = read;
  const activation = activationOf(device);
  Object.assign(plan, {
    devEui: device.ids.dev_eui?.toUpperCase(), joinEui: device.ids.join_eui?.toUpperCase(), activation,
    lorawanVersion: getAtPath(device, 'lorawan_version') as string | undefined,
    frequencyPlanId: getAtPath(device, 'frequency_plan_id') as string | undefined,
  });
  const block = (code: string, message: string) => plan.blockers.push(issue(code, message));
  const warn = (code: string, message: string) => plan.warnings.push(issue(code, message));

  // Our mark from an earlier run, and whether the device is on the target already.
  const marker = input.source.kind === 'stack' ? markerOf(device) : undefined;
  const sameId = byId.get(targetId);
  const sameEuis = device.ids.dev_eui ? byEuis.get(euiPair(device)) : undefined;
  const onTarget = sameId !== undefined && euiPair(sameId) === euiPair(device);
  if (onTarget && marker?.state === 'quieted' && deletionStarted(absent, activation, options.abpMode)) {
    // Deletion from the source comes only after the target verified: an earlier run was
    // deleting it, and what is left of the source has nothing more to give.
    plan.sourceChanges.push('An earlier run of Stack Migrator moved it and was deleting it from the source: that deletion is finished now.');
    return plan;
  }

  if (!isValidDeviceId(targetId)) block('target-id-invalid', `The target device id "${targetId}" is not valid (lower-case letters, digits and dashes, at most 36 characters).`);
  if (absent.includes('ns')) block('source-incomplete', 'The device has no Network Server registration on the source: it cannot be read completely.');
  for (const f of ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id']) {
    if (!absent.includes('ns') && getAtPath(device, f) === undefined) block('source-incomplete', `The source device has no ${f}.`);
  }
  if (!device.ids.dev_eui && activation === 'otaa') block('no-dev-eui', 'The OTAA device has no DevEUI.');

  // The user's own downlink setting (which our mark keeps).
  const downlinks = marker?.before ?? downlinkSettingOf(device);
  if (marker) {
    warn('quieted-by-earlier-run', `Quieted by an earlier run of Stack Migrator (downlinks were ${DOWNLINK_WORDS[downlinks]} before it): the target gets the device's own setting, not the quieting.`);
  }
  if (downlinks === 'off') {
    if (!options.sourceDownlinksOff) block('downlinks-off', 'Downlinks are turned off on the source, and not by Stack Migrator: choose whether the target keeps them off or turns them on.');
    else warn('downlinks-off', options.sourceDownlinksOff === 'keep-off' ? 'Downlinks are off on the source (your setting): they stay off on the target.' : 'Downlinks are off on the source (your setting): they are turned on on the target.');
  }
  if (input.source.kind === 'stack' && !roomForMarker(device)) {
    block('attributes-full', `The device has ${MAX_ATTRIBUTES} attributes, the most the server allows; Stack Migrator marks a device it quiets with one (“${MARKER_KEY}”): remove an attribute on the source first.`);
  }

  if (activation === 'otaa') {
    const present = presentRootKeys(device);
    const keysReadable = joinableWith(device, present);
    if (!keysReadable) {
      if (options.generateKeysForExternalJoinServer) {
        warn('new-root-keys', 'Its root keys are not readable on the source (external Join Server): new keys will be generated and the device must be re-programmed with them.');
        plan.sourceChanges.push('After the target is verified: deleted from the source (new keys on the source could not stop it joining there).');
      } else if (isLoRaWAN11(device) && present.includes('app_key')) {
        block('no-nwk-key', 'LoRaWAN 1.1 device without a NwkKey: its Join Server cannot accept its joins.');
      } else {
        block('root-keys-unreadable', `Its root keys are not readable on the source${absent.includes('js') ? ' (they live on an external Join Server)' : ''}. Generate new keys (the device must then be re-programmed) or leave it.`);
      }
    }
    plan.sourceChanges.push('Downlinks turned off before the move (restored if the move fails).');
    const keyNames = present.map((n) => (n === 'app_key' ? 'AppKey' : 'NwkKey')).join(' and ');
    const trigger = options.trigger && keysReadable && input.source.kind === 'stack' && device.multicast !== true
      ? chooseTrigger(options.trigger, device.version_ids as VersionIds | undefined) ?? null
      : undefined;
    if (trigger !== undefined) plan.trigger = trigger;
    if (trigger) {
      plan.sourceChanges.push(
        `After the target is verified: ${keyNames} replaced by random keys (it can no longer join the source), the re-join trigger “${trigger.name}” (FPort ${trigger.fPort}, ${trigger.payloadHex}) queued unconfirmed, and downlinks turned on until it is sent (at most ${Math.round(options.trigger!.waitSeconds / 60)} min); then ${options.otaaSourceAction === 'rotate-keys' ? 'downlinks off again' : 'deleted from the source'}.`,
      );
      warn('otaa-trigger', `Re-join triggered with “${trigger.name}”: a class A device gets it after its next uplink; The Things Stack Community Edition allows about 10 downlinks per device a day.`);
    } else {
      if (keysReadable) plan.sourceChanges.push(options.otaaSourceAction === 'rotate-keys'
        ? `After the target is verified: ${keyNames} replaced by random keys, so it can no longer join the source.`
        : 'After the target is verified: deleted from the source.');
      if (trigger === null) {
        const model = getAtPath(device, 'version_ids.model_id');
        warn('no-trigger', `No re-join trigger is known for its model${typeof model === 'string' ? ` (${String(getAtPath(device, 'version_ids.brand_id'))}/${model})` : ' (it names none)'}: power-cycle it to make it join the target, or add a command for its model.`);
      } else warn('otaa-rejoin', 'The device keeps its current session on the source until it joins again: a power cycle or a downlink may be needed to trigger the join.');
    }
  } else {
    if (!options.abpMode) block('abp-mode-missing', 'ABP device: choose a mode (new session, or keep DevAddr and keys).');
    else if (options.abpMode === 'keep-session') {
      const hasSession = typeof getAtPath(device, 'session.dev_addr') === 'string' &&
        sessionKeyNames(device).every((n) => typeof getAtPath(device, `session.keys.${n}.key`) === 'string');
      if (!hasSession) block('abp-session-unreadable', 'Its session (DevAddr and session keys) cannot be read on the source.');
      warn('abp-gateway', 'Keeps its DevAddr from the source\u2019s address block: Packet Broker will not route it to the target, so its gateway must move to the target too. Frame counters restart (the device must be reset).');
      plan.sourceChanges.push('Downlinks turned off, then deleted from the source once the target is verified.');
      const serving = servingGateways(device);
      if (serving.length > 0) plan.servingGateways = serving;
      if (options.gateways && serving.some((g) => options.gateways!.ids.includes(g))) plan.sourceChanges.unshift(`Waits until its gateway (${serving.filter((g) => options.gateways!.ids.includes(g)).join(', ')}) is connected to the target.`);
    } else {
      warn('abp-reprogram', 'Gets a new DevAddr and session keys on the target: re-program the device with the values of the re-programming sheet.');
      plan.sourceChanges.push('Downlinks turned off; kept on the source until you confirm the device was re-programmed, then deleted.');
    }
  }

  if (onTarget) {
    // On the target already. Left part-way by an earlier run of ours (its mark says how far):
    // finished now; otherwise it was moved before, and the source is left alone.
    if (marker?.state === 'triggered') {
      plan.sourceChanges.splice(0, plan.sourceChanges.length, 'An earlier run of Stack Migrator moved it and sent its re-join trigger: the source\u2019s downlinks are turned off (or it is deleted) now; no trigger is sent again.');
    } else if (marker?.state === 'quieted') {
      plan.sourceChanges.unshift('An earlier run of Stack Migrator left it part-way: the device on the target is checked (kept when complete, created again otherwise), then the source is retired as below.');
    } else {
      plan.status = 'already-migrated';
      plan.sourceChanges.splice(0, plan.sourceChanges.length, marker?.state === 'reprogram'
        ? 'Moved by an earlier run of Stack Migrator; waiting for you to confirm it was re-programmed (then it is deleted from the source).'
        : marker?.state === 'retired' ? 'Moved by an earlier run of Stack Migrator, which also retired the source: left as it is.'
          : 'Already on the target: left as it is on both sides.');
    }
  } else if (sameId) block('target-id-taken', `The target already has a device "${targetId}" with other EUIs.`);
  else if (sameEuis) block('target-euis-taken', `The target already has this JoinEUI/DevEUI as device "${sameEuis.ids.device_id}".`);
  else if (marker && marker.state !== 'quieted') {
    block('moved-elsewhere', 'An earlier run of Stack Migrator moved this device to another target and retired it here (its keys on the source were replaced). Find where it lives before moving it again.');
  }

  if (plan.status !== 'already-migrated' && plan.blockers.length > 0) plan.status = 'blocked';
  if (plan.status !== 'blocked') {
    const targetDownlinks = downlinks === 'off' && options.sourceDownlinksOff === 'turn-on' ? 'unset' : downlinks;
    const shaped = shapeTargetDevice({
      source: device, options, targetHost: input.target.client.clusterHost, targetAddresses: input.target.addresses, downlinksBefore: targetDownlinks,
      newDevAddr: activation === 'abp' && options.abpMode === 'new-session' ? '(assigned by the target)' : undefined,
    });
    shaped.ids.application_ids = { application_id: input.target.appId };
    plan.target = redactKeys(shaped);
  }
  return plan;
}

/** The run's gateway part of a plan: the gateway plan and, per ready device, the moved gateways it waits for. */
export function gatewaysOfRun(plan: Pick<Plan, 'gateways' | 'devices'>): { plan: GatewayPlan; servedBy: Record<string, string[]> } | undefined {
  if (!plan.gateways) return undefined;
  const moved = new Set(plan.gateways.gateways.filter((g) => g.status !== 'blocked').map((g) => g.id));
  const servedBy: Record<string, string[]> = {};
  for (const d of plan.devices) {
    const mine = (d.servingGateways ?? []).filter((g) => moved.has(g));
    if (d.status === 'ready' && mine.length > 0) servedBy[d.sourceId] = mine;
  }
  return { plan: plan.gateways, servedBy };
}
