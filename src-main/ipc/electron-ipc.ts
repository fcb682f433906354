// Wiring of the handlers onto Electron's ipcMain, and of events onto the window's
// webContents. Only types come from electron, so this is tested with fakes.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventChannel, EventOf } from './contract.js';
import { INVOKE_CHANNELS } from './channels.js';
import { dispatchInvoke } from './dispatch.js';
import type { Handlers } from './handlers.js';

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

export interface RegisterOptions {
  /** The web contents whose main frame may call (the main window's), if any. */
  trustedContents(): WebContents | undefined;
  isTrustedUrl(url: string): boolean;
  onUnexpectedError?(channel: string, err: unknown): void;
}

/** The URL the request came from, or '' unless it is the main frame of our own window. */
export function senderUrl(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, trusted: WebContents | undefined): string {
  if (!trusted || event.sender !== trusted) return '';
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return '';
  return frame.url;
}

/** Registers one ipcMain handler per invoke channel; returns a function that removes them. */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Handlers, opts: RegisterOptions): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      dispatchInvoke(handlers, channel, payload, { url: senderUrl(event, opts.trustedContents()) }, opts.isTrustedUrl, opts.onUnexpectedError),
    );
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** deps.emit for the app: to the window's page if it is still there. */
export function emitTo(contents: () => Pick<WebContents, 'send' | 'isDestroyed'> | undefined) {
  return <C extends EventChannel>(channel: C, payload: EventOf<C>): void => {
    const target = contents();
    if (target && !target.isDestroyed()) target.send(channel, payload);
  };
}
