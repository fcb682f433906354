// A run with re-join triggers, end to end against the real handlers and two simulators, then its
// arrivals: the progress shows when each trigger was queued and sent and when the device joined,
// without holding the other devices; the arrivals view lists the stragglers first with what to do,
// exports CSV, sends a second trigger only when asked, and opens again later from the run history.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { joinAsDevice } from '../../src-main/demo/workspace';
import type { Backend } from './support/backend';
import type { SimPair, SimSide } from './support/sims';
import { CLOCK, chooseTrigger, planAll, progressRow } from './support/triggers';
import { screenshot, watchPage } from './support/ui';
import { openWorkspace } from './support/workspace';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

const modelOf = (side: SimSide, id: string) => (side.sim.inspect(side.appId, id)?.is?.version_ids as { model_id?: string } | undefined)?.model_id;

/** The device's uplinks, until the source sends a queued downlink in its RX window (or time runs out). */
async function uplinkUntilDownlink(side: SimSide, id: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = side.sim.simulateUplink(side.appId, id);
    if (result.downlink || Date.now() > until) return result.downlink;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

const arrivalRow = (page: Page, id: string) => page.getByTestId('arrival-rows').locator(`[data-device-id="${id}"]`);

test('triggers in the progress, then the arrivals: stragglers first, CSV, a second trigger, and the run history', async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  ({ sims, backend } = await openWorkspace(page, baseURL as string, 10, { width: 1440, height: 1000 }, { mix: 'otaa', modelShare: 1 }));
  const { source, target } = sims;
  const watch = watchPage(page);
  const ids = source.sim.listDeviceIds(source.appId).sort();
  const em320 = ids.filter((id) => modelOf(source, id) === 'em320-th');
  const others = ids.filter((id) => modelOf(source, id) !== 'em320-th');
  expect(em320.length).toBeGreaterThanOrEqual(2);
  expect(others.length).toBeGreaterThanOrEqual(1);
  const [reacts, silent] = em320 as [string, string];
  const powerCycle = others[0] as string;
  // What the devices were programmed with (the source's keys are replaced during the run).
  const programmed = new Map(ids.map((id) => [id, source.sim.deviceState(source.appId, id)]));

  // Plan with the library's commands: the EM320-TH devices get the maker's reboot.
  const start = await planAll(page, 10);
  await chooseTrigger(page, 25);
  await expect(page.getByTestId('tile-trigger-known').locator('.tile-n')).toHaveText(String(em320.length), { timeout: 30_000 });
  await start.click();
  const confirm = page.getByRole('dialog', { name: `Send ${em320.length} re-join downlinks?` });
  await expect(confirm).toContainText('after 25 s without it the source is quieted anyway');
  await confirm.getByRole('button', { name: `Send ${em320.length} downlinks and migrate` }).click();

  // Progress: the triggers wait in the source's queue for each device's next uplink.
  await expect(page.getByRole('heading', { level: 2, name: /^Migrat/ })).toBeVisible();
  await expect(progressRow(page, reacts)).toHaveAttribute('data-state', 'trigger-queued', { timeout: 60_000 });
  await expect(progressRow(page, reacts)).toContainText(new RegExp(`Trigger queued ${CLOCK.source}`));
  await expect(page.getByTestId('count-trigger-queued')).toBeVisible();
  await expect(progressRow(page, powerCycle)).toHaveAttribute('data-state', 'waiting-join', { timeout: 30_000 });
  await screenshot(page, '57-progress-trigger-queued');

  // One device uplinks: the source sends it the trigger in the RX window; it restarts and joins the target.
  const received = await uplinkUntilDownlink(source, reacts);
  expect(received).toMatchObject({ fPort: 85, payloadHex: 'FF10FF' });
  await expect(progressRow(page, reacts)).toContainText(new RegExp(`Trigger sent ${CLOCK.source}`), { timeout: 30_000 });
  expect(joinAsDevice(target.sim, target.appId, reacts, programmed.get(reacts)).accepted).toBe(true);
  await expect(progressRow(page, reacts)).toHaveAttribute('data-state', 'joined', { timeout: 30_000 });
  await expect(progressRow(page, reacts)).toContainText(
    new RegExp(`Trigger queued ${CLOCK.source}.*Trigger sent ${CLOCK.source}.*Joined target ${CLOCK.source}`),
  );
  // The run did not hold the others for it: the silent device's trigger still waits in the queue.
  await expect(progressRow(page, silent)).toHaveAttribute('data-state', 'trigger-queued');
  await expect(page.getByTestId('run-state')).toHaveText('Running');
  await screenshot(page, '58-progress-trigger-times');

  // The wait runs out for the silent devices: the source is quieted with their trigger unsent.
  await expect(page.getByTestId('run-state')).toHaveText('Finished', { timeout: 90_000 });
  await expect(progressRow(page, silent)).toHaveAttribute('data-state', 'waiting-join');
  await expect(progressRow(page, silent)).toContainText(new RegExp(`Trigger queued ${CLOCK.source}`));
  await expect(progressRow(page, silent)).not.toContainText('Trigger sent');

  // Afterwards the source still hears two of them: the silent one (its trigger was never sent, and the
  // quiet source sends nothing now) and the one with no trigger known.
  expect(source.sim.simulateUplink(source.appId, silent).downlink).toBeUndefined();
  source.sim.simulateUplink(source.appId, powerCycle);

  // The arrivals, from the end of the run.
  await page.getByRole('button', { name: 'Check arrivals' }).click();
  await expect(page.getByRole('heading', { name: 'Arrivals' })).toBeVisible();
  await expect(page.getByTestId('arrivals-joined').locator('.tile-n')).toHaveText('1', { timeout: 30_000 });
  await expect(page.getByTestId('arrivals-stragglers').locator('.tile-n')).toHaveText(String(ids.length - 1));
  await expect(page.getByRole('radio', { name: /^Stragglers/ })).toHaveAttribute('aria-checked', 'true');
  const rows = page.getByTestId('arrival-rows').getByRole('listitem');
  await expect(rows.first()).toHaveAttribute('data-device-id', silent);
  await expect(arrivalRow(page, silent)).toContainText('Trigger again');
  await expect(arrivalRow(page, silent)).toContainText('since the move');
  await expect(arrivalRow(page, silent)).toContainText('milesight-em320-th-reboot');
  await expect(arrivalRow(page, silent)).toContainText('Not sent');
  await expect(rows.nth(1)).toHaveAttribute('data-device-id', powerCycle);
  await expect(arrivalRow(page, powerCycle)).toContainText('Power-cycle it');
  await expect(arrivalRow(page, powerCycle)).toContainText('since the move');
  await expect(arrivalRow(page, reacts)).toHaveCount(0); // joined: not among the stragglers
  // Only a straggler whose advice is a second trigger can be picked for one.
  await expect(page.getByTestId('arrival-rows').getByRole('checkbox')).toHaveCount(1);
  await screenshot(page, '60-arrivals-stragglers');
  await page.getByRole('radio', { name: /^Joined/ }).click();
  await expect(arrivalRow(page, reacts)).toContainText('Joined');
  await expect(arrivalRow(page, reacts)).toContainText(new RegExp(`Sent ${CLOCK.source}`));
  await page.getByRole('radio', { name: /^Stragglers/ }).click();

  // CSV export of the check.
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect(page.getByText(/Saved to .*\.csv/)).toBeVisible();
  const csvFile = backend.saved.at(-1) as string;
  expect(csvFile.endsWith('.csv')).toBe(true);
  const csv = readFileSync(csvFile, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines.length).toBe(ids.length + 1);
  expect(lines.find((l) => l.includes(silent))).toMatch(/straggler.*trigger-again/);
  expect(lines.find((l) => l.includes(powerCycle))).toMatch(/straggler.*power-cycle/);
  expect(lines.find((l) => l.includes(reacts))).toMatch(/joined/);

  // A second trigger: picked, confirmed, sent once the device uplinks again.
  await page.getByRole('checkbox', { name: `Trigger ${silent} again` }).check();
  await page.getByRole('button', { name: 'Trigger again (1)…' }).click();
  const again = page.getByRole('dialog', { name: 'Trigger 1 device again?' });
  await expect(again).toContainText(silent);
  await expect(again).toContainText('milesight-em320-th-reboot: 1 device');
  await expect(again).toContainText('about 10 downlinks per device a day');
  await screenshot(page, '61-arrivals-trigger-again');
  await again.getByRole('button', { name: 'Send 1 downlink' }).click();
  await expect(page.getByText('1 second trigger queued on the source.')).toBeVisible();
  expect(await uplinkUntilDownlink(source, silent)).toMatchObject({ fPort: 85, payloadHex: 'FF10FF' });
  expect(joinAsDevice(target.sim, target.appId, silent, programmed.get(silent)).accepted).toBe(true);
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByTestId('arrivals-joined').locator('.tile-n')).toHaveText('2', { timeout: 30_000 });
  await expect(arrivalRow(page, silent)).toHaveCount(0);

  // Later, from the run history (the app opened anew on the same data folder).
  const later = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await backend.attach(later);
  await later.goto('/');
  await later.getByRole('button', { name: 'Run history' }).click();
  const runs = later.getByRole('list', { name: 'Runs' }).getByRole('listitem');
  await expect(runs).toHaveCount(1, { timeout: 20_000 });
  await expect(runs.first()).toContainText('Finished');
  await expect(runs.first()).toContainText('Community Edition (simulated)');
  await expect(runs.first()).toContainText('10 devices');
  await screenshot(later, '62-run-history');
  await runs.first().getByRole('button', { name: /^Check the arrivals of the run of/ }).click();
  await expect(later.getByTestId('arrivals-joined').locator('.tile-n')).toHaveText('2', { timeout: 30_000 });
  await expect(later.getByTestId('arrival-rows').getByRole('listitem').first()).toHaveAttribute('data-device-id', powerCycle);
  await screenshot(later, '63-arrivals-from-history');
  await later.close();
  expect(watch.problems()).toEqual([]);
});
