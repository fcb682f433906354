import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY_META } from '../../src-main/window/csp';

const SCREENSHOTS = path.resolve(__dirname, '../../test-output/screenshots');

test('the app shell shows the source and target panes side by side under the CSP', async ({ page }) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));

  await page.goto('/');

  await expect(page.getByRole('heading', { level: 1, name: 'Stack Migrator' })).toBeVisible();
  const source = page.getByRole('region', { name: 'Source' });
  const target = page.getByRole('region', { name: 'Target' });
  await expect(source).toBeVisible();
  await expect(target).toBeVisible();

  const sourceBox = await source.boundingBox();
  const targetBox = await target.boundingBox();
  expect(sourceBox && targetBox).toBeTruthy();
  if (sourceBox && targetBox) {
    expect(sourceBox.x + sourceBox.width).toBeLessThanOrEqual(targetBox.x);
    expect(Math.abs(sourceBox.y - targetBox.y)).toBeLessThan(1);
  }

  const csp = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(csp).toHaveCount(1);
  await expect(csp).toHaveAttribute('content', CONTENT_SECURITY_POLICY_META);

  await page.screenshot({ path: path.join(SCREENSHOTS, 'app-shell.png'), fullPage: true });

  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});
