// Downlinks the user turned off on the source are never copied silently: the plan asks, and
// the answer decides what the target gets (issue 10, point 1).
import { expect, test } from '@playwright/test';
import { StackClient } from '../../src-main/stack/client';
import type { Backend } from './support/backend';
import type { SimPair } from './support/sims';
import { screenshot, sourceRow } from './support/ui';
import { openWorkspace } from './support/workspace';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

test('a device with downlinks off by the user is blocked until the plan says what the target does', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  ({ sims, backend } = await openWorkspace(page, baseURL as string, 6, { width: 1440, height: 1100 }));
  const { source, target } = sims;
  const quietId = 'dev-00002';
  const client = new StackClient({ isUrl: source.sim.url, clusterUrl: source.sim.url, apiKey: source.apiKey });
  await client.setDevice(source.appId, { ids: { device_id: quietId, application_ids: { application_id: source.appId } }, mac_settings: { schedule_downlinks: false } }, ['mac_settings.schedule_downlinks']);
  client.close();
  await sourceRow(page, 'dev-00001').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.getByRole('button', { name: 'Migrate 6 devices…' }).click();

  // The plan asks; the device waits for the answer.
  const group = page.getByRole('group', { name: /Downlinks turned off on the source/ });
  await expect(group).toBeVisible({ timeout: 20_000 });
  await expect(group).toContainText('1');
  await expect(page.getByRole('button', { name: 'Start migration of 5 devices' })).toBeEnabled();
  await screenshot(page, '25-plan-downlinks-off-asked');

  await group.getByText('Keep them off on the target', { exact: true }).click();
  await expect(group.getByRole('radio', { name: /Keep them off on the target/ })).toBeChecked();
  const start = page.getByRole('button', { name: 'Start migration of 6 devices' });
  await expect(start).toBeEnabled({ timeout: 20_000 });
  await start.click();
  await expect(page.getByTestId('count-waiting-join')).toContainText('6', { timeout: 60_000 });

  // The user's choice on the target; the others get the default.
  expect(target.sim.inspect(target.appId, quietId)?.ns?.mac_settings?.schedule_downlinks).toBe(false);
  for (const id of ['dev-00001', 'dev-00003']) expect(target.sim.inspect(target.appId, id)?.ns?.mac_settings?.schedule_downlinks).toBeUndefined();
});
