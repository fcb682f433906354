import { expect, type Page } from '@playwright/test';

/** Starts the demo workspace from the first-start screen and waits for the source list. */
export async function openDemo(page: Page, devices: 50 | 1000 | 50000): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Devices').selectOption(String(devices));
  await page.getByRole('button', { name: 'Try with simulated stacks' }).click();
  await expect(page.getByTestId('source-count')).toHaveText(`${devices.toLocaleString('en')} devices`, { timeout: 90_000 });
}
