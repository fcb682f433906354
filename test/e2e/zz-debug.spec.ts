import { expect, test } from '@playwright/test';
import { startBackend } from './support/backend';

test('debug load', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  const t0 = Date.now();
  const demo = await backend.invoke('demo:start', { devices: 50000 });
  console.log('demo:start', Date.now() - t0);
  const t1 = Date.now();
  const { listId } = await backend.invoke('devices:list', { connectionId: demo.source.id, applicationId: demo.sourceApplicationId });
  await expect.poll(() => backend.transcript.filter((l) => l.includes(listId) && l.includes('"done":true')).length, { timeout: 120_000 }).toBe(1);
  console.log('list in node', Date.now() - t1, backend.transcript.length);
  await page.reload();
  const t2 = Date.now();
  await expect(page.getByTestId('source-count')).toHaveText('50,000 devices', { timeout: 120_000 });
  console.log('page list', Date.now() - t2);
  await backend.close();
});
