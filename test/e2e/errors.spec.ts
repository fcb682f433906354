// What goes wrong is said in words: a wrong key, a blocked plan, a device that fails.
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { openDemo } from './support/demo';
import { startSimPair, type SimPair } from './support/sims';
import { addCustomConnection, expectSelected, screenshot, sourceRow } from './support/ui';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

test('a wrong API key is refused in words and nothing is saved', async ({ page, baseURL }) => {
  sims = await startSimPair({ devices: 5 });
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Add a connection' });

  // Checking first: the answer says the key does not work.
  await form.getByText('Custom', { exact: true }).click();
  await form.getByLabel('Identity Server address').fill(sims.source.sim.url);
  await form.getByLabel('API key').fill('NNSXS.WRONGWRONGWRONGWRONGWRONG.KEY');
  await form.getByRole('button', { name: 'Check key' }).click();
  await expect(form.getByRole('status')).toContainText('The key does not work here.');

  await addCustomConnection(page, { name: 'Wrong key', url: sims.source.sim.url, apiKey: 'NNSXS.WRONGWRONGWRONGWRONGWRONG.KEY' });
  const alert = form.getByRole('alert');
  await expect(alert).toBeVisible();
  const text = (await alert.textContent()) ?? '';
  expect(text.length).toBeGreaterThan(10);
  expect(text).not.toMatch(/[{}[\]]|Error:|at \w+ \(/); // words, not JSON or a stack trace
  expect(text).not.toContain('WRONGWRONG');
  await screenshot(page, '03-connections-wrong-key');

  // Nothing was stored: no connection, no keychain entry.
  expect((await backend.invoke('connections:list', {})).connections).toEqual([]);
  expect(backend.accounts.size).toBe(0);
  await expect(page.getByRole('article')).toHaveCount(0);

  // A key of the wrong format is caught before it leaves the page's hands too.
  await form.getByLabel('API key').fill('short');
  await form.getByRole('button', { name: 'Save connection' }).click();
  await expect(form.getByRole('alert')).toContainText(/API key/i);
});

test('a plan with ABP devices is blocked until their mode is chosen', async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openDemo(page, 50);

  await sourceRow(page, 'dev-00001').click();
  await sourceRow(page, 'dev-00020').click({ modifiers: ['Shift'] });
  await expectSelected(page, 20);
  await page.getByRole('button', { name: 'Migrate 20 devices…' }).click();

  await expect(page.getByRole('heading', { name: 'Review the plan' })).toBeVisible();
  const start = page.getByRole('button', { name: /^Start migration/ });
  await expect(page.getByTestId('plan-blockers')).toContainText('ABP', { timeout: 15_000 });
  await expect(page.getByText(/The selection has \d+ ABP devices?: choose how they move/)).toBeVisible();
  await expect(start).toBeDisabled();
  await expect(page.getByText('Choose how the ABP devices move.')).toBeVisible();
  // Each blocked device says why.
  await page.getByRole('radio', { name: /^Blocked/ }).click();
  const blocked = page.getByTestId('plan-devices').getByRole('listitem');
  await expect(blocked.first()).toContainText('ABP device: choose a mode');
  await screenshot(page, '21-plan-blocked-abp');

  // Keeping DevAddr and keys: the gateway warning, per device; the plan can start.
  await page.getByRole('radio', { name: /Keep DevAddr and session keys/ }).check();
  await expect(start).toBeEnabled({ timeout: 15_000 });
  await page.getByRole('radio', { name: /^With warnings/ }).click();
  await expect(page.getByTestId('plan-devices')).toContainText('its gateway must move to the target too');
  await page.getByRole('radio', { name: /New session — re-program the devices/ }).check();
  await expect(page.getByTestId('plan-devices')).toContainText('re-program the device with the values of the re-programming sheet');
  await expect(start).toBeEnabled();
  await screenshot(page, '22-plan-abp-new-session');
});

test('a device that cannot be created fails with its reason, and its source is restored', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  sims = await startSimPair({ devices: 40, seed: { mix: 'otaa' } });
  const { source, target } = sims;
  backend = await startBackend({ baseURL: baseURL as string });
  // The connections exist already (added through the same handlers; keys in the test keychain).
  await backend.invoke('connections:add', { name: 'Community Edition (simulated)', preset: { kind: 'custom', isUrl: source.sim.url, clusterUrl: source.sim.url }, apiKey: source.apiKey });
  await backend.invoke('connections:add', { name: 'Cloud (simulated)', preset: { kind: 'custom', isUrl: target.sim.url, clusterUrl: target.sim.url }, apiKey: target.apiKey });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await expect(page.getByTestId('source-count')).toHaveText('40 devices');

  await sourceRow(page, 'dev-00001').click();
  await sourceRow(page, 'dev-00005').click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Migrate 5 devices…' }).click();
  const start = page.getByRole('button', { name: 'Start migration of 5 devices' });
  await expect(start).toBeEnabled({ timeout: 15_000 });

  // The target's Network Server refuses every write.
  target.sim.failNext('ns.set', { status: 500, times: 100 });
  await start.click();
  await expect(page.getByTestId('run-state')).toHaveText('Finished', { timeout: 60_000 });
  const failedRows = page.locator('[data-state="failed"], [data-state="rolled-back"]');
  await expect(failedRows).toHaveCount(5);
  const reason = (await failedRows.first().locator('.text-bad').textContent()) ?? '';
  expect(reason.length).toBeGreaterThan(10);
  expect(reason).not.toMatch(/^[{[]/);
  await expect(page.getByRole('button', { name: 'Retry 5 failed devices' })).toBeEnabled();
  await expect(page.getByText('5 devices not migrated')).toBeVisible();
  await screenshot(page, '32-progress-failed');

  // Nothing stranded: the target has no half device, the source sends downlinks again.
  expect(target.sim.listDeviceIds(target.appId)).toEqual([]);
  for (const id of ['dev-00001', 'dev-00005']) {
    const ns = source.sim.inspect(source.appId, id)?.ns;
    expect(ns?.mac_settings?.schedule_downlinks).not.toBe(false);
  }
});
