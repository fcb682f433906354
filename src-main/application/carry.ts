// Carries the application's settings to the target in the run, journaled and resumable:
// the target application created if the plan says so, then each item written (a PUT: doing
// it again is harmless, so nothing is ever duplicated) and read back. Items the target has
// differently are kept unless the user chose to overwrite them. A failed item is reported
// with the server's words and does not stop the devices. Per-device package associations
// come after the devices (they need the target devices).
import { StackError } from '../stack/errors.js';
import type { StackClient } from '../stack/client.js';
import { ApplicationApi, PUBSUB_PATHS, WEBHOOK_PATHS } from '../stack/application-api.js';
import type { DeviceJournalState, Journal } from '../migration/journal.js';
import { comparable, pubSubProvider, sameSettings, settingsOf, targetKeyOf, type SourceItem } from './items.js';
import { readApplicationItems, targetApplicationExists } from './plan.js';
import type { ApplicationOptions } from './options.js';

/** Journal records of the application use these ids (a device id never has "@"). */
export const APP_RECORD = '@app';
export const appRecordOf = (key: string) => `@app:${key}`;

export type ItemState = 'writing' | 'written' | 'kept' | 'failed';
export interface ItemEvent {
  key: string;
  label: string;
  state: ItemState;
  reason?: 'same' | 'chosen' | 'not-available' | 'done-earlier';
  error?: string;
}

export interface CarryContext {
  source: { client: StackClient; appId: string };
  target: { client: StackClient; appId: string };
  journal: Journal;
  /** The journal as the run found it (resume). */
  prior: ReadonlyMap<string, DeviceJournalState>;
  options: ApplicationOptions;
  devices: readonly { sourceId: string; targetId: string }[];
  signal?: AbortSignal;
  onItem(e: ItemEvent): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const done = (ctx: CarryContext, id: string) => ctx.prior.get(id)?.step === 'app-written';

/** Creates the target application when it is missing and the plan says under whom; true when it exists now. */
export async function ensureTargetApplication(ctx: CarryContext): Promise<void> {
  const { target } = ctx;
  if (await targetApplicationExists(target.client, target.appId, ctx.signal)) {
    if (!done(ctx, APP_RECORD) && ctx.prior.get(APP_RECORD)?.step === 'app-writing') await ctx.journal.step(APP_RECORD, 'app-written');
    return;
  }
  const owner = ctx.options.createTarget;
  if (!owner) throw new Error(`The target application "${target.appId}" does not exist.`);
  const app = await ctx.source.client.getApplication(ctx.source.appId, ['name', 'description', 'attributes'], { signal: ctx.signal }) as { name?: string; description?: string; attributes?: Record<string, string> };
  await ctx.journal.step(APP_RECORD, 'app-writing');
  ctx.onItem({ key: 'create', label: `Create application ${target.appId}`, state: 'writing' });
  try {
    await new ApplicationApi(target.client).createApplication(owner.kind === 'user' ? { userId: owner.id } : { organizationId: owner.id }, {
      id: target.appId, ...(app.name ? { name: app.name } : {}), ...(app.description ? { description: app.description } : {}), ...(app.attributes ? { attributes: app.attributes } : {}),
    });
  } catch (err) {
    // An answer lost on the way: the application may be there all the same.
    if (!(await targetApplicationExists(target.client, target.appId))) {
      const why = creationRefusal(err, owner);
      await ctx.journal.step(APP_RECORD, 'app-failed', { error: why });
      ctx.onItem({ key: 'create', label: `Create application ${target.appId}`, state: 'failed', error: why });
      throw new Error(why);
    }
  }
  await ctx.journal.step(APP_RECORD, 'app-written');
  ctx.onItem({ key: 'create', label: `Create application ${target.appId}`, state: 'written' });
}

/** Writes the items of one phase: the application's own settings, or the devices' package associations. */
export async function carryItems(ctx: CarryContext, phase: 'application' | 'devices'): Promise<{ written: number; failed: number; kept: number }> {
  const devicesOnly = phase === 'devices';
  const ids = devicesOnly ? ctx.devices : [];
  // Each phase reads only its own items: the application's settings, or the devices' associations.
  const sourceItems = await readApplicationItems(ctx.source.client, ctx.source.appId, ids.map((d) => d.sourceId), ctx.signal, devicesOnly);
  const targetIds = new Map(ctx.devices.map((d) => [d.sourceId, d.targetId]));
  const targetNow = async () => new Map((await readApplicationItems(ctx.target.client, ctx.target.appId, ids.map((d) => d.targetId), ctx.signal, devicesOnly)).map((i) => [i.key, i]));
  const before = await targetNow();
  const api = new ApplicationApi(ctx.target.client);
  const providers = devicesOnly ? undefined : await api.pubSubProviders({ signal: ctx.signal });
  const written: SourceItem[] = [];
  const tally = { written: 0, failed: 0, kept: 0 };
  for (const item of sourceItems) {
    const id = appRecordOf(item.key);
    const there = before.get(targetKeyOf(item, targetIds));
    const differs = there && !sameSettings(settingsOf(item), settingsOf(there));
    const provider = pubSubProvider(item);
    const reason = done(ctx, id) ? 'done-earlier' : provider && providers?.[provider] === 'DISABLED' ? 'not-available'
      : there && !differs ? 'same' : differs && !ctx.options.overwrite.includes(item.key) ? 'chosen' : undefined;
    if (reason) {
      // Written by an interrupted attempt and found complete: recorded as such now.
      if (reason === 'same' && ctx.prior.get(id)?.step === 'app-writing') await ctx.journal.step(id, 'app-written');
      tally.kept++;
      ctx.onItem({ key: item.key, label: item.label, state: 'kept', reason });
      continue;
    }
    await ctx.journal.step(id, 'app-writing');
    ctx.onItem({ key: item.key, label: item.label, state: 'writing' });
    try {
      await writeItem(ctx, api, item);
      written.push(item);
    } catch (err) {
      tally.failed++;
      await ctx.journal.step(id, 'app-failed', { error: message(err) });
      ctx.onItem({ key: item.key, label: item.label, state: 'failed', error: message(err) });
    }
  }
  // Each written item read back and compared (the downlink key of a webhook is the target's own).
  const after = written.length > 0 ? await targetNow() : new Map<string, SourceItem>();
  for (const item of written) {
    const id = appRecordOf(item.key);
    const there = after.get(targetKeyOf(item, targetIds));
    if (there && sameSettings(settingsOf(item), settingsOf(there))) {
      tally.written++;
      await ctx.journal.step(id, 'app-written');
      ctx.onItem({ key: item.key, label: item.label, state: 'written' });
    } else {
      tally.failed++;
      const error = there ? 'read back from the target, it differs from what was written' : 'not found on the target after it was written';
      await ctx.journal.step(id, 'app-failed', { error });
      ctx.onItem({ key: item.key, label: item.label, state: 'failed', error });
    }
  }
  return tally;
}

const presentPaths = (value: Record<string, unknown>, all: readonly string[]) => all.filter((p) => value[p] !== undefined && value[p] !== null);

async function writeItem(ctx: CarryContext, api: ApplicationApi, item: SourceItem): Promise<void> {
  const appId = ctx.target.appId;
  const v = comparable(item.value);
  switch (item.kind) {
    case 'application': {
      const paths = ['name', 'description', 'attributes'].filter((p) => v[p] !== undefined);
      if (paths.length > 0) await api.updateApplication(appId, v as { name?: string }, paths);
      return;
    }
    case 'formatters':
      return api.setLink(appId, { default_formatters: item.value.default_formatters as Record<string, string> }, ['default_formatters']);
    case 'webhook': {
      const webhook = { ...v, ids: { webhook_id: (item.value.ids as { webhook_id: string }).webhook_id } } as Parameters<ApplicationApi['setWebhook']>[1];
      const paths = presentPaths(webhook, WEBHOOK_PATHS).filter((p) => p !== 'downlink_api_key');
      delete webhook.downlink_api_key;
      if (item.value.downlink_api_key && ctx.options.webhookDownlinkKeys === 'create') {
        webhook.downlink_api_key = await downlinkKeyFor(api, appId, webhook.ids.webhook_id);
        paths.push('downlink_api_key');
      }
      return api.setWebhook(appId, webhook, paths);
    }
    case 'pubsub': {
      const pubsub = { ...v, ids: { pub_sub_id: (item.value.ids as { pub_sub_id: string }).pub_sub_id } } as Parameters<ApplicationApi['setPubSub']>[1];
      // The provider oneof travels as its member ("mqtt"/"nats") and is masked as "provider".
      const provider = ['mqtt', 'nats', 'aws_iot'].some((p) => pubsub[p] !== undefined) ? ['provider'] : [];
      return api.setPubSub(appId, pubsub, [...presentPaths(pubsub, PUBSUB_PATHS).filter((p) => p !== 'provider'), ...provider]);
    }
    case 'package': {
      const fPort = (item.value.ids as { f_port: number }).f_port;
      return api.setDefaultAssociation(appId, fPort, { package_name: item.value.package_name as string, data: item.value.data });
    }
    case 'device-package': {
      const [, sourceId, port] = item.key.split(':');
      const targetId = ctx.devices.find((d) => d.sourceId === sourceId)?.targetId ?? sourceId!;
      return api.setDeviceAssociation(appId, targetId, Number(port), { package_name: item.value.package_name as string, data: item.value.data });
    }
  }
}

/**
 * A target API key with only the downlink right, for one webhook. A key an interrupted
 * attempt made for it (its secret is gone with that attempt) is deleted first: never two.
 */
async function downlinkKeyFor(api: ApplicationApi, appId: string, webhookId: string): Promise<string> {
  const name = `Stack Migrator: webhook ${webhookId}`.slice(0, 50);
  // Ours by its name: left by an interrupted attempt, or the key of the webhook being replaced.
  for (const k of await api.listApiKeys(appId)) if (k.name === name) await api.deleteApiKey(appId, k.id).catch(ignoreNotFound);
  return api.createApiKey(appId, name, ['RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE']);
}

/** Why the target refused to create the application, in words (no device has moved). */
function creationRefusal(err: unknown, owner: NonNullable<ApplicationOptions['createTarget']>): string {
  const server = message(err);
  if (err instanceof StackError && err.errorName === 'tenant_entity_limit') {
    return `The target's plan allows no more applications (tenant_entity_limit): upgrade the plan or delete an application there, then run again. No device was moved. (${server})`;
  }
  if (err instanceof StackError && err.is('PermissionDenied')) {
    return `The target API key may not create applications for ${owner.kind} "${owner.id}" (it needs RIGHT_${owner.kind === 'user' ? 'USER' : 'ORGANIZATION'}_APPLICATIONS_CREATE; an application's own key never can). No device was moved. (${server})`;
  }
  if (err instanceof StackError && err.is('AlreadyExists')) {
    return `The application id is taken on the target (perhaps by a deleted application: ids stay reserved). Choose another target id. No device was moved. (${server})`;
  }
  return `The target application could not be created: ${server} No device was moved.`;
}

const ignoreNotFound = (err: unknown) => {
  if (!(err instanceof StackError && err.is('NotFound'))) throw err;
};
