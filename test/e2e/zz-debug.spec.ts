import { expect, test } from '@playwright/test';
import { startBackend } from './support/backend';
import { openDemo } from './support/demo';
import { centerOf, sourceList, sourceRow } from './support/ui';

test('debug band', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  page.on('console', (m) => console.log('CONSOLE', m.text()));
  await page.setViewportSize({ width: 1440, height: 900 });
  await openDemo(page, 1000);
  const list = sourceList(page);
  const box = await list.boundingBox();
  if (!box) throw new Error('no list box');
  const first = await centerOf(sourceRow(page, 'dev-00001'));
  await page.mouse.move(first.x - 80, first.y);
  await page.mouse.down();
  await page.mouse.move(first.x - 80, box.y + box.height - 4, { steps: 8 });
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(500);
    console.log('scrollTop', await list.evaluate((el) => el.scrollTop), await page.getByTestId('selection-count').textContent());
  }
  await page.mouse.up();
  await backend.close();
});
