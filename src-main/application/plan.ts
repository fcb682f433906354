// The "Application" section of a plan: each setting of the source application — new on the
// target, the same, different (kept unless the user chooses to overwrite it), or not
// available there — and what cannot be carried at all, with what the user must do.
// Reads only: a dry run of this writes nothing.
import type { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import { ApplicationApi, type PackageAssociation } from '../stack/application-api.js';
import { mapLimit } from '../migration/concurrency.js';
import { hasRight, type PlanIssue } from '../migration/preflight.js';
import type { ApplicationOptions } from './options.js';
import { differenceLines, itemsOf, pubSubProvider, sameSettings, settingsOf, targetKeyOf, type ItemKind, type SourceItem } from './items.js';

export type { ApplicationOptions } from './options.js';

export type ItemStatus = 'new' | 'same' | 'differs' | 'not-available';
export interface PlannedItem {
  key: string;
  kind: ItemKind;
  label: string;
  status: ItemStatus;
  /** What the run does: write it, or leave the target as it is. */
  action: 'write' | 'keep';
  /** The differences in words (secrets masked). */
  diff: string[];
  notes: string[];
}

export interface ApplicationPlan {
  targetExists: boolean;
  items: PlannedItem[];
  /** What cannot be carried, each with what to do. */
  cannotCarry: { what: string; todo: string }[];
  blockers: PlanIssue[];
  warnings: PlanIssue[];
}

interface Side {
  client: StackClient;
  appId: string;
  rights: string[];
}

/**
 * Everything of an application this plan compares (the devices' associations only for
 * `deviceIds`); with `devicesOnly`, just those associations (the run's second phase).
 */
export async function readApplicationItems(client: StackClient, appId: string, deviceIds: readonly string[], signal?: AbortSignal, devicesOnly = false): Promise<SourceItem[]> {
  const api = new ApplicationApi(client);
  const devicePackages = (await mapLimit(deviceIds, 16, async (deviceId) => ({
    deviceId, associations: await api.listDeviceAssociations(appId, deviceId, { signal }).catch(notFoundIsNone),
  }), signal)).filter((d) => d.associations.length > 0);
  if (devicesOnly) return itemsOf({ application: {}, webhooks: [], pubsubs: [], packages: [], devicePackages }).filter((i) => i.kind === 'device-package');
  const [app, link, webhooks, pubsubs, packages] = await Promise.all([
    client.getApplication(appId, ['name', 'description', 'attributes'], { signal }),
    api.getLink(appId, { signal }),
    api.listWebhooks(appId, { signal }),
    api.listPubSubs(appId, { signal }),
    api.listDefaultAssociations(appId, { signal }),
  ]);
  const { name, description, attributes } = app as { name?: string; description?: string; attributes?: Record<string, string> };
  return itemsOf({ application: { name, description, attributes }, link, webhooks, pubsubs, packages, devicePackages });
}

const notFoundIsNone = (err: unknown): PackageAssociation[] => {
  if (err instanceof StackError && err.is('NotFound')) return [];
  throw err;
};

/** Whether the target application exists (a non-admin key gets 403 for a missing one: asked with public fields only, it is 404). */
export async function targetApplicationExists(client: StackClient, appId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.getApplication(appId, ['ids'], { signal });
    return true;
  } catch (err) {
    if (err instanceof StackError && (err.is('NotFound') || err.is('PermissionDenied'))) return false;
    throw err;
  }
}

export async function planApplication(input: {
  source: Side;
  target: Side;
  /** Source device ids, and the target id each gets. */
  devices: { sourceId: string; targetId: string }[];
  options: ApplicationOptions;
  signal?: AbortSignal;
}): Promise<ApplicationPlan> {
  const { source, target, options, signal } = input;
  const blockers: PlanIssue[] = [];
  const warnings: PlanIssue[] = [];
  const sourceItems = await readApplicationItems(source.client, source.appId, input.devices.map((d) => d.sourceId), signal);
  const targetExists = await targetApplicationExists(target.client, target.appId, signal);
  if (!targetExists && !options.createTarget) {
    blockers.push({ code: 'target-app-missing', message: `The target application "${target.appId}" does not exist: choose a user or organization of the target to create it under (its API key must be allowed to create applications).` });
  }
  const targetIdOf = new Map(input.devices.map((d) => [d.sourceId, d.targetId]));
  const onTarget = targetExists
    ? new Map((await readApplicationItems(target.client, target.appId, input.devices.map((d) => d.targetId), signal)).map((i) => [i.key, i]))
    : new Map<string, SourceItem>();
  // The providers are the deployment's (GET /as/configuration), whether the application exists yet or not.
  const providers = await new ApplicationApi(target.client).pubSubProviders({ signal });

  const items = sourceItems.map((item): PlannedItem => {
    const there = onTarget.get(targetKeyOf(item, targetIdOf));
    const notes: string[] = [];
    if (item.kind === 'pubsub') {
      const provider = pubSubProvider(item);
      if (provider && providers[provider] === 'DISABLED') {
        return { key: item.key, kind: item.kind, label: item.label, status: 'not-available', action: 'keep', diff: [], notes: [`The target's Application Server does not offer ${provider.toUpperCase()} pub/subs: recreate it as a webhook or elsewhere.`] };
      }
      if (provider && providers[provider] === 'WARNING') notes.push(`The target marks ${provider.toUpperCase()} pub/subs as deprecated (WARNING).`);
    }
    if (item.kind === 'webhook' && item.value.downlink_api_key) {
      notes.push(options.webhookDownlinkKeys === 'create'
        ? 'Its downlink API key belongs to the source: a new target key with only the downlink right is created for it.'
        : 'Its downlink API key belongs to the source and is left out: the receiver cannot send downlinks until you give it a target key.');
    }
    if (item.kind === 'webhook') notes.push('Receivers that check X-Tts-Domain must accept the target\u2019s domain.');
    if (!there) return { key: item.key, kind: item.kind, label: item.label, status: 'new', action: 'write', diff: [], notes };
    if (sameSettings(settingsOf(item), settingsOf(there))) return { key: item.key, kind: item.kind, label: item.label, status: 'same', action: 'keep', diff: [], notes };
    const chosen = options.overwrite.includes(item.key);
    const diff = differenceLines(item.kind, settingsOf(item), settingsOf(there));
    return {
      key: item.key, kind: item.kind, label: item.label, status: 'differs', action: chosen ? 'write' : 'keep',
      // Masked on both sides, secrets that differ look alike: say so rather than show nothing.
      diff: diff.length > 0 ? diff : ['only secret values differ (not shown)'],
      notes: [...notes, chosen ? 'The target\u2019s settings are replaced by the source\u2019s (your choice).' : 'The target keeps its own settings (choose to overwrite them).'],
    };
  });
  if (items.some((i) => i.kind === 'webhook' && i.action === 'write') && options.webhookDownlinkKeys === 'create' && !hasRight(target.rights, 'RIGHT_APPLICATION_SETTINGS_API_KEYS') && targetExists) {
    warnings.push({ code: 'webhook-keys', message: 'The target API key cannot create API keys (missing RIGHT_APPLICATION_SETTINGS_API_KEYS): webhooks will have no downlink key.' });
  }
  return { targetExists, items, cannotCarry: cannotCarry(source.appId), blockers, warnings };
}

function cannotCarry(sourceAppId: string): ApplicationPlan['cannotCarry'] {
  return [
    { what: 'API keys', todo: 'Their secrets never leave the source: create new keys on the target and update every consumer.' },
    { what: 'Collaborators', todo: 'Accounts differ between deployments: add the target\u2019s users and organizations to the application by hand.' },
    { what: 'The built-in MQTT server', todo: `Clients must connect to the target's host with its username (${sourceAppId}@<tenant>) and a new API key.` },
    { what: 'Storage integration history', todo: 'Stored messages can be read on the source but not written to the target: export them first if you need them.' },
  ];
}
