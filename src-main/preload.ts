// The only bridge between the page and the main process: `window.stackMigrator` with
// invoke (by channel, answered with the typed envelope) and on (events, with an
// unsubscribe function) — never ipcRenderer itself, and only the contract's channels.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge, EventChannel, EventOf, IpcResult } from './ipc/contract';
import { isListedEventChannel, isListedInvokeChannel } from './ipc/channels';

const bridge: Bridge = {
  invoke(channel, request) {
    if (!isListedInvokeChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `Unknown channel ${JSON.stringify(String(channel))}.` } }) as never;
    }
    return ipcRenderer.invoke(channel, request) as Promise<IpcResult<never>>;
  },
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void) {
    if (!isListedEventChannel(channel)) throw new Error(`Unknown event channel ${JSON.stringify(String(channel))}.`);
    // Wrap the listener so the page never sees the IpcRendererEvent (it holds `sender`).
    const forward = (_event: IpcRendererEvent, payload: EventOf<C>) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('stackMigrator', bridge);
