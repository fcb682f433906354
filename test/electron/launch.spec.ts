import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY_META } from '../../src-main/window/csp';

const ROOT = path.resolve(__dirname, '../..');

// Finds the binary the way the electron package does, without require('electron'),
// which tries to download it when it is missing.
function findElectronBinary(): string | undefined {
  const packageDir = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const electronBinary = findElectronBinary();

test('the packaged main process opens a locked-down window', async () => {
  test.skip(
    electronBinary === undefined,
    'Electron binary not installed on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD); launch test runs where Electron exists',
  );
  const runningAsRoot = process.getuid?.() === 0;
  const app = await electron.launch({
    executablePath: electronBinary,
    args: [...(runningAsRoot ? ['--no-sandbox'] : []), path.join(ROOT, 'dist', 'main.cjs')],
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Stack Migrator' })).toBeVisible();

    const bridgeKeys = await window.evaluate(() =>
      Object.keys((globalThis as { stackMigrator?: object }).stackMigrator ?? {}).sort(),
    );
    expect(bridgeKeys).toEqual(['invoke', 'on']);

    const nodeGlobals = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(nodeGlobals).toEqual({ require: 'undefined', process: 'undefined' });

    await expect(window.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
      'content',
      CONTENT_SECURITY_POLICY_META,
    );
  } finally {
    await app.close();
  }
});
