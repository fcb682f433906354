import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY_META } from '../../src-main/window/csp';
import { IPC_CONTRACT_VERSION } from '../../src-main/ipc/contract';
import { RENDERER_INDEX_URL, RENDERER_ORIGIN } from '../../src-main/window/renderer-protocol';

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
  // A user-data folder of its own: no connection, run or window state of a real install.
  const userData = mkdtempSync(path.join(tmpdir(), 'sm-electron-'));
  const app = await electron.launch({
    executablePath: electronBinary,
    args: [...(runningAsRoot ? ['--no-sandbox'] : []), path.join(ROOT, 'dist', 'main.cjs')],
    env: { ...process.env, STACK_MIGRATOR_DATA_DIR: userData },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Stack Migrator' })).toBeVisible();

    // Served from the app:// scheme (with the policy as a header), not from file://.
    expect(window.url()).toBe(RENDERER_INDEX_URL);
    expect(await window.evaluate(() => ({ origin: location.origin, secure: isSecureContext }))).toEqual({
      origin: RENDERER_ORIGIN,
      secure: true,
    });
    // Nothing outside dist/renderer is served: build/icon.png is a real image two levels up.
    const escaped = await window.evaluate(async () => {
      const img = document.createElement('img');
      img.src = './..%2f..%2fbuild%2ficon.png';
      return new Promise<boolean>((resolve) => {
        img.onload = () => resolve(true);
        img.onerror = () => resolve(false);
        document.body.appendChild(img);
      });
    });
    expect(escaped).toBe(false);

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

    // The bridge reaches the main process through the typed envelope.
    type Invoke = (channel: string, request: unknown) => Promise<{ ok: boolean; data?: { contractVersion?: number }; error?: { code: string } }>;
    const info = await window.evaluate(() => (globalThis as unknown as { stackMigrator: { invoke: Invoke } }).stackMigrator.invoke('app:info', {}));
    expect(info).toMatchObject({ ok: true, data: { contractVersion: IPC_CONTRACT_VERSION } });
    const invalid = await window.evaluate(() => (globalThis as unknown as { stackMigrator: { invoke: Invoke } }).stackMigrator.invoke('connections:remove', { id: 42 }));
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    // The policy is enforced, not only declared: inline script does not run.
    const inlineRan = await window.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = '(globalThis).__inlineRan = true';
      document.head.appendChild(s);
      return (globalThis as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);

    // The log file is in the user-data folder.
    expect(existsSync(path.join(userData, 'logs', 'main.log'))).toBe(true);
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
