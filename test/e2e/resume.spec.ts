// A run interrupted by a crash is offered for resumption on the next start.
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { startSimPair, type SimPair } from './support/sims';
import { screenshot, sourceRow } from './support/ui';

let backends: Backend[] = [];
let sims: SimPair | undefined;
test.afterEach(async () => {
  for (const b of backends.reverse()) await b.close();
  await sims?.close();
  backends = [];
  sims = undefined;
});

test('an unfinished run is offered on start, and resuming it finishes every device once', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const devices = 300;
  sims = await startSimPair({ devices, seed: { mix: 'otaa' } });
  const { source, target } = sims;
  const first = await startBackend({ baseURL: baseURL as string });
  backends.push(first);
  await first.invoke('connections:add', { name: 'Community Edition (simulated)', preset: { kind: 'custom', isUrl: source.sim.url, clusterUrl: source.sim.url }, apiKey: source.apiKey });
  await first.invoke('connections:add', { name: 'Cloud (simulated)', preset: { kind: 'custom', isUrl: target.sim.url, clusterUrl: target.sim.url }, apiKey: target.apiKey });

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await first.attach(page);
  await page.goto('/');
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await expect(page.getByTestId('source-count')).toHaveText(`${devices} devices`);
  await sourceRow(page, 'dev-00001').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.getByRole('button', { name: `Migrate ${devices} devices…` }).click();
  const start = page.getByRole('button', { name: `Start migration of ${devices} devices` });
  await expect(start).toBeEnabled({ timeout: 20_000 });

  // Slow servers, so the run is still going when the app "crashes" (rate limits would not do:
  // the server keys them per device and method, and a run asks each device's method once).
  // The adaptive limit reaches 64 devices in flight within seconds: enough devices stay queued.
  for (const side of [source, target]) side.sim.setFaults({ latencyMs: 1200 });
  await start.click();
  await expect(page.getByRole('progressbar', { name: 'Devices done' })).toBeVisible();
  await expect.poll(async () => Number(await page.getByRole('progressbar', { name: 'Devices done' }).getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(3);
  await screenshot(page, '33-progress-running');
  await page.close();
  await first.close({ keep: true }); // the handlers stop as the app would on quit: the run is left unfinished
  expect(target.sim.listDeviceIds(target.appId).length).toBeLessThan(devices);
  for (const side of [source, target]) side.sim.setFaults({});

  // Next start: the same data folder and keychain.
  const second = await startBackend({ baseURL: baseURL as string, userDataDir: first.userDataDir, accounts: first.accounts });
  backends.push(second);
  const again = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await second.attach(again);
  await again.goto('/');
  const offer = again.getByRole('alert').filter({ hasText: 'An unfinished migration' });
  // The offer comes once the page has loaded its connections and read the run folders.
  await expect(offer).toBeVisible({ timeout: 20_000 });
  await expect(offer).toContainText(`of ${devices} devices done`);
  await screenshot(again, '40-resume-offer');
  await offer.getByRole('button', { name: 'Resume migration' }).click();

  await expect(again.getByTestId('run-state')).toHaveText('Finished', { timeout: 60_000 });
  await expect(again.getByRole('progressbar', { name: 'Devices done' })).toHaveAttribute('aria-valuenow', String(devices));
  await screenshot(again, '41-resume-finished');

  // Every device exactly once: on the target with its source retired, or (cancelled mid-way) untouched and live on the source.
  const onTarget = new Set(target.sim.listDeviceIds(target.appId));
  expect(onTarget.size).toBeGreaterThan(devices / 2);
  for (const id of source.sim.listDeviceIds(source.appId)) {
    const ns = source.sim.inspect(source.appId, id)?.ns;
    if (onTarget.has(id)) expect(ns?.mac_settings?.schedule_downlinks).toBe(false);
    else expect(ns?.mac_settings?.schedule_downlinks).not.toBe(false);
  }
  await again.close();
});
