// Plain http:// to another computer: the connection form asks for a confirmation that names
// the risk; without it nothing is sent, with it the key goes to that address.
import { expect, test } from '@playwright/test';
import { startBackend, type Backend } from './support/backend';

let backend: Backend | undefined;
test.afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

test('an http:// address of another host needs a confirmation that names the risk', async ({ page, baseURL }) => {
  backend = await startBackend({ baseURL: baseURL as string });
  await backend.attach(page);
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Add a connection' });
  await form.getByText('Custom', { exact: true }).click();
  await form.getByLabel('API key').fill(`NNSXS.${'A'.repeat(16)}.${'B'.repeat(40)}`);

  // This computer: no confirmation asked.
  await form.getByLabel('Identity Server address').fill('http://127.0.0.1:1');
  await expect(form.getByRole('checkbox', { name: /plain HTTP/ })).toHaveCount(0);

  // Another host over http://: the confirmation appears, unticked, and says what it risks.
  await form.getByLabel('Identity Server address').fill('http://tts.example.invalid');
  const confirm = form.getByRole('checkbox', { name: /plain HTTP/ });
  await expect(confirm).toBeVisible();
  await expect(confirm).not.toBeChecked();
  await expect(form.getByText(/unencrypted/i)).toBeVisible();

  // Unconfirmed: refused with the risk in words, and nothing sent.
  const asked = backend.transcript.length;
  await form.getByRole('button', { name: 'Check key' }).click();
  await expect(form.getByRole('alert')).toContainText('unencrypted');
  expect(backend.transcript.slice(asked).join('\n')).not.toMatch(/Connect to tts\.example\.invalid/);

  // Confirmed: the key is sent there (the host does not resolve: a connection failure, not a key problem).
  await confirm.check();
  await form.getByRole('button', { name: 'Check key' }).click();
  await expect(form.getByRole('status')).toContainText('Connect to tts.example.invalid');
  await expect(form.getByRole('status')).not.toContainText('Check the API key');

  // An https:// address needs nothing.
  await form.getByLabel('Identity Server address').fill('https://tts.example.invalid');
  await expect(form.getByRole('checkbox', { name: /plain HTTP/ })).toHaveCount(0);
});
