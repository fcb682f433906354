// The trigger command library, from the plan: the built-in commands read-only with the maker's
// page they come from; the person's own added (checked as main checks them), used by the plan
// for devices of that model, edited, exported, removed and imported back; a file that is not a
// library is refused in words.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';
import { openDemo } from './support/demo';
import { chooseTrigger, planAll, tileCount } from './support/triggers';
import { screenshot, watchPage } from './support/ui';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

test('the library editor adds, edits, exports, removes and imports commands, and the plan uses them', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  const watch = watchPage(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openDemo(page, 50);
  await planAll(page, 50, { abpNewSession: true });
  await chooseTrigger(page, 20);
  await expect(page.getByRole('radio', { name: /^No trigger known/ })).toBeVisible({ timeout: 30_000 });
  const knownBefore = await tileCount(page, 'tile-trigger-known');
  const unknownBefore = await tileCount(page, 'tile-trigger-unknown');

  // The built-ins: read-only, each with the maker's page it comes from.
  await page.getByRole('button', { name: 'Edit library…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Trigger commands' });
  const builtIns = dialog.getByRole('list', { name: 'Built-in commands' });
  await expect(builtIns.getByRole('listitem')).toHaveCount(3);
  const em320 = builtIns.locator('[data-command="milesight-em320-th-reboot"]');
  await expect(em320).toContainText('milesight-iot / em320-th');
  await expect(em320).toContainText('FPort 85');
  await expect(em320).toContainText('Payload ff10ff');
  await expect(em320).toContainText('Source: https://www.milesight.com/products/docs/en/em320-th/');
  await expect(em320).toContainText('Read-only');
  await expect(builtIns.getByRole('button')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Export…' })).toBeDisabled();
  await screenshot(page, '53-trigger-library');

  // Adding one: checked before it is saved.
  await dialog.getByRole('button', { name: 'Add a command' }).click();
  const form = dialog.getByRole('form', { name: 'Add a trigger command' });
  await form.getByLabel('Name').fill('lht65-reset');
  await form.getByLabel('Brand id').fill('Dragino');
  await form.getByLabel('Model id').fill('lht65');
  await form.getByLabel('FPort').fill('300');
  await form.getByLabel('Payload (hex)').fill('04f');
  await expect(form.getByText('Lower-case letters, digits and single dashes')).toBeVisible();
  await expect(form.getByText('FPort 1 to 223')).toBeVisible();
  await expect(form.getByText('Whole bytes: an even number of hex digits.')).toBeVisible();
  await form.getByRole('button', { name: 'Add command' }).click();
  await expect(dialog.getByRole('list', { name: 'Your commands' }).getByRole('listitem')).toHaveCount(0);
  await form.getByLabel('Brand id').fill('dragino');
  await form.getByLabel('FPort').fill('2');
  await form.getByLabel('Payload (hex)').fill('04 FF');
  await form.getByLabel('Notes').fill('Reset (0x04FF), as the LHT65 manual documents it.');
  await screenshot(page, '54-trigger-library-add');
  await form.getByLabel('Payload (hex)').press('Enter');
  const mine = dialog.getByRole('list', { name: 'Your commands' });
  const lht65 = mine.locator('[data-command="lht65-reset"]');
  await expect(lht65).toContainText('dragino / lht65');
  await expect(lht65).toContainText('FPort 2');
  await expect(lht65).toContainText('Payload 04ff');
  await expect(page.getByText('Added “lht65-reset”.')).toBeVisible();

  // The plan follows the library: the LHT65 devices now get this command.
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => tileCount(page, 'tile-trigger-unknown'), { timeout: 30_000 }).toBeLessThan(unknownBefore);
  const gained = (await tileCount(page, 'tile-trigger-known')) - knownBefore;
  expect(gained).toBe(unknownBefore - (await tileCount(page, 'tile-trigger-unknown')));
  await page.getByRole('radio', { name: /^With a trigger/ }).click();
  const rows = page.getByTestId('plan-devices').locator('.plan-row-ready');
  await expect(rows.filter({ hasText: 'lht65-reset' }).first()).toContainText('2 · 04ff');
  await screenshot(page, '55-plan-with-own-command');

  // Edit it.
  await page.getByRole('button', { name: 'Edit library…' }).click();
  await dialog.getByRole('button', { name: 'Edit lht65-reset' }).click();
  const edit = dialog.getByRole('form', { name: 'Edit lht65-reset' });
  await edit.getByLabel('FPort').fill('3');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(lht65).toContainText('FPort 3');

  // Export: the person's commands only, in the library file format.
  await dialog.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByText(/Saved to .*trigger-commands.*\.json/)).toBeVisible();
  const exported = backend.saved.at(-1) as string;
  const file = JSON.parse(readFileSync(exported, 'utf8')) as { format: string; version: number; commands: { name: string; fPort: number; payloadHex: string; brandId?: string; modelId?: string }[] };
  expect(file.format).toBe('stack-migrator-trigger-commands');
  expect(file.commands).toEqual([expect.objectContaining({ name: 'lht65-reset', fPort: 3, payloadHex: '04ff', brandId: 'dragino', modelId: 'lht65' })]);

  // Remove it (asked first), and the plan goes back to a power cycle for those devices.
  await dialog.getByRole('button', { name: 'Remove lht65-reset' }).click();
  await dialog.getByRole('group', { name: 'Remove lht65-reset?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(lht65).toHaveCount(0);
  await expect(dialog.getByText('None yet.')).toBeVisible();
  await expect.poll(() => tileCount(page, 'tile-trigger-unknown'), { timeout: 30_000 }).toBe(unknownBefore);

  // Import the exported file back (the open dialog picks it).
  backend.openAnswer.file = exported;
  await dialog.getByRole('button', { name: 'Import…' }).click();
  await expect(page.getByText('Library imported: you now have 1 command.')).toBeVisible();
  await expect(lht65).toContainText('FPort 3');
  await expect.poll(() => tileCount(page, 'tile-trigger-unknown'), { timeout: 30_000 }).toBeLessThan(unknownBefore);
  await screenshot(page, '56-trigger-library-imported');

  // A file that is not a library: refused, in words; the library stays as it was.
  const bad = path.join(backend.userDataDir, 'saved', 'not-a-library.json');
  writeFileSync(bad, JSON.stringify({ commands: [{ name: 'x' }] }));
  backend.openAnswer.file = bad;
  await dialog.getByRole('button', { name: 'Import…' }).click();
  await expect(dialog.getByRole('alert')).toContainText('is not a Stack Migrator trigger library');
  await expect(mine.getByRole('listitem')).toHaveCount(1);
  // Cancelled: nothing happens.
  backend.openAnswer.file = undefined;
  await dialog.getByRole('button', { name: 'Import…' }).click();
  await expect(mine.getByRole('listitem')).toHaveCount(1);

  // Keyboard: Escape closes the editor.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(watch.problems()).toEqual([]);
});
