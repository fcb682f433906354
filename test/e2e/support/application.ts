// Carrying the application, end to end: two simulators where the source application has what
// a real one carries besides its devices (seedIntegrations: a JavaScript formatter link, three
// webhooks, an MQTT pub/sub, package associations), and a target application that either
// exists (with some settings of its own) or does not exist yet (a user key may create it).
import { expect, type Locator, type Page } from '@playwright/test';
import { StackClient } from '../../../src-main/stack/client';
import { ApplicationApi, WEBHOOK_PATHS, type Webhook } from '../../../src-main/stack/application-api';
import { startSimulator, type SeededIntegrations } from '../../../src-main/sim/index';
import { startBackend, type Backend } from './backend';
import { SOURCE_APP, TARGET_APP, type SimSide } from './sims';
import { sourceRow } from './ui';

export { SOURCE_APP, TARGET_APP };

export interface AppSims {
  source: SimSide;
  /** appId is the application the plan targets (absent on the simulator when `missing`). */
  target: SimSide;
  seeded: SeededIntegrations;
  close(): Promise<void>;
}

export const TENANT = 'acme';
export const TARGET_USER = 'fleet-admin';

/**
 * The source application with devices and integrations; the target application exists (an
 * application key) or is missing (a user key of TARGET_USER, who may create applications).
 */
export async function startApplicationSims(opts: { devices: number; target: 'existing' | 'missing' }): Promise<AppSims> {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16' });
  const target = await startSimulator({ devAddrPrefix: '27000000/16', tenantId: TENANT });
  source.addApplication(SOURCE_APP, { name: 'Community Edition fleet', description: 'Temperature and humidity probes' });
  source.seedDevices(SOURCE_APP, opts.devices, { seed: 7, mix: 'otaa' });
  const seeded = source.seedIntegrations(SOURCE_APP);
  const sourceKey = source.createApiKey(SOURCE_APP, ['RIGHT_APPLICATION_ALL'], { id: 'e2e-source' });
  let targetKey: string;
  if (opts.target === 'existing') {
    target.addApplication(TARGET_APP, { name: 'Cloud fleet' });
    targetKey = target.createApiKey(TARGET_APP, ['RIGHT_APPLICATION_ALL'], { id: 'e2e-target' });
  } else {
    targetKey = target.createUserApiKey(TARGET_USER, { rights: ['RIGHT_ALL'] });
  }
  return {
    source: { sim: source, appId: SOURCE_APP, apiKey: sourceKey },
    target: { sim: target, appId: TARGET_APP, apiKey: targetKey },
    seeded,
    close: async () => {
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/** The Stack API of one side, as the app calls it (to arrange or check a side). */
export function apiOf(side: SimSide): { api: ApplicationApi; close(): void } {
  const client = new StackClient({ isUrl: side.sim.url, clusterUrl: side.sim.clusterUrl, apiKey: side.apiKey });
  return { api: new ApplicationApi(client), close: () => client.close() };
}

/** A webhook as the source has it, written to the target (the server's own fields and the downlink key left out). */
export async function copyWebhook(from: SimSide, to: SimSide, webhookId: string, change: Partial<Webhook> = {}): Promise<void> {
  const src = apiOf(from);
  const dst = apiOf(to);
  try {
    const webhook = (await src.api.listWebhooks(from.appId)).find((w) => w.ids.webhook_id === webhookId);
    if (!webhook) throw new Error(`no webhook ${webhookId} on the source`);
    const { created_at: _c, updated_at: _u, health_status: _h, downlink_api_key: _k, ...rest } = webhook as Webhook & Record<string, unknown>;
    const copy = { ...rest, ...change, ids: { webhook_id: webhookId } } as Webhook;
    const paths = WEBHOOK_PATHS.filter((p) => p !== 'downlink_api_key' && copy[p] !== undefined);
    await dst.api.setWebhook(to.appId, copy, paths);
  } finally {
    src.close();
    dst.close();
  }
}

/** Both connections added through the handlers; the page on the workspace with both chosen and the target application typed when unlisted. */
export async function openApplicationWorkspace(page: Page, baseURL: string, sims: AppSims, devices: number): Promise<Backend> {
  const backend = await startBackend({ baseURL });
  for (const [name, side] of [['Community Edition (simulated)', sims.source], ['Cloud (simulated)', sims.target]] as const) {
    await backend.invoke('connections:add', { name, preset: { kind: 'custom', isUrl: side.sim.url, clusterUrl: side.sim.url }, apiKey: side.apiKey });
  }
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await expect(page.getByTestId('source-count')).toHaveText(`${devices} devices`);
  return backend;
}

/** Chooses a target application id the key cannot list (a new one): typed. */
export async function typeTargetApplication(page: Page, appId: string): Promise<void> {
  const typed = page.getByLabel('Target application id');
  const picker = page.getByLabel('Target application', { exact: true });
  // A key that lists applications shows a list: "Another or a new application…" turns it into a field.
  await expect(typed.or(picker)).toBeVisible();
  if (await picker.isVisible()) await picker.selectOption({ label: 'Another or a new application…' });
  await typed.fill(appId);
  await typed.press('Enter');
}

/** Selects every source device and opens their plan. */
export async function planAllDevices(page: Page, devices: number): Promise<void> {
  await sourceRow(page, 'dev-00001').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.getByRole('button', { name: `Migrate ${devices} devices…` }).click();
  await expect(page.getByRole('heading', { name: 'Review the plan' })).toBeVisible();
}

export const planSection = (page: Page) => page.getByTestId('plan-application');
export const planItem = (page: Page, key: string): Locator => planSection(page).locator(`[data-item-key="${key}"]`);
export const progressSection = (page: Page) => page.getByTestId('progress-application');
export const progressItem = (page: Page, key: string): Locator => progressSection(page).locator(`[data-item-key="${key}"]`);

/** Every secret the source's integrations hold, as the simulator seeded them. */
export function expectNoSecret(text: string, seeded: SeededIntegrations, where: string): void {
  for (const secret of seeded.secrets) expect(text.includes(secret), `${where} holds a seeded secret`).toBe(false);
}
