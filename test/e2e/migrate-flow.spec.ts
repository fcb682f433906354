// The whole way through, against the real handlers and two simulators: add both connections
// (keys into the test keychain), pick applications, rubber-band 30 devices, drop them on the
// target, review the plan, migrate, see every device join, and check both servers.
import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { joinAsDevice } from '../../src-main/demo/workspace';
import { startBackend, type Backend } from './support/backend';
import { programmedAppKeys, startSimPair, type SimPair } from './support/sims';
import { addCustomConnection, dragSelect, dropSelectionOnTarget, expectSelected, screenshot, sourceList, sourceRow, watchPage } from './support/ui';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

test('add connections, drag-select 30 devices, drop them on the target, migrate, see them join', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  sims = await startSimPair({ devices: 120, seed: { mix: 'otaa' } });
  const { source, target } = sims;
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  const watch = watchPage(page);
  await page.setViewportSize({ width: 1440, height: 1280 });
  await page.goto('/');

  // Connections: both keys go to main (and the test keychain); the form forgets them.
  await addCustomConnection(page, { name: 'Community Edition (simulated)', url: source.sim.url, apiKey: source.apiKey });
  await expect(page.getByRole('article', { name: 'Community Edition (simulated)' })).toBeVisible();
  await expect(page.getByLabel('API key')).toHaveValue('');
  await addCustomConnection(page, { name: 'Cloud (simulated)', url: target.sim.url, apiKey: target.apiKey });
  const targetCard = page.getByRole('article', { name: 'Cloud (simulated)' });
  await expect(targetCard).toBeVisible();
  await expect(targetCard.getByText('As a source: ready')).toBeVisible();
  await expect(targetCard.getByText('As a target: ready')).toBeVisible();
  await expect(page.getByLabel('API key')).toHaveValue('');
  await screenshot(page, '02-connections-added');

  // Workspace: pick the connections and applications of each side.
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await page.getByRole('combobox', { name: 'Source application', exact: true }).selectOption('ce-fleet');
  await page.getByRole('combobox', { name: 'Target application', exact: true }).selectOption('cloud-fleet');
  await expect(page.getByTestId('source-count')).toHaveText('120 devices');
  await expect(page.getByTestId('target-count')).toHaveText('0 devices');

  // A rubber band from the first to the thirtieth row.
  await dragSelect(page, 'dev-00001', 'dev-00030');
  await expectSelected(page, 30);
  await expect(sourceList(page).locator('[aria-selected="true"]')).toHaveCount(30);
  await expect(sourceRow(page, 'dev-00030')).toHaveAttribute('aria-selected', 'true');
  await expect(sourceRow(page, 'dev-00031')).toHaveAttribute('aria-selected', 'false');
  // The target shows what would land there.
  await expect(page.getByRole('radio', { name: /New 30/ })).toBeVisible();
  await screenshot(page, '11-workspace-selected-30');

  // Carry the selection onto the target pane.
  await dropSelectionOnTarget(page, 'dev-00012', async () => {
    await expect(page.getByText('Drop here to plan 30 devices')).toBeVisible();
    await screenshot(page, '12-workspace-dropping');
  });

  // Plan review: a dry run, nothing written.
  source.sim.resetCounters();
  target.sim.resetCounters();
  await expect(page.getByRole('heading', { name: 'Review the plan' })).toBeVisible();
  await expect(page.getByText('Dry run — nothing written yet')).toBeVisible();
  const startButton = page.getByRole('button', { name: 'Start migration of 30 devices' });
  await expect(startButton).toBeEnabled({ timeout: 15_000 });
  await expect(page.getByTestId('plan-devices').getByRole('listitem').first()).toContainText('Ready');
  await expect(page.getByText('What will happen, device by device')).toBeVisible();
  await screenshot(page, '20-plan-ready');
  expect(source.sim.writeCount()).toBe(0);
  expect(target.sim.writeCount()).toBe(0);
  expect(target.sim.listDeviceIds(target.appId)).toEqual([]);

  // Migrate.
  const moved = Array.from({ length: 30 }, (_, i) => `dev-${String(i + 1).padStart(5, '0')}`);
  const appKeys = programmedAppKeys(source, moved);
  const devices = new Map(moved.map((id) => [id, source.sim.deviceState(source.appId, id)]));
  await startButton.click();
  await expect(page.getByRole('heading', { level: 2, name: /^Migrat/ })).toBeVisible();
  await expect(page.getByTestId('count-waiting-join')).toContainText('30', { timeout: 60_000 });
  await screenshot(page, '30-progress-waiting-join');

  // The devices join the target as the real ones would: with the root key they were programmed
  // with (a LoRaWAN 1.1 device signs with its NwkKey) and their nonce memory.
  for (const id of moved) expect(joinAsDevice(target.sim, target.appId, id, devices.get(id)).accepted).toBe(true);
  await expect(page.getByTestId('count-joined')).toContainText('30', { timeout: 30_000 });
  await expect(page.getByTestId('run-state')).toHaveText('Finished');
  const rows = page.getByTestId('progress-rows').getByRole('listitem');
  await expect(rows.first()).toContainText('Joined');
  await expect(page.getByRole('progressbar', { name: 'Devices done' })).toHaveAttribute('aria-valuenow', '30');
  await screenshot(page, '31-progress-joined');

  // Both servers: every device on the target exactly once with its keys; the source quiet and rotated.
  expect(target.sim.listDeviceIds(target.appId).sort()).toEqual(moved);
  for (const id of moved) {
    const onTarget = target.sim.inspect(target.appId, id);
    expect(onTarget?.js?.root_keys?.app_key?.key).toBe(appKeys.get(id));
    const onSource = source.sim.inspect(source.appId, id);
    expect(onSource?.ns?.mac_settings?.schedule_downlinks).toBe(false);
    expect(onSource?.js?.root_keys?.app_key?.key).not.toBe(appKeys.get(id));
  }
  // The 90 devices not selected were not touched.
  const untouched = source.sim.inspect(source.appId, 'dev-00031');
  expect(untouched?.ns?.mac_settings?.schedule_downlinks).not.toBe(false);

  // The report, through the save dialog.
  await page.getByRole('button', { name: 'Save report (JSON)' }).click();
  await expect(page.getByText(/Saved to .*\.json/)).toBeVisible();
  const report = backend.saved.find((f) => f.endsWith('.json'));
  expect(report && existsSync(report)).toBe(true);
  expect(readFileSync(report as string, 'utf8')).toContain('dev-00030');

  // Back in the workspace, the target lists what landed, marked as migrated.
  await page.getByRole('button', { name: 'Back to workspace' }).click();
  await expect(page.getByTestId('target-count')).toHaveText('30 devices');
  await expect(page.getByRole('radio', { name: /Migrated 30/ })).toBeVisible();
  await screenshot(page, '13-workspace-after-migration');

  // No API key ever crossed to the page.
  const everything = backend.transcript.join('\n');
  expect(everything).not.toContain(source.apiKey);
  expect(everything).not.toContain(target.apiKey);
  // Under the strict CSP, with no uncaught error on the way.
  expect(watch.problems()).toEqual([]);
});
