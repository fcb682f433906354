// The bridge of the e2e tests: the page's window.stackMigrator forwards to the REAL main-process
// handlers (src-main/ipc/handlers.ts) running here in Node, through the same dispatch
// chokepoint the app uses; events come back into the page in batches, in order.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { keytarSecretStore, type SecretStore } from '../../../src-main/credentials/secret-store';
import type { EventChannel, EventOf, InvokeChannel, IpcResult, RequestOf, ResponseOf } from '../../../src-main/ipc/contract';
import { dispatchInvoke } from '../../../src-main/ipc/dispatch';
import { createIpcHandlers } from '../../../src-main/ipc/handlers';

/** A keychain service of its own, so tests never touch the app's real entries. */
export const TEST_KEYCHAIN_SERVICE = 'org.stackmigrator.e2e-test';

export interface Backend {
  userDataDir: string;
  /** Keychain accounts written through this backend (deleted by close unless kept). */
  accounts: Set<string>;
  /** Files written through the (automatic) save dialog. */
  saved: string[];
  /** What the (automatic) open dialog answers: a file path, or undefined (cancelled). */
  openAnswer: { file?: string };
  /** Every IPC answer and event as JSON, to prove no secret crosses. */
  transcript: string[];
  /** Calls a handler as the page would (through dispatch). */
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Wires the page to these handlers; call before page.goto. */
  attach(page: Page): Promise<void>;
  /** Stops runs and lists; deletes the keychain entries made and the data folder unless `keep` (a "crash"). */
  close(opts?: { keep?: boolean }): Promise<void>;
}

declare global {
  interface Window {
    __smInvoke(channel: string, payload: unknown): Promise<unknown>;
    __smDeliver(batch: { channel: string; payload: unknown }[]): void;
  }
}

export async function startBackend(opts: { baseURL: string; userDataDir?: string; accounts?: Set<string> }): Promise<Backend> {
  const userDataDir = opts.userDataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'stack-migrator-e2e-')));
  const savedDir = path.join(userDataDir, 'saved');
  await mkdir(savedDir, { recursive: true });
  const keychain = keytarSecretStore(TEST_KEYCHAIN_SERVICE);
  const accounts = opts.accounts ?? new Set<string>();
  const secrets: SecretStore = {
    get: (account) => keychain.get(account),
    set: async (account, secret) => {
      accounts.add(account);
      await keychain.set(account, secret);
    },
    delete: (account) => keychain.delete(account),
    check: () => keychain.check(),
  };
  const saved: string[] = [];
  const openAnswer: { file?: string } = {};
  const transcript: string[] = [];
  const pages = new Set<Page>();
  let queue: { channel: string; payload: unknown }[] = [];
  let delivering: Promise<void> | undefined;

  // One delivery at a time; what piles up meanwhile goes in the next one, in order.
  const deliver = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      // As one JSON string: Playwright serializes a string much faster than a large object.
      const json = JSON.stringify(batch);
      for (const page of pages) {
        await page.evaluate((text) => window.__smDeliver?.(JSON.parse(text)), json).catch(() => undefined);
      }
    }
    delivering = undefined;
  };
  const emit = <C extends EventChannel>(channel: C, payload: EventOf<C>) => {
    transcript.push(JSON.stringify(payload));
    queue.push({ channel, payload });
    delivering ??= new Promise<void>((resolve) => setTimeout(resolve, 5)).then(deliver);
  };

  const { handlers, dispose } = createIpcHandlers({
    userDataDir,
    secrets,
    saveDialog: async ({ defaultName }) => {
      const file = path.join(savedDir, defaultName);
      saved.push(file);
      return file;
    },
    openExternal: async () => {},
    // The e2e "open" dialog picks the file a test put in `saved/` under this name (see openAnswer).
    openDialog: async () => openAnswer.file,
    emit,
    appVersion: '0.1.0-e2e',
    platform: process.platform,
    clientOptions: { backoff: { baseMs: 5, maxMs: 40 } },
  });
  const origin = new URL(opts.baseURL).origin;
  const trusted = (url: string) => {
    try {
      return new URL(url).origin === origin;
    } catch {
      return false;
    }
  };
  const dispatch = async (channel: unknown, payload: unknown, url: string) => {
    const result = await dispatchInvoke(handlers, channel, payload, { url }, trusted);
    transcript.push(JSON.stringify(result));
    return result;
  };

  return {
    openAnswer,
    userDataDir,
    accounts,
    saved,
    transcript,
    async invoke(channel, request) {
      const result = (await dispatch(channel, request, `${origin}/`)) as IpcResult<never>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.data;
    },
    async attach(page) {
      pages.add(page);
      page.on('close', () => pages.delete(page));
      await page.exposeBinding('__smInvoke', ({ frame }, channel: unknown, payload: unknown) => dispatch(channel, payload, frame.url()));
      await page.addInitScript(() => {
        const listeners = new Map<string, Set<(payload: unknown) => void>>();
        window.__smDeliver = (batch) => {
          for (const { channel, payload } of batch) {
            for (const listener of [...(listeners.get(channel) ?? [])]) {
              try {
                listener(payload);
              } catch (err) {
                console.error(err);
              }
            }
          }
        };
        const bridge = {
          invoke: (channel: string, request: unknown) => window.__smInvoke(channel, request),
          on: (channel: string, listener: (payload: unknown) => void) => {
            const set = listeners.get(channel) ?? new Set();
            set.add(listener);
            listeners.set(channel, set);
            return () => {
              set.delete(listener);
            };
          },
        };
        Object.defineProperty(window, 'stackMigrator', { value: Object.freeze(bridge), configurable: false });
      });
    },
    async close(closeOpts = {}) {
      await dispose();
      await delivering;
      if (closeOpts.keep) return;
      for (const account of accounts) await keychain.delete(account).catch(() => false);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
