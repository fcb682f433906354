// Moving gateways in the renderer against the real handlers and two simulators with stations:
// the Gateways tab (source and target gateways with their kinds), selecting and dropping them on
// the target, the plan (the Packet Broker warning, an action per kind), the run (Basic Stations
// with CUPS re-pointed: waiting, then connected to the target), the sheet, a rollback that puts
// the source gateway back exactly. No API key or LNS key crosses IPC.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Backend } from './support/backend';
import { GATEWAYS, openGatewaysTab, planEntry, progressRow, SOURCE_LNS_SECRET, sourceGateway, startGatewaySims, type GatewaySims } from './support/gateways';
import { centerOf, screenshot, watchPage } from './support/ui';

let backend: Backend | undefined;
let sims: GatewaySims | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

const b64 = (text: string) => Buffer.from(text).toString('base64');

test('gateways: list, plan, move, wait for the CUPS stations, sheet and rollback', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  // The CUPS stations ask their CUPS once at start and then not for ten minutes: the test reboots
  // them once it has seen them waiting (a re-point otherwise lands at a random point of the interval).
  sims = await startGatewaySims({ cupsEveryMs: 600_000 });
  const { source, target, stations } = sims;
  backend = await openGatewaysTab(page, baseURL as string, sims);
  const watch = watchPage(page);

  // The tab list: a real one, keyboard included.
  const tabs = page.getByRole('tablist', { name: 'What to move' });
  await expect(tabs.getByRole('tab', { name: 'Gateways' })).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Gateways' }).press('ArrowLeft');
  await expect(tabs.getByRole('tab', { name: 'Devices' })).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.getByRole('tab', { name: 'Devices' })).toBeFocused();
  await tabs.getByRole('tab', { name: 'Devices' }).press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Gateways' })).toHaveAttribute('aria-selected', 'true');

  // Each gateway with its kind (and why), EUI, frequency plan and server address.
  await expect(sourceGateway(page, 'roof-north').locator('[data-kind]')).toHaveAttribute('data-kind', 'cups');
  await expect(sourceGateway(page, 'roof-north')).toContainText('Basic Station with CUPS');
  await expect(sourceGateway(page, 'roof-north')).toContainText('58A0CBFFFE800001');
  await expect(sourceGateway(page, 'roof-north')).toContainText('EU_863_870_TTN');
  await expect(sourceGateway(page, 'roof-north')).toContainText(source.clusterHost);
  await expect(sourceGateway(page, 'warehouse-lns').locator('[data-kind]')).toHaveAttribute('data-kind', 'lns', { timeout: 20_000 });
  // The registry alone cannot tell a UDP packet forwarder: the Gateway Server's connection does.
  await expect(sourceGateway(page, 'legacy-udp').locator('[data-kind]')).toHaveAttribute('data-kind', 'udp');
  await expect(sourceGateway(page, 'legacy-udp').locator('[data-kind]')).toHaveAttribute('title', /connected over UDP/);
  await expect(page.getByTestId('target-gateway-count')).toHaveText('0 gateways');

  // Select all four with a rubber band (sorted by id: legacy-udp … warehouse-lns).
  const from = await centerOf(sourceGateway(page, 'legacy-udp'));
  const to = await centerOf(sourceGateway(page, 'warehouse-lns'));
  await page.mouse.move(from.x - 60, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x - 20, to.y, { steps: 12 });
  await page.mouse.up();
  await expect(page.getByTestId('gateway-selection-count')).toHaveText('4 gateways selected');
  // Keyboard: Escape clears, ctrl+A selects all again.
  await page.getByTestId('source-gateway-list').press('Escape');
  await expect(page.getByTestId('gateway-selection-count')).toHaveCount(0);
  await page.getByTestId('source-gateway-list').press('ControlOrMeta+a');
  await expect(page.getByTestId('gateway-selection-count')).toHaveText('4 gateways selected');
  // The target shows them as they would land.
  await expect(page.getByTestId('target-gateway-list').locator('[data-mark="new"]')).toHaveCount(4);
  await screenshot(page, '80-gateways-list');

  // Carried onto the target: the plan.
  const carry = await centerOf(sourceGateway(page, 'roof-north'));
  const drop = await centerOf(page.getByTestId('target-gateways-pane'));
  await page.mouse.move(carry.x, carry.y);
  await page.mouse.down();
  await page.mouse.move(drop.x, drop.y, { steps: 15 });
  await expect(page.getByTestId('target-gateways-pane')).toContainText('Drop here to plan 4 gateways');
  await page.mouse.up();
  await expect(page.getByRole('heading', { name: 'Review the gateway plan' })).toBeVisible();

  const move = page.getByRole('button', { name: 'Move 4 gateways' });
  await expect(move).toBeEnabled({ timeout: 30_000 });
  const warning = page.getByTestId('packet-broker-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('Packet Broker');
  await expect(warning.locator('.packet-broker-text')).not.toBeEmpty();
  await expect(planEntry(page, 'roof-north')).toHaveAttribute('data-action', 'repoint');
  await expect(planEntry(page, 'roof-south')).toHaveAttribute('data-action', 'repoint');
  await expect(planEntry(page, 'warehouse-lns')).toHaveAttribute('data-action', 'lns-files');
  await expect(planEntry(page, 'legacy-udp')).toHaveAttribute('data-action', 'udp-sheet');
  // The person may say what kind it is: the plan is made again with it.
  await planEntry(page, 'legacy-udp').getByLabel('Kind').selectOption({ label: 'UDP packet forwarder' });
  await expect(planEntry(page, 'legacy-udp')).toContainText('You said: UDP packet forwarder.');
  await expect(move).toBeEnabled({ timeout: 30_000 });
  await expect(planEntry(page, 'legacy-udp')).toHaveAttribute('data-kind', 'udp');
  await expect(planEntry(page, 'legacy-udp')).toHaveAttribute('data-action', 'udp-sheet');
  for (const g of GATEWAYS) {
    await expect(planEntry(page, g.id)).toHaveAttribute('data-status', 'ready');
    await expect(planEntry(page, g.id).getByTestId('gateway-source-after')).not.toBeEmpty();
  }
  await expect(planEntry(page, 'roof-north').getByTestId('gateway-steps').locator('li').first()).toBeVisible();
  await expect(planEntry(page, 'legacy-udp').getByTestId('gateway-manual').locator('li').first()).toBeVisible();
  await screenshot(page, '81-gateway-plan');

  // The run.
  await move.click();
  await expect(page.getByRole('heading', { name: /Moving 4 gateways|4 gateways moved/ })).toBeVisible();
  // Re-pointed through the source's CUPS: waiting until the station asks it again, then connected to the target.
  await expect(progressRow(page, 'roof-north')).toHaveAttribute('data-state', 'waiting', { timeout: 20_000 });
  await expect(progressRow(page, 'roof-north').getByTestId('gateway-detail')).toContainText(/Waiting for the gateway to reconnect — \d+ s since re-pointing/);
  await screenshot(page, '82-gateway-progress-waiting');
  // What the user may do to hurry it: reboot the gateways (they ask their CUPS at start).
  for (const g of GATEWAYS.filter((x) => x.kind === 'cups')) {
    await expect(progressRow(page, g.id)).toHaveAttribute('data-state', 'waiting', { timeout: 20_000 });
    stations.reboot(g.eui);
  }
  for (const id of ['roof-north', 'roof-south']) {
    await expect(progressRow(page, id)).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
    await expect(progressRow(page, id).getByTestId('gateway-detail')).toContainText(/Connected to the target over ws/);
  }
  expect(stations.view('58A0CBFFFE800001')?.connectedTo).toBe(target.clusterHost);
  expect(stations.view('58A0CBFFFE800002')?.connectedTo).toBe(target.clusterHost);
  // The others have a sheet: what to change on the gateway by hand.
  await expect(progressRow(page, 'warehouse-lns')).toHaveAttribute('data-state', /sheet|manual/);
  await expect(progressRow(page, 'legacy-udp')).toHaveAttribute('data-state', /sheet|manual/);
  await screenshot(page, '83-gateway-progress-connected');

  // The sheet.
  await page.getByRole('button', { name: 'Save sheet…' }).click();
  await expect.poll(() => backend?.saved.length ?? 0).toBeGreaterThan(0);
  const sheet = readFileSync(backend.saved[backend.saved.length - 1] as string, 'utf8');
  expect(sheet).toContain('legacy-udp');
  expect(sheet).toContain(target.clusterHost.split(':')[0]);

  // Roll one back: the source gateway exactly as it was.
  await progressRow(page, 'roof-south').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Roll back 1 gateway…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll back 1 gateway?' });
  await expect(dialog).toContainText('server address and LNS key');
  await expect(dialog).toContainText('revoked');
  await screenshot(page, '84-gateway-rollback-confirm');
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await expect(progressRow(page, 'roof-south')).toHaveAttribute('data-state', 'rolled-back', { timeout: 20_000 });
  const restored = source.inspectGateway('roof-south') as { gateway_server_address?: string; lbs_lns_secret?: { value?: string } };
  expect(restored.gateway_server_address).toBe(source.clusterHost);
  expect(restored.lbs_lns_secret?.value).toBe(b64(SOURCE_LNS_SECRET('roof-south')));
  await expect(progressRow(page, 'roof-north')).toHaveAttribute('data-state', 'connected');
  await screenshot(page, '85-gateway-progress-rolled-back');

  // No key crossed IPC: not the connections' API keys, not the source's LNS keys.
  const transcript = backend.transcript.join('\n');
  for (const secret of [sims.sourceKey, sims.targetKey, ...GATEWAYS.map((g) => SOURCE_LNS_SECRET(g.id)), ...GATEWAYS.map((g) => b64(SOURCE_LNS_SECRET(g.id)))]) {
    expect(transcript.includes(secret), 'the IPC transcript holds a key').toBe(false);
  }
  expect(transcript).not.toMatch(/NNSXS\.[A-Z0-9]{20,}\.[A-Z0-9]{40,}/);
  expect(watch.problems()).toEqual([]);
});
