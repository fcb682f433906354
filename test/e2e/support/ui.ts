// Small helpers over the app's UI.
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const SCREENSHOTS = path.resolve(__dirname, '../../../test-output/screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

export const sourceList = (page: Page) => page.getByRole('listbox', { name: 'Source' });
export const targetPane = (page: Page) => page.getByTestId('target-pane');
export const sourceRow = (page: Page, id: string) => sourceList(page).locator(`[data-device-id="${id}"]`);

export async function centerOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Presses on one row and drags to another: a rubber band. */
export async function dragSelect(page: Page, fromId: string, toId: string): Promise<void> {
  const from = await centerOf(sourceRow(page, fromId));
  const to = await centerOf(sourceRow(page, toId));
  await page.mouse.move(from.x - 60, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x - 20, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Carries the selection from one of its rows onto the target pane, and drops it. */
export async function dropSelectionOnTarget(page: Page, fromId: string, beforeDrop?: () => Promise<void>): Promise<void> {
  const from = await centerOf(sourceRow(page, fromId));
  const to = await centerOf(targetPane(page));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await beforeDrop?.();
  await page.mouse.up();
}

export async function selectedCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('selection-count').textContent({ timeout: 1000 }).catch(() => null)) ?? '0';
  return Number(text.replace(/[^0-9]/g, '')) || 0;
}

export async function expectSelected(page: Page, n: number): Promise<void> {
  if (n === 0) await expect(page.getByTestId('selection-count')).toHaveCount(0);
  else await expect(page.getByTestId('selection-count')).toHaveText(`${n.toLocaleString('en')} ${n === 1 ? 'device' : 'devices'} selected`);
}

/** Adds a connection through the form, with the Custom preset. */
export async function addCustomConnection(page: Page, opts: { name: string; url: string; apiKey: string }): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a connection' });
  await form.getByText('Custom', { exact: true }).click();
  await form.getByLabel('Identity Server address').fill(opts.url);
  await form.getByLabel('API key').fill(opts.apiKey);
  await form.getByLabel('Name').fill(opts.name);
  await form.getByRole('button', { name: 'Save connection' }).click();
}

/** Collects CSP violations and uncaught errors of the page, to assert none happened. */
export function watchPage(page: Page): { problems(): string[] } {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { problems: () => problems };
}
