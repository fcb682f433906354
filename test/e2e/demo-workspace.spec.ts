// The demo workspace, in the light and the dark (the app follows the OS).
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { openDemo } from './support/demo';
import { dragSelect, expectSelected, screenshot, sourceList, watchPage } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

for (const scheme of ['light', 'dark'] as const) {
  test(`"Try with simulated stacks" opens a ready workspace (${scheme})`, async ({ page, baseURL }) => {
    backend = await startBackend({ baseURL: baseURL as string });
    await backend.attach(page);
    const watch = watchPage(page);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    await openDemo(page, 1000);
    await expect(sourceList(page).getByRole('option').first()).toBeVisible();
    await expect(page.getByTestId('target-count')).toHaveText('0 devices');
    // The details (activation, version, frequency plan) arrive for the rows in view.
    await expect(sourceList(page).getByRole('option').first().locator('.tag')).toHaveText(/OTAA|ABP/);
    const suffix = scheme === 'dark' ? '-dark' : '';
    await screenshot(page, `10-workspace-demo${suffix}`);

    await dragSelect(page, 'dev-00004', 'dev-00015');
    await expectSelected(page, 12);
    await screenshot(page, `11-workspace-selected${suffix}`);
    await page.getByRole('button', { name: 'Migrate 12 devices…' }).click();
    await expect(page.getByRole('button', { name: /^Start migration/ })).toBeVisible();
    await page.getByRole('radio', { name: /New session — re-program the devices/ }).check();
    await expect(page.getByRole('button', { name: /^Start migration/ })).toBeEnabled({ timeout: 15_000 });
    await screenshot(page, `20-plan${suffix}`);
    await page.getByRole('button', { name: /^Start migration/ }).click();
    // In the demo the simulated devices join by themselves once moved.
    await expect(page.getByTestId('run-state')).toHaveText('Finished', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: /^Retire \d+ re-programmed ABP devices?…$/ })).toBeVisible();
    await screenshot(page, `31-progress-done${suffix}`);
    expect(watch.problems()).toEqual([]);
    if (scheme === 'dark') return;

    // The re-programming sheet, then retiring the re-programmed ABP devices on the source.
    await page.getByRole('button', { name: 'Save re-programming sheet' }).click();
    await expect(page.getByText(/Saved to .*/).first()).toBeVisible();
    expect(backend.saved.length).toBe(1);
    const retire = page.getByRole('button', { name: /^Retire (\d+) re-programmed ABP devices?…$/ });
    const n = Number(((await retire.textContent()) ?? '').replace(/[^0-9]/g, ''));
    await retire.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: 'Delete from the source' })).toBeDisabled();
    await screenshot(page, '34-retire-dialog');
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Delete from the source' }).click();
    await expect(page.getByText(`Retired ${n} ${n === 1 ? 'device' : 'devices'} on the source.`)).toBeVisible();
    await expect(retire).toHaveCount(0);
  });
}
