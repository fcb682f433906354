// Connections: the presets, replacing a key, removing a connection (and its keychain entry).
import { expect, test } from '@playwright/test';
import { keytarSecretStore } from '../../src-main/credentials/secret-store';
import { startBackend, TEST_KEYCHAIN_SERVICE, type Backend } from './support/backend';
import { startSimPair, type SimPair } from './support/sims';
import { addCustomConnection, screenshot } from './support/ui';

let backend: Backend | undefined;
let sims: SimPair | undefined;
test.afterEach(async () => {
  await backend?.close();
  await sims?.close();
  backend = undefined;
  sims = undefined;
});

test('the presets show where they connect', async ({ page, baseURL }) => {
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Add a connection' });
  await expect(form.getByText('https://eu1.cloud.thethings.network')).toBeVisible();
  await form.getByLabel('Cluster').selectOption('nam1');
  await expect(form.getByText('https://nam1.cloud.thethings.network')).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue('The Things Network nam1');

  await form.getByText('The Things Stack Cloud', { exact: true }).click();
  await form.getByLabel('Tenant id').fill('acme');
  await form.getByLabel('Cluster').selectOption('au1');
  await expect(form.getByText('https://acme.au1.cloud.thethings.industries')).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue('acme · Cloud au1');

  await form.getByText('Custom', { exact: true }).click();
  await expect(form.getByLabel('Identity Server address')).toBeVisible();
  await expect(form.getByText('Choose PEM file…')).toBeVisible();
  // A CA file that is not a certificate is refused in words.
  await form.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(form.getByRole('alert')).toContainText('notes.txt is not a PEM certificate');
  await form.locator('input[type="file"]').setInputFiles({
    name: 'ca.pem',
    mimeType: 'application/x-pem-file',
    buffer: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
  });
  await expect(form.getByText('ca.pem')).toBeVisible();
  await screenshot(page, '04-connections-custom-preset');
});

test('a key can be replaced, and removing a connection deletes its keychain entry', async ({ page, baseURL }) => {
  sims = await startSimPair({ devices: 3 });
  const { source } = sims;
  // A second key for the same application, with fewer rights.
  const readOnly = source.sim.createApiKey(source.appId, ['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_DEVICES_READ'], { id: 'read-only' });
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await addCustomConnection(page, { name: 'Community Edition (simulated)', url: source.sim.url, apiKey: source.apiKey });
  const card = page.getByRole('article', { name: 'Community Edition (simulated)' });
  await expect(card.getByText('As a source: ready')).toBeVisible();
  const [account] = [...backend.accounts];
  const keychain = keytarSecretStore(TEST_KEYCHAIN_SERVICE);
  expect(await keychain.get(account as string)).toBe(source.apiKey);

  // A wrong key is refused in the dialog; the stored key stays.
  await card.getByRole('button', { name: 'Replace key' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('New API key').fill('NNSXS.NOTAKEYNOTAKEYNOTAKEY.XYZ');
  await dialog.getByRole('button', { name: 'Check and save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('API key');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await keychain.get(account as string)).toBe(source.apiKey);

  // A key with fewer rights: saved, and the card says what it can no longer do.
  await card.getByRole('button', { name: 'Replace key' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('New API key').fill(readOnly);
  await dialog.getByRole('button', { name: 'Check and save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card.getByText('As a source: not enough rights')).toBeVisible();
  await expect(card.getByText('As a target: not enough rights')).toBeVisible();
  await expect(card.getByText('read-only')).toBeVisible();
  expect(await keychain.get(account as string)).toBe(readOnly);
  await screenshot(page, '05-connections-missing-rights');

  // Removing it deletes the keychain entry.
  await card.getByRole('button', { name: 'Remove Community Edition (simulated)' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove connection' }).click();
  await expect(card).toHaveCount(0);
  expect(await keychain.get(account as string)).toBeUndefined();
  expect((await backend.invoke('connections:list', {})).connections).toEqual([]);
  expect(backend.transcript.join('\n')).not.toContain(readOnly);
});
