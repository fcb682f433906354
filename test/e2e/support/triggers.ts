// Helpers for the re-join trigger specs: plan every device of the workspace, and choose the
// trigger on the plan screen.
import { expect, type Page } from '@playwright/test';
import { sourceRow } from './ui';

/** Selects every source device and opens the plan of them; answers the Start button. */
export async function planAll(page: Page, devices: number, opts: { abpNewSession?: boolean } = {}) {
  await sourceRow(page, 'dev-00001').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.getByRole('button', { name: `Migrate ${devices.toLocaleString('en')} devices…` }).click();
  await expect(page.getByRole('heading', { name: 'Review the plan' })).toBeVisible();
  if (opts.abpNewSession) await page.getByRole('radio', { name: /New session — re-program the devices/ }).check();
  const start = page.getByRole('button', { name: /^Start migration of [\d,]+ devices?…?$/ });
  await expect(start).toBeEnabled({ timeout: 30_000 });
  return start;
}

/** Turns the re-join trigger on, with a wait in seconds; returns once the plan is made with it. */
export async function chooseTrigger(page: Page, waitSeconds: number): Promise<void> {
  await page.getByRole('checkbox', { name: /Trigger the re-join with a downlink/ }).check();
  await page.getByLabel('Wait unit').selectOption('seconds');
  await page.getByLabel('Wait time').fill(String(waitSeconds));
  await expect(page.getByRole('button', { name: /^Start migration/ })).toBeEnabled({ timeout: 30_000 });
}

/** The number a summary tile shows. */
export async function tileCount(page: Page, testId: string): Promise<number> {
  return Number(((await page.getByTestId(testId).locator('.tile-n').textContent()) ?? '').replace(/[^0-9]/g, ''));
}

/** The id of the plan the page shows last (from main's answers), to call main directly. */
export function lastPlanId(transcript: readonly string[]): string | undefined {
  for (let i = transcript.length - 1; i >= 0; i--) {
    const entry = transcript[i] as string;
    if (!entry.includes('"planId"')) continue;
    const id = (JSON.parse(entry) as { data?: { plan?: { planId?: string } } }).data?.plan?.planId;
    if (id) return id;
  }
  return undefined;
}

/** A device's progress row once its state is filtered in view. */
export const progressRow = (page: Page, id: string) => page.getByTestId('progress-rows').locator(`[data-device-id="${id}"]`);

/** HH:MM:SS as the progress shows step times. */
export const CLOCK = /\d{2}:\d{2}:\d{2}/;
