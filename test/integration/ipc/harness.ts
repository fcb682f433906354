// The handlers as the renderer's tests use them: plain Node, a temporary user-data folder,
// the real keychain under a test-only service name, a save dialog answering a temp path,
// and every event recorded (and checked against the contract).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { keytarSecretStore } from '../../../src-main/credentials';
import { createLogger } from '../../../src-main/logging/log-file';
import { createIpcHandlers, type HandlerDeps } from '../../../src-main/ipc/handlers';
import { dispatchInvoke } from '../../../src-main/ipc/dispatch';
import { eventChannels, type EventChannel, type EventOf, type InvokeChannel, type IpcResult, type RequestOf, type ResponseOf } from '../../../src-main/ipc/contract';
import { startSimulator, type Simulator } from '../../../src-main/sim/index';

export const PAGE_URL = 'file:///stack-migrator/dist/renderer/index.html';
const keytar = createRequire(__filename)('keytar') as {
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

export interface RecordedEvent<C extends EventChannel = EventChannel> {
  channel: C;
  payload: EventOf<C>;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(opts: { userDataDir?: string; service?: string; devicePageSize?: number; /** The app's log file, in this folder. */ logDir?: string } = {}) {
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'sm-ipc-'));
  const service = opts.service ?? `org.stackmigrator.test.${randomBytes(4).toString('hex')}`;
  const outDir = mkdtempSync(join(tmpdir(), 'sm-ipc-out-'));
  const events: RecordedEvent[] = [];
  const badEvents: string[] = [];
  const results: unknown[] = [];
  const dialog = { answer: join(outDir, 'saved') as string | undefined, open: undefined as string | undefined };
  const saveDialog = vi.fn<HandlerDeps['saveDialog']>(async () => dialog.answer);
  const openExternal = vi.fn<HandlerDeps['openExternal']>(async () => undefined);
  const openDialog = vi.fn<HandlerDeps['openDialog']>(async () => dialog.open);
  const { handlers, dispose } = createIpcHandlers({
    userDataDir, secrets: keytarSecretStore(service), saveDialog, openDialog, openExternal,
    emit: (channel, payload) => {
      const parsed = eventChannels[channel].safeParse(payload);
      if (!parsed.success) badEvents.push(`${channel}: ${parsed.error.message}`);
      events.push({ channel, payload } as RecordedEvent);
    },
    appVersion: '0.0.0-test', platform: process.platform,
    clientOptions: { backoff: { baseMs: 5, maxMs: 50 } },
    ...(opts.devicePageSize ? { devicePageSize: opts.devicePageSize } : {}),
    ...(opts.logDir ? { logger: createLogger({ dir: opts.logDir }) } : {}),
  });

  async function invoke(channel: unknown, payload: unknown, url = PAGE_URL): Promise<IpcResult<unknown>> {
    const result = await dispatchInvoke(handlers, channel, payload, { url }, (u) => u === PAGE_URL);
    results.push(result);
    return result;
  }

  /** Invokes and returns the data; fails with the envelope's error otherwise. */
  async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await invoke(channel, request);
    if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
    return result.data as ResponseOf<C>;
  }

  const eventsOf = <C extends EventChannel>(channel: C) => events.filter((e) => e.channel === channel).map((e) => e.payload as EventOf<C>);

  /** Waits until `cond` holds; `between` runs before each look (a poll). */
  async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000, between?: () => Promise<void>) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await between?.();
      if (cond()) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, between ? 200 : 20));
    }
  }

  return {
    userDataDir, service, outDir, handlers, events, badEvents, results, dialog, saveDialog, openExternal,
    invoke, call, eventsOf, waitFor,
    keychainAccounts: async () => (await keytar.findCredentials(service)).map((c) => c.account).sort(),
    keychainSecret: async (account: string) => (await keytar.findCredentials(service)).find((c) => c.account === account)?.password,
    connectionsFile: () => {
      try {
        return readFileSync(join(userDataDir, 'connections.json'), 'utf8');
      } catch {
        return undefined;
      }
    },
    runFolders: () => {
      try {
        return readdirSync(join(userDataDir, 'runs'));
      } catch {
        return [];
      }
    },
    dispose,
    /** Disposes the handlers; `keep` leaves the folder and keychain for a "restarted" harness. */
    async close(keep = false) {
      await dispose();
      if (keep) return;
      for (const c of await keytar.findCredentials(service)) await keytar.deletePassword(service, c.account);
      rmSync(userDataDir, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** One simulated deployment with an application, devices and keys. */
export async function startDeployment(opts: { app?: string; devices?: number; seed?: number; mix?: 'mixed' | 'otaa' | 'abp'; devAddrPrefix?: string; latencyMs?: number } = {}) {
  const sim: Simulator = await startSimulator({ devAddrPrefix: opts.devAddrPrefix ?? '260B0000/16', adminRoutes: true, ...(opts.latencyMs ? { faults: { latencyMs: opts.latencyMs } } : {}) });
  const app = opts.app ?? 'fleet-app';
  sim.addApplication(app, { name: `Application ${app}` });
  if (opts.devices) sim.seedDevices(app, opts.devices, { seed: opts.seed ?? 3, mix: opts.mix ?? 'mixed' });
  return {
    sim, app,
    key: (rights: string[] = ['RIGHT_APPLICATION_ALL']) => sim.createApiKey(app, rights),
    preset: { kind: 'custom' as const, isUrl: sim.url, clusterUrl: sim.url },
  };
}
export type Deployment = Awaited<ReturnType<typeof startDeployment>>;
