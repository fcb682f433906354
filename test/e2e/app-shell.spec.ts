import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY_META } from '../../src-main/window/csp';
import { startBackend, type Backend } from './support/backend';
import { screenshot } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

test('the first start shows the connections screen and the demo offer, under the CSP', async ({ page, baseURL }) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);

  await page.goto('/');

  await expect(page.getByRole('heading', { level: 1, name: 'Stack Migrator' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Connect your deployments' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try with simulated stacks' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Add a connection' })).toBeVisible();
  // Without connections, only the connections screen can be reached.
  await expect(page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /Workspace/ })).toBeDisabled();

  const csp = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(csp).toHaveCount(1);
  await expect(csp).toHaveAttribute('content', CONTENT_SECURITY_POLICY_META);

  await screenshot(page, '01-connections-first-start');
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('opened without the app bridge, the page says so in words', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('cannot reach its main process');
});
