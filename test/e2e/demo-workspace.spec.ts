import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { screenshot, sourceList } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

test('"Try with simulated stacks" opens a ready workspace', async ({ page, baseURL }) => {
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByLabel('Devices').selectOption('1000');
  await page.getByRole('button', { name: 'Try with simulated stacks' }).click();
  await expect(page.getByTestId('source-count')).toHaveText('1,000 devices', { timeout: 15_000 });
  await expect(sourceList(page).getByRole('option').first()).toBeVisible();
  await expect(page.getByTestId('target-count')).toHaveText('0 devices');
  await page.waitForTimeout(500);
  await screenshot(page, '10-workspace-demo');
});
