// The workspace, opened the short way: two simulators, both connections added through the
// handlers (keys into the test keychain), the page on the workspace with both chosen.
import { expect, type Page } from '@playwright/test';
import { startBackend, type Backend } from './backend';
import type { SeedOptions } from '../../../src-main/sim/index';
import { startSimPair, type SimPair } from './sims';

export async function openWorkspace(
  page: Page,
  baseURL: string,
  devices: number,
  viewport = { width: 1440, height: 900 },
  seed: SeedOptions = { mix: 'otaa' },
): Promise<{ sims: SimPair; backend: Backend }> {
  const sims = await startSimPair({ devices, seed });
  const backend = await startBackend({ baseURL });
  for (const [name, side] of [['Community Edition (simulated)', sims.source], ['Cloud (simulated)', sims.target]] as const) {
    await backend.invoke('connections:add', { name, preset: { kind: 'custom', isUrl: side.sim.url, clusterUrl: side.sim.url }, apiKey: side.apiKey });
  }
  await backend.attach(page);
  await page.setViewportSize(viewport);
  await page.goto('/');
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await expect(page.getByTestId('source-count')).toHaveText(`${devices} devices`);
  return { sims, backend };
}
