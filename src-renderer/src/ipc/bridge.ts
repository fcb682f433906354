// The renderer's only way to the main process: window.stackMigrator (the preload's bridge).
// Errors come back as data; here they become IpcFailure with the main process's words.
import type { EventChannel, EventOf, InvokeChannel, RequestOf, ResponseOf } from './types';

export class IpcFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'IpcFailure';
  }
}

const NO_BRIDGE =
  'Stack Migrator cannot reach its main process. Open the Stack Migrator app rather than this page in a browser.';

export function hasBridge(): boolean {
  return typeof window !== 'undefined' && window.stackMigrator !== undefined;
}

export async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const bridge = window.stackMigrator;
  if (!bridge) throw new IpcFailure('no-bridge', NO_BRIDGE);
  let result;
  try {
    result = await bridge.invoke(channel, request);
  } catch (_err) {
    throw new IpcFailure('internal', 'The main process did not answer. Try again; if it keeps failing, restart Stack Migrator.');
  }
  if (result?.ok) return result.data;
  const message = typeof result?.error?.message === 'string' && result.error.message.trim() !== ''
    ? result.error.message
    : 'Something went wrong in the main process.';
  throw new IpcFailure(result?.error?.code ?? 'internal', message);
}

export function subscribe<C extends EventChannel>(
  channel: C,
  listener: (payload: EventOf<C>) => void,
): () => void {
  const bridge = window.stackMigrator;
  if (!bridge) return () => {};
  return bridge.on(channel, listener);
}

/** Words for any failure, never raw JSON or a stack trace. */
export function messageOf(err: unknown): string {
  if (err instanceof IpcFailure) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
