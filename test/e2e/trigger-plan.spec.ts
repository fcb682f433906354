// The plan's re-join trigger, in the demo workspace: off by default; per model from the library
// (each device shows its command, or that it needs a power cycle); one command for every device,
// validated as main validates it; and a confirmation that lists the downlinks before anything starts.
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { openDemo } from './support/demo';
import { chooseTrigger, lastPlanId, planAll, tileCount } from './support/triggers';
import { screenshot, watchPage } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

test('choosing the re-join trigger shows each device’s command and asks before any downlink', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  const watch = watchPage(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openDemo(page, 50);
  const start = await planAll(page, 50, { abpNewSession: true });
  const devices = page.getByTestId('plan-devices');

  // Off by default: no device shows a trigger, and the start needs no confirmation.
  await expect(page.getByRole('checkbox', { name: /Trigger the re-join with a downlink/ })).not.toBeChecked();
  await expect(devices.locator('.trigger-chip')).toHaveCount(0);
  await expect(start).toHaveText(/devices$/);

  // Per model, from the library: the EM320-TH devices get the maker's reboot; others need a power cycle.
  await chooseTrigger(page, 20);
  await expect(page.getByTestId('trigger-library-summary')).toContainText('3 built-in commands');
  const withTriggerTab = page.getByRole('radio', { name: /^With a trigger/ });
  const noTriggerTab = page.getByRole('radio', { name: /^No trigger known/ });
  await expect(withTriggerTab).toBeVisible({ timeout: 30_000 });
  const known = await tileCount(page, 'tile-trigger-known');
  const unknown = await tileCount(page, 'tile-trigger-unknown');
  expect(known).toBeGreaterThan(0);
  expect(unknown).toBeGreaterThan(0);
  await expect(withTriggerTab).toHaveText(`With a trigger ${known}`);
  await expect(noTriggerTab).toHaveText(`No trigger known ${unknown}`);
  await expect(page.getByText(`${unknown} ${unknown === 1 ? 'device' : 'devices'} of the plan ${unknown === 1 ? 'has' : 'have'} no trigger known`)).toBeVisible();
  const rows = devices.locator('.plan-row-ready');
  await noTriggerTab.click();
  await expect(rows.first()).toContainText('no trigger known: power-cycle');
  for (const row of await rows.all()) await expect(row).toContainText('no trigger known: power-cycle');
  await withTriggerTab.click();
  await expect(rows.first()).toContainText('milesight-em320-th-reboot');
  for (const row of await rows.all()) await expect(row).toContainText(/milesight-em320-th-reboot\s*85 · ff10ff/);
  await expect(page.getByText(`${known} re-join ${known === 1 ? 'downlink' : 'downlinks'} sent`)).toBeVisible();
  await screenshot(page, '50-plan-trigger-per-model');

  // One command for every device, checked as main checks it before it is planned.
  await page.getByRole('radio', { name: /One command for every device/ }).check();
  const fPort = page.getByLabel('FPort');
  const payload = page.getByLabel('Payload (hex)');
  await fPort.fill('0');
  await expect(page.getByText('FPort 1 to 223')).toBeVisible();
  await expect(fPort).toHaveAttribute('aria-invalid', 'true');
  await fPort.fill('224');
  await expect(page.getByText('FPort 1 to 223')).toBeVisible();
  await payload.fill('ff1');
  await expect(page.getByText('Whole bytes: an even number of hex digits.')).toBeVisible();
  await payload.fill('zz');
  await expect(page.getByText('Only hex digits: 0–9 and a–f.')).toBeVisible();
  await payload.fill('00'.repeat(52));
  await expect(page.getByText('At most 51 bytes (this is 52).')).toBeVisible();
  await expect(start).toBeDisabled();
  await expect(page.getByText('Complete the trigger command: an FPort and a hex payload.')).toBeVisible();
  await fPort.fill('10');
  await payload.fill('01 02 0A');
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('tile-trigger-unknown').locator('.tile-n')).toHaveText('0', { timeout: 30_000 });
  await withTriggerTab.click();
  await expect(rows.first()).toContainText(/Command for every device\s*10 · 01020a/);
  await expect(devices.getByText('no trigger known: power-cycle')).toHaveCount(0);
  await screenshot(page, '51-plan-trigger-fixed');

  // Back to the library's commands: the plan follows.
  await page.getByRole('radio', { name: /The command for each device’s model/ }).check();
  await expect(page.getByTestId('tile-trigger-known').locator('.tile-n')).toHaveText(String(known), { timeout: 30_000 });
  await expect(devices.getByText('milesight-em320-th-reboot').first()).toBeVisible();

  // The confirmation: how many downlinks, to which models, FPort and payload, and the daily allowance.
  await expect(start).toHaveText(/…$/);
  await start.click();
  const dialog = page.getByRole('dialog', { name: `Send ${known} re-join ${known === 1 ? 'downlink' : 'downlinks'}?` });
  await expect(dialog).toBeVisible();
  const table = dialog.getByTestId('confirm-triggers');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toHaveText(/milesight-em320-th-reboot\s*milesight-iot \/ em320-th\s*85\s*ff10ff\s*\d+/);
  await expect(table.getByRole('row').nth(1).getByRole('cell').last()).toHaveText(String(known));
  await expect(dialog).toContainText(`${unknown} ${unknown === 1 ? 'device has' : 'devices have'} no trigger known`);
  await expect(dialog).toContainText('about 10 downlinks per device a day');
  // The safe answer has the focus: Enter does not send anything.
  await expect(dialog.getByRole('button', { name: 'Back to the plan' })).toBeFocused();
  await expect(dialog.getByRole('button', { name: `Send ${known} ${known === 1 ? 'downlink' : 'downlinks'} and migrate` })).toBeEnabled();
  await screenshot(page, '52-plan-trigger-confirm');

  // Not confirmed: nothing starts (Escape closes it, as "Back to the plan" does).
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Review the plan' })).toBeVisible();
  expect((await backend.invoke('run:history', {})).runs).toEqual([]);
  // And main itself refuses this plan without the person's yes.
  const planId = lastPlanId(backend.transcript);
  expect(planId).toBeDefined();
  await expect(backend.invoke('run:start', { planId: planId as string })).rejects.toThrow();
  expect((await backend.invoke('run:history', {})).runs).toEqual([]);
  expect(watch.problems()).toEqual([]);
});
