// Pause, resume, cancel and retry the failed devices of a run.
import { expect, test } from '@playwright/test';
import type { Backend } from './support/backend';
import type { SimPair } from './support/sims';
import { sourceRow } from './support/ui';
import { openWorkspace } from './support/workspace';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

test('a run can be paused, resumed and cancelled', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  ({ sims, backend } = await openWorkspace(page, baseURL as string, 100));
  await sourceRow(page, 'dev-00001').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.getByRole('button', { name: 'Migrate 100 devices…' }).click();
  const start = page.getByRole('button', { name: 'Start migration of 100 devices' });
  await expect(start).toBeEnabled({ timeout: 20_000 });
  // Slow servers, so the run is still going while it is paused, resumed and cancelled.
  for (const side of [sims.source, sims.target]) side.sim.setFaults({ latencyMs: 1200 });
  await start.click();

  const state = page.getByTestId('run-state');
  await expect(state).toHaveText('Running');
  // Once devices are on their way (a pause sent before the runner has started is reported out of order).
  await expect(page.locator('[data-state="waiting-join"]').first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(state).toHaveText('Paused');
  await expect(page.getByText('paused', { exact: true })).toBeVisible(); // time left
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(state).toHaveText('Running');

  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel migration' }).click();
  await expect(state).toHaveText('Cancelled', { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Migration cancelled' }).first()).toBeVisible();
  // Not every device moved; those that did are complete, the others untouched.
  const moved = new Set(sims.target.sim.listDeviceIds(sims.target.appId));
  expect(moved.size).toBeLessThan(100);
  for (const id of sims.source.sim.listDeviceIds(sims.source.appId)) {
    const quiet = sims.source.sim.inspect(sims.source.appId, id)?.ns?.mac_settings?.schedule_downlinks === false;
    expect(quiet).toBe(moved.has(id));
  }
});

test('failed devices can be retried', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  ({ sims, backend } = await openWorkspace(page, baseURL as string, 10));
  await sourceRow(page, 'dev-00001').click();
  await sourceRow(page, 'dev-00003').click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Migrate 3 devices…' }).click();
  const start = page.getByRole('button', { name: 'Start migration of 3 devices' });
  await expect(start).toBeEnabled({ timeout: 20_000 });
  // A refusal that is not retried within the run: each device fails once.
  sims.target.sim.failNext('is.create', { status: 400, times: 3 });
  await start.click();
  await expect(page.getByTestId('run-state')).toHaveText(/Finished/, { timeout: 30_000 });
  await expect(page.locator('[data-state="failed"], [data-state="rolled-back"]')).toHaveCount(3);

  await page.getByRole('button', { name: 'Retry 3 failed devices' }).click();
  await expect(page.getByTestId('count-waiting-join')).toContainText('3', { timeout: 30_000 });
  await expect(page.getByTestId('run-state')).toHaveText('Finished');
  expect(sims.target.sim.listDeviceIds(sims.target.appId).sort()).toEqual(['dev-00001', 'dev-00002', 'dev-00003']);
});
