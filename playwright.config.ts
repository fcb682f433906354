import { defineConfig } from '@playwright/test';

// vite preview serves dist/renderer (run `npm run build` first; npm test does).
// npm test picks a free port and passes it as E2E_PORT.
const PORT = Number(process.env.E2E_PORT ?? 41731);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'test/e2e',
  // Playwright empties outputDir at start; screenshots we keep go to test-output/.
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  timeout: 30_000,
  reporter: 'list',
  use: {
    baseURL: BASE_URL,
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The page needs no D-Bus; without this Chromium activates the accessibility bus
      // on the test run's private session bus, which only adds noise.
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:' },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'chromium', testDir: 'test/e2e' },
    // Launches the real app; skips itself where no Electron binary is installed.
    { name: 'electron', testDir: 'test/electron' },
  ],
  webServer: {
    command: `node node_modules/vite/bin/vite.js preview --config vite.config.mts --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
