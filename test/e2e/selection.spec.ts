// Selecting like in a file manager: click, shift-click, ctrl-click, the keyboard, ctrl-drag.
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { openDemo } from './support/demo';
import { centerOf, dragSelect, expectSelected, screenshot, sourceList, sourceRow } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

const id = (n: number) => `dev-${String(n).padStart(5, '0')}`;

test('click, shift-click, ctrl-click and ctrl-drag select like a desktop list', async ({ page, baseURL }) => {
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDemo(page, 1000);

  await sourceRow(page, id(3)).click();
  await expectSelected(page, 1);
  await expect(sourceRow(page, id(3))).toHaveAttribute('aria-selected', 'true');

  await sourceRow(page, id(8)).click({ modifiers: ['Shift'] });
  await expectSelected(page, 6);
  for (let n = 3; n <= 8; n++) await expect(sourceRow(page, id(n))).toHaveAttribute('aria-selected', 'true');
  await expect(sourceRow(page, id(2))).toHaveAttribute('aria-selected', 'false');

  await sourceRow(page, id(5)).click({ modifiers: ['ControlOrMeta'] });
  await expectSelected(page, 5);
  await expect(sourceRow(page, id(5))).toHaveAttribute('aria-selected', 'false');
  await sourceRow(page, id(12)).click({ modifiers: ['ControlOrMeta'] });
  await expectSelected(page, 6);

  // Shift-click extends from the last anchor (the ctrl-clicked row) and replaces the selection.
  await sourceRow(page, id(10)).click({ modifiers: ['Shift'] });
  await expectSelected(page, 3);

  // Ctrl-drag adds a band to what is selected.
  await page.keyboard.down('Control');
  await dragSelect(page, id(15), id(19));
  await page.keyboard.up('Control');
  await expectSelected(page, 8);
  await expect(sourceRow(page, id(11))).toHaveAttribute('aria-selected', 'true');
  await expect(sourceRow(page, id(17))).toHaveAttribute('aria-selected', 'true');
  await screenshot(page, '14-workspace-ctrl-selection');

  // A plain click on a selected row selects only that row.
  await sourceRow(page, id(17)).click();
  await expectSelected(page, 1);
});

test('the keyboard moves, extends, toggles, selects all and clears', async ({ page, baseURL }) => {
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDemo(page, 1000);
  const list = sourceList(page);

  await sourceRow(page, id(1)).click();
  await expect(list).toBeFocused();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowDown');
  await expectSelected(page, 5);
  await expect(list).toHaveAttribute('aria-activedescendant', `source-device-${id(5)}`);

  await page.keyboard.press('ArrowDown');
  await expectSelected(page, 1);
  await expect(sourceRow(page, id(6))).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  await expectSelected(page, 3);

  // Ctrl+arrows move the focus only; space toggles the focused row.
  await page.keyboard.press('Control+ArrowDown');
  await page.keyboard.press('Control+ArrowDown');
  await page.keyboard.press('Control+ArrowDown');
  await page.keyboard.press('Space');
  await expectSelected(page, 4);
  await expect(sourceRow(page, id(7))).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Space');
  await expectSelected(page, 3);

  await page.keyboard.press('ControlOrMeta+a');
  await expectSelected(page, 1000);
  await page.keyboard.press('Escape');
  await expectSelected(page, 0);

  // End goes to the last row, scrolling the list.
  await page.keyboard.press('End');
  await expect(sourceRow(page, id(1000))).toBeVisible();
  await expect(sourceRow(page, id(1000))).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(sourceRow(page, id(1))).toHaveAttribute('aria-selected', 'true');
});

test('search and filters narrow both the list and what ctrl+A selects', async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDemo(page, 1000);
  const source = page.getByTestId('source-pane');
  const count = page.getByTestId('source-count');

  await source.getByRole('searchbox').fill('dev-0001');
  await expect(count).toHaveText('10 of 1,000 devices');
  await expect(sourceList(page).getByRole('option')).toHaveCount(10);
  await source.getByRole('searchbox').fill('70B3D57ED00003E8'); // a DevEUI, as printed
  await expect(count).toHaveText('1 of 1,000 devices');
  await source.getByRole('searchbox').fill('');

  // Activation needs every device's details: they are fetched, then the filter applies.
  await source.getByRole('radio', { name: 'ABP' }).click();
  await expect(count).toHaveText(/^\d+ of 1,000 devices$/, { timeout: 30_000 });
  await expect(source.getByText(/Reading activation/)).toHaveCount(0, { timeout: 30_000 });
  const abpText = (await count.textContent()) ?? '';
  const abp = Number(abpText.split(' ')[0]?.replace(/,/g, ''));
  expect(abp).toBeGreaterThan(50);
  expect(abp).toBeLessThan(400);
  const visible = sourceList(page).getByRole('option');
  for (let i = 0; i < 8; i++) {
    await expect(visible.nth(i)).toContainText('ABP');
    await expect(visible.nth(i)).not.toContainText('OTAA');
  }

  // ctrl+A selects what the filters show, not what they hide.
  await visible.first().click();
  await page.keyboard.press('ControlOrMeta+a');
  await expectSelected(page, abp);

  await source.getByLabel('Frequency plan').selectOption('EU_863_870_TTN');
  await expect(count).not.toHaveText(abpText);
  // What the filters now hide stays selected, and the pane says so.
  await expect(source.getByText(/^\d+ selected devices are hidden by the filters\.$/)).toBeVisible();
  for (let i = 0; i < 5; i++) await expect(visible.nth(i)).toContainText('EU_863_870_TTN');
  await source.getByLabel('LoRaWAN version').selectOption('MAC_V1_0_3');
  await expect(visible.first()).toContainText('1.0.3');
  await source.getByLabel('Last seen').selectOption('never');
  await expect(visible.first()).toContainText('never');
  await screenshot(page, '15-workspace-filters');

  await page.getByRole('search', { name: 'Source filters' }).getByRole('button', { name: 'Clear filters' }).click();
  await expect(count).toHaveText('1,000 devices');
});

test('a 50,000-device list scrolls, stays virtual, and auto-scrolls a rubber band', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDemo(page, 50000);
  const list = sourceList(page);
  await expect(list.getByRole('option').first()).toBeVisible();
  // Only what is in view (and a little around it) is in the document.
  expect(await list.getByRole('option').count()).toBeLessThan(80);
  await expect(list.getByRole('option').first()).toHaveAttribute('aria-setsize', '50000');

  // Wheel scrolling moves through the list.
  await page.mouse.move(...Object.values(await centerOf(list)) as [number, number]);
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 3000);
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(20_000);
  await expect(list.getByRole('option').first()).not.toHaveAttribute('data-device-id', id(1));

  // Jumping to the middle and to the end renders the rows there at once.
  const started = Date.now();
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(sourceRow(page, id(25000))).toBeVisible();
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(sourceRow(page, id(50000))).toBeVisible();
  expect(Date.now() - started).toBeLessThan(3000);
  expect(await list.getByRole('option').count()).toBeLessThan(80);
  await screenshot(page, '16-workspace-50000-bottom');

  // A rubber band dragged past the bottom edge keeps scrolling and selecting.
  await list.evaluate((el) => (el.scrollTop = 0));
  await expect(sourceRow(page, id(1))).toBeVisible();
  const box = await list.boundingBox();
  if (!box) throw new Error('no list box');
  const first = await centerOf(sourceRow(page, id(1)));
  await page.mouse.move(first.x - 80, first.y);
  await page.mouse.down();
  await page.mouse.move(first.x - 80, box.y + box.height - 4, { steps: 8 });
  await expect.poll(() => list.evaluate((el) => el.scrollTop), { timeout: 10_000 }).toBeGreaterThan(1500);
  await page.mouse.up();
  const selected = Number(((await page.getByTestId('selection-count').textContent()) ?? '0').replace(/[^0-9]/g, ''));
  expect(selected).toBeGreaterThan(60);
  // The band is contiguous from the first row.
  await list.evaluate((el) => (el.scrollTop = 0));
  await expect(sourceRow(page, id(1))).toHaveAttribute('aria-selected', 'true');
  await expect(sourceRow(page, id(2))).toHaveAttribute('aria-selected', 'true');
});
