// The handlers keep their promises when the window does not: an emit that throws does not
// break a run, and dispose() stops runs and the demo cleanly (what quitting the app does).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIpcHandlers } from '../../../src-main/ipc/handlers';
import type { EventOf } from '../../../src-main/ipc/contract';
import { migrationOptionsSchema, type MigrationOptionsInput } from '../../../src-main/migration/options';
import { createLogger } from '../../../src-main/logging';
import type { SecretStore } from '../../../src-main/credentials';

// Demo connections never touch the keychain: a store that refuses everything proves it.
const refuse = async (): Promise<never> => {
  throw new Error('the keychain must not be used');
};
const noKeychain: SecretStore = { get: refuse, set: refuse, delete: refuse, check: async () => ({ available: false, message: 'none' }) };

const waitUntil = async (cond: () => boolean, timeoutMs = 20_000) => {
  const until = Date.now() + timeoutMs;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

/** Handlers over a demo whose progress events all throw (a window that is gone); device pages are kept. */
async function demoWithBrokenWindow(devices: number) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sm-res-'));
  const logger = createLogger({ dir: join(userDataDir, 'logs') });
  const pages: EventOf<'devices:page'>[] = [];
  const { handlers, dispose } = createIpcHandlers({
    userDataDir, secrets: noKeychain, saveDialog: async () => undefined, openDialog: async () => undefined, openExternal: async () => undefined, appVersion: 't', platform: 'linux', logger,
    emit: (channel, payload) => {
      if (channel === 'devices:page') pages.push(payload as EventOf<'devices:page'>);
      else throw new Error('window gone');
    },
  });
  const demo = await handlers['demo:start']({ devices });
  const { listId } = await handlers['devices:list']({ connectionId: demo.source.id, applicationId: demo.sourceApplicationId });
  await waitUntil(() => pages.some((p) => p.listId === listId && p.done));
  const ids = pages.flatMap((p) => p.devices.map((d) => d.id));
  const plan = async (options: MigrationOptionsInput) => (await handlers['plan:create']({
    source: { connectionId: demo.source.id, applicationId: demo.sourceApplicationId },
    target: { connectionId: demo.target.id, applicationId: demo.targetApplicationId },
    // Handlers take parsed requests (dispatch parses): defaults applied here.
    deviceIds: ids, options: migrationOptionsSchema.parse({ generateKeysForExternalJoinServer: true, abpMode: 'new-session', ...options }),
  })).plan;
  return { handlers, dispose, logger, ids, plan };
}

describe('resilience', () => {
  it('an emit that throws does not break a run; the failures are logged', async () => {
    const { handlers, dispose, logger, plan } = await demoWithBrokenWindow(8);
    try {
      const { run } = await handlers['run:start']({ planId: (await plan({})).planId });
      expect(await waitUntil(() => existsSync(join(run.runDir, 'report.json')))).toBe(true);
      expect(readFileSync(logger.path, 'utf8')).toMatch(/event run:progress not delivered/);
    } finally {
      await dispose();
    }
  });

  it('dispose cancels a running run, stops the demo, and can be called twice', async () => {
    const { handlers, dispose, ids, plan } = await demoWithBrokenWindow(60);
    const { run } = await handlers['run:start']({ planId: (await plan({})).planId, concurrency: 1 });
    await dispose();
    await dispose();
    const journal = readFileSync(join(run.runDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { s?: string; d?: string });
    // Stopped well before the end: most devices were never started.
    expect(new Set(journal.filter((r) => r.d).map((r) => r.d)).size).toBeLessThan(ids.length);
    expect((await handlers['connections:list']({})).connections).toEqual([]);
  });
});
