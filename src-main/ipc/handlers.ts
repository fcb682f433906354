// Every invoke channel of the contract as a plain async function over plain dependencies:
// no electron here, so the same handlers run in the app, in tests and behind Playwright.
import type { z } from 'zod';
import type { ClientOptions } from '../stack/client.js';
import type { SecretStore } from '../credentials/secret-store.js';
import { silentLogger, type Logger } from '../logging/log-file.js';
import type { EventChannel, EventOf, InvokeChannel, invokeChannels, ResponseOf } from './contract.js';
import { ConnectionRegistry } from './connection-registry.js';
import { appHandlers } from './app.js';
import { connectionHandlers } from './connections.js';
import { applicationHandlers } from './applications.js';
import { DeviceLists, deviceHandlers } from './devices.js';
import { planHandlers, PlanStore } from './plans.js';
import { RunRegistry } from './run-registry.js';
import { runHandlers } from './runs.js';
import { unfinishedRunHandlers } from './unfinished-runs.js';
import { reportHandlers } from './reports.js';
import { DemoWorkspaceHolder, demoHandlers } from './demo.js';
import { triggerHandlers } from './triggers.js';
import { arrivalHandlers } from './arrivals.js';
import { gatewayHandlers } from './gateways.js';

export interface HandlerDeps {
  userDataDir: string;
  secrets: SecretStore;
  saveDialog(opts: { defaultName: string; filters: { name: string; extensions: string[] }[] }): Promise<string | undefined>;
  /** The file the user picks to open (undefined: cancelled). */
  openDialog(opts: { filters: { name: string; extensions: string[] }[] }): Promise<string | undefined>;
  openExternal(url: string): Promise<void>;
  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void;
  appVersion: string;
  platform: string;
  /** Optional: HTTP client tuning (tests use short back-offs). */
  clientOptions?: ClientOptions;
  /** Optional: where the handlers log (the app's log file); silent by default. */
  logger?: Logger;
  /** Optional: devices per page of a device list (default 1000, the server's maximum). */
  devicePageSize?: number;
}

export type Handler<C extends InvokeChannel> = (request: z.output<(typeof invokeChannels)[C]['request']>) => Promise<ResponseOf<C>>;
export type HandlersOf<K extends InvokeChannel> = { [C in K]: Handler<C> };
export type Handlers = HandlersOf<InvokeChannel>;

/** What the handler modules share. */
export interface HandlerContext {
  deps: HandlerDeps;
  log: Logger;
  connections: ConnectionRegistry;
  lists: DeviceLists;
  plans: PlanStore;
  runs: RunRegistry;
  demo: DemoWorkspaceHolder;
  /** Work to stop when the handlers are disposed (the app quits), besides device runs and lists. */
  disposers: (() => Promise<void>)[];
}

export function createIpcHandlers(given: HandlerDeps): { handlers: Handlers; dispose(): Promise<void> } {
  const log = given.logger ?? silentLogger;
  // A window that went away must not break a run: events are fire-and-forget.
  const deps: HandlerDeps = {
    ...given,
    emit: (channel, payload) => {
      try {
        given.emit(channel, payload);
      } catch (err) {
        log.warn(`event ${channel} not delivered`, err);
      }
    },
  };
  const connections = new ConnectionRegistry(deps.userDataDir, deps.secrets, deps.clientOptions);
  const ctx: HandlerContext = {
    deps, log, connections,
    lists: new DeviceLists(),
    plans: new PlanStore(),
    runs: new RunRegistry(deps, log),
    demo: new DemoWorkspaceHolder(),
    disposers: [],
  };
  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...connectionHandlers(ctx),
    ...applicationHandlers(ctx),
    ...deviceHandlers(ctx),
    ...planHandlers(ctx),
    ...runHandlers(ctx),
    ...unfinishedRunHandlers(ctx),
    ...reportHandlers(ctx),
    ...demoHandlers(ctx),
    ...triggerHandlers(ctx),
    ...arrivalHandlers(ctx),
    ...gatewayHandlers(ctx),
  };
  let disposed: Promise<void> | undefined;
  return {
    handlers,
    dispose: () =>
      (disposed ??= (async () => {
        ctx.lists.abortAll();
        await ctx.runs.stopAll();
        await Promise.all(ctx.disposers.map((d) => d()));
        await ctx.demo.stop(ctx);
      })()),
  };
}
