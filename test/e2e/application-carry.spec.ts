// Bringing the application along, in the renderer against the real handlers and two simulators:
// the plan's Application section (each setting new / same / differs / not available, a readable
// diff with secrets masked, nothing overwritten unless chosen, what cannot be carried), the
// settings carried before the devices in the progress (a failure in the server's words, the
// devices going on), the "what to update" sheet, and a target application the run creates under
// a user chosen in the plan. No seeded secret crosses IPC or lands in the saved sheet.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Backend } from './support/backend';
import {
  apiOf,
  copyWebhook,
  expectNoSecret,
  openApplicationWorkspace,
  planAllDevices,
  planItem,
  planSection,
  progressItem,
  progressSection,
  SOURCE_APP,
  startApplicationSims,
  TARGET_APP,
  TARGET_USER,
  TENANT,
  typeTargetApplication,
  type AppSims,
} from './support/application';
import { screenshot, watchPage } from './support/ui';

let backend: Backend | undefined;
let sims: AppSims | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

const DEVICES = 4;
const OLD_UPLINK = `function decodeUplink(input) {
  return { data: { raw: input.bytes }, warnings: [], errors: [] };
}
`;

test('the Application section of a plan, the settings carried before the devices, and what to update', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  sims = await startApplicationSims({ devices: DEVICES, target: 'existing' });
  const { source, target, seeded } = sims;
  // The target already has some of it: its own formatter, one webhook the same, one with another address; no MQTT pub/subs there.
  const t = apiOf(target);
  await t.api.setLink(TARGET_APP, { default_formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: OLD_UPLINK } }, ['default_formatters']);
  t.close();
  await copyWebhook(source, target, 'datacake');
  await copyWebhook(source, target, 'crm-ingest', { base_url: 'https://crm-old.example.com/lorawan' });
  target.sim.setPubSubProviders({ mqtt: 'disabled' });
  backend = await openApplicationWorkspace(page, baseURL as string, sims, DEVICES);
  const watch = watchPage(page);

  await planAllDevices(page, DEVICES);
  const start = page.getByRole('button', { name: /^Start migration/ });
  await expect(start).toBeEnabled({ timeout: 30_000 });
  // Off by default: devices only.
  const bring = page.getByRole('checkbox', { name: /Bring the application along/ });
  await expect(bring).not.toBeChecked();
  await expect(planSection(page)).toHaveCount(0);
  await bring.check();

  const section = planSection(page);
  await expect(section).toBeVisible({ timeout: 30_000 });
  await expect(section).toContainText('Nothing the target already has is overwritten unless you choose it below.');
  await expect(planItem(page, 'application')).toHaveAttribute('data-status', 'differs');
  await expect(planItem(page, 'application').getByTestId('app-diff')).toContainText('name: "Cloud fleet" on the target, "Community Edition fleet" on the source');
  await expect(planItem(page, 'webhook:datacake')).toHaveAttribute('data-status', 'same');
  await expect(planItem(page, 'webhook:datacake')).toContainText('Nothing to do');
  await expect(planItem(page, 'webhook:downlink-bridge')).toHaveAttribute('data-status', 'new');
  await expect(planItem(page, 'webhook:downlink-bridge')).toContainText('a new target key with only the downlink right');
  // The target offers no MQTT pub/subs (its /as/configuration says DISABLED).
  await expect(planItem(page, 'pubsub:broker')).toHaveAttribute('data-status', 'not-available');
  await expect(planItem(page, 'pubsub:broker')).toContainText('does not offer MQTT pub/subs');
  await expect(planItem(page, 'package:199')).toHaveAttribute('data-status', 'new');
  // A differing webhook: its readable diff, and the target keeps its own unless chosen.
  const crm = planItem(page, 'webhook:crm-ingest');
  await expect(crm).toHaveAttribute('data-status', 'differs');
  await expect(crm).toHaveAttribute('data-action', 'keep');
  await expect(crm.getByTestId('app-diff')).toContainText('base_url: "https://crm-old.example.com/lorawan" on the target, "https://crm.example.com/lorawan" on the source');
  await expect(crm.getByRole('checkbox', { name: /Overwrite the target’s webhook crm-ingest/ })).not.toBeChecked();
  // The formatters differ script by script: lines only the source has, lines only the target has.
  const formatters = planItem(page, 'formatters');
  await expect(formatters).toHaveAttribute('data-status', 'differs');
  await expect(formatters.getByTestId('app-diff')).toContainText('up_formatter_parameter');
  await expect(formatters.getByTestId('app-diff').locator('.diff-add').first()).toBeVisible();
  await expect(formatters.getByTestId('app-diff').locator('.diff-remove').first()).toBeVisible();
  await expect(formatters).toHaveAttribute('data-action', 'keep');
  // Chosen: the plan is made again with the formatters overwritten, the webhook still kept.
  await formatters.getByRole('checkbox', { name: 'Overwrite the target’s default payload formatters' }).check();
  await expect(formatters).toHaveAttribute('data-action', 'write', { timeout: 30_000 });
  await expect(formatters).toContainText('The target’s is overwritten');
  await expect(crm).toHaveAttribute('data-action', 'keep');
  // What cannot be carried, with what to do.
  const cannot = page.getByTestId('cannot-carry');
  for (const what of ['API keys', 'Collaborators', 'The built-in MQTT server', 'Storage integration history']) await expect(cannot).toContainText(what);
  await expect(page.getByTestId('steps-application')).toContainText('First, the application');
  // Secrets are masked in everything the plan shows.
  expectNoSecret(await section.innerText(), seeded, 'the Application section');
  await bring.scrollIntoViewIfNeeded();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, '70-plan-application');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, '76-plan-application-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await cannot.scrollIntoViewIfNeeded();
  await screenshot(page, '71-plan-application-cannot-carry');

  // The run: the application's settings first, then the devices; one webhook refused by the target.
  target.sim.failNext('as.webhooks.set', { status: 400, code: 3, namespace: 'pkg/applicationserver/io/web', name: 'invalid_base_url', times: 1 });
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await start.click();
  const progress = progressSection(page);
  await expect(progress).toBeVisible();
  await expect(page.getByTestId('run-state')).toHaveText('Finished', { timeout: 60_000 });
  await expect(progressItem(page, 'formatters')).toHaveAttribute('data-state', 'written');
  await expect(progressItem(page, 'webhook:datacake')).toHaveAttribute('data-state', 'kept');
  await expect(progressItem(page, 'webhook:crm-ingest')).toHaveAttribute('data-state', 'kept');
  await expect(progressItem(page, 'package:199')).toHaveAttribute('data-state', 'written');
  // Not available on the target: the plan said it is not carried, so the run leaves it (and fails nothing for it).
  await expect.soft(progressItem(page, 'pubsub:broker')).toHaveAttribute('data-state', 'kept');
  const refused = progressItem(page, 'webhook:downlink-bridge');
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused.locator('.app-progress-error')).not.toBeEmpty();
  // The devices' own package associations, after the devices.
  await expect(progressItem(page, 'device-packages')).toHaveAttribute('data-state', 'written');
  await expect(progressItem(page, 'device-packages')).toContainText('Package associations of 2 devices');
  // The failure did not stop the devices.
  await expect(page.getByTestId('progress-rows').getByRole('listitem')).toHaveCount(DEVICES);
  await expect(page.getByTestId('count-failed')).toHaveCount(0);
  await progress.scrollIntoViewIfNeeded();
  await screenshot(page, '72-progress-application');

  // On the target: the formatter overwritten as chosen, the differing webhook kept as it was.
  const after = target.sim.inspectApplication(TARGET_APP);
  expect(after?.link?.default_formatters?.up_formatter_parameter).not.toBe(OLD_UPLINK);
  expect(after?.webhooks.find((w: { ids: { webhook_id: string } }) => w.ids.webhook_id === 'crm-ingest')?.base_url).toBe('https://crm-old.example.com/lorawan');

  // What to update: shown, then saved.
  await page.getByRole('button', { name: 'What to update' }).click();
  const dialog = page.getByRole('dialog', { name: 'What to update' });
  const sheet = dialog.getByTestId('update-sheet');
  await expect(sheet).toBeVisible({ timeout: 20_000 });
  await expect(sheet.getByRole('heading', { name: new RegExp(`What to update after moving application "${SOURCE_APP}" to "${TARGET_APP}"`) })).toBeVisible();
  await expect(sheet.getByRole('heading', { name: 'The built-in MQTT server' })).toBeVisible();
  await expect(sheet.locator('code', { hasText: `${TARGET_APP}@${TENANT}` })).toBeVisible();
  await expect(sheet.getByRole('heading', { name: 'Webhooks' })).toBeVisible();
  await expect(sheet.getByRole('heading', { name: 'API keys to recreate on the target' })).toBeVisible();
  await expect(sheet.getByRole('heading', { name: /Not carried/ })).toBeVisible();
  await expect(sheet).toContainText('webhook:downlink-bridge');
  await screenshot(page, '73-what-to-update');
  await dialog.getByRole('button', { name: 'Save as Markdown…' }).click();
  await expect(page.getByText(/Saved to .*what-to-update-.*\.md/)).toBeVisible();
  const saved = readFileSync(backend.saved.at(-1) as string, 'utf8');
  expect(saved).toContain('## The built-in MQTT server');
  expectNoSecret(saved, seeded, 'the saved sheet');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // Nothing secret crossed IPC, in either direction's JSON.
  expectNoSecret(backend.transcript.join('\n'), seeded, 'the IPC transcript');
  expect(watch.problems()).toEqual([]);
});

test('a target application that does not exist: created under a user chosen in the plan, before the devices', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  sims = await startApplicationSims({ devices: DEVICES, target: 'missing' });
  const { source, target, seeded } = sims;
  backend = await openApplicationWorkspace(page, baseURL as string, sims, DEVICES);
  const watch = watchPage(page);
  await typeTargetApplication(page, TARGET_APP);
  await expect(page.getByTestId('target-pane')).toContainText('the plan can create it when it brings the application along');
  await planAllDevices(page, DEVICES);

  // Without the application: the plan cannot start, and says how to create the target.
  await expect(page.getByTestId('plan-blockers')).toContainText(new RegExp(`"${TARGET_APP}".*does not exist`), { timeout: 30_000 });
  const options = page.getByRole('complementary', { name: 'Options' });
  await expect(options).toContainText('turn this on to create it');
  await page.getByRole('checkbox', { name: /Bring the application along/ }).check();
  await expect(options.getByRole('alert')).toContainText('say under which user or organization to create it', { timeout: 30_000 });
  await expect(options).toContainText('API key on the target that may create applications (an application key cannot)');
  await expect(options.getByLabel('Owner kind')).toHaveValue('user');
  // An id the target cannot have is said at once and not planned.
  await options.getByLabel('User id').fill('Fleet Admin!');
  await expect(options.getByText('Lower-case letters, digits and single dashes')).toBeVisible();
  await options.getByLabel('User id').fill(TARGET_USER);
  await expect(page.getByText(`the run creates it under user "${TARGET_USER}" first`)).toBeVisible({ timeout: 30_000 });
  await expect(planSection(page)).toContainText(`The run creates the target application “${TARGET_APP}” first.`);
  await expect(page.getByTestId('plan-blockers')).toHaveCount(0);
  for (const key of ['formatters', 'webhook:datacake', 'webhook:crm-ingest', 'webhook:downlink-bridge', 'pubsub:broker', 'package:199']) {
    await expect(planItem(page, key)).toHaveAttribute('data-status', 'new');
  }
  const start = page.getByRole('button', { name: /^Start migration/ });
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await screenshot(page, '74-plan-create-target');

  await start.click();
  await expect(page.getByTestId('run-state')).toHaveText('Finished', { timeout: 60_000 });
  await expect(progressItem(page, 'create')).toHaveAttribute('data-state', 'written');
  await expect(progressItem(page, 'create')).toContainText(`Create application ${TARGET_APP}`);
  for (const key of ['formatters', 'webhook:datacake', 'webhook:crm-ingest', 'webhook:downlink-bridge', 'pubsub:broker', 'package:199']) {
    await expect.soft(progressItem(page, key)).toHaveAttribute('data-state', 'written');
  }
  await expect.soft(progressSection(page).getByTestId('app-count-failed')).toHaveCount(0);
  await screenshot(page, '75-progress-create-target');

  // The application exists on the target now, with its creator, the source's name and its settings.
  const created = target.sim.inspectApplication(TARGET_APP);
  expect(created?.application?.name).toBe('Community Edition fleet');
  expect(Object.keys(created?.collaborators.users ?? {})).toContain(TARGET_USER);
  expect(created?.webhooks.map((w: { ids: { webhook_id: string } }) => w.ids.webhook_id).sort()).toEqual(['crm-ingest', 'datacake', 'downlink-bridge']);
  // The downlink bridge got a key of the target, not the source's.
  const bridge = created?.webhooks.find((w: { ids: { webhook_id: string } }) => w.ids.webhook_id === 'downlink-bridge');
  expect(bridge?.downlink_api_key).toBeTruthy();
  expect(seeded.secrets).not.toContain(bridge?.downlink_api_key);
  expect(target.sim.listDeviceIds(TARGET_APP)).toHaveLength(DEVICES);
  expect(source.sim.listDeviceIds(SOURCE_APP)).toHaveLength(DEVICES);

  await page.getByRole('button', { name: 'What to update' }).click();
  await expect(page.getByRole('dialog', { name: 'What to update' }).getByTestId('update-sheet')).toContainText('downlink-bridge', { timeout: 20_000 });
  expectNoSecret(backend.transcript.join('\n'), seeded, 'the IPC transcript');
  expect(watch.problems()).toEqual([]);
});

test('secrets are never shown: a pub/sub whose password differs is masked in the plan and over IPC', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  sims = await startApplicationSims({ devices: DEVICES, target: 'existing' });
  const { target, seeded } = sims;
  // The target has the same pub/sub with a password of its own (and its own base topic).
  const theirs = target.sim.seedIntegrations(TARGET_APP, { link: false, webhooks: false, packages: false });
  backend = await openApplicationWorkspace(page, baseURL as string, sims, DEVICES);
  await planAllDevices(page, DEVICES);
  await page.getByRole('checkbox', { name: /Bring the application along/ }).check();
  const broker = planItem(page, 'pubsub:broker');
  await expect(broker).toHaveAttribute('data-status', 'differs', { timeout: 30_000 });
  await expect(broker.getByTestId('app-diff')).toContainText(`base_topic: "v3/${TARGET_APP}" on the target, "v3/${SOURCE_APP}" on the source`);
  const shown = await planSection(page).innerText();
  expectNoSecret(shown, seeded, 'the Application section');
  expectNoSecret(shown, theirs, 'the Application section');
  expectNoSecret(backend.transcript.join('\n'), seeded, 'the IPC transcript');
  expectNoSecret(backend.transcript.join('\n'), theirs, 'the IPC transcript');
});
