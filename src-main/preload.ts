// The only bridge between the page and the main process. The page gets two
// functions, never ipcRenderer itself. The typed contract (src-main/ipc/)
// narrows channel and payload later.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

interface StackMigratorBridge {
  invoke(channel: string, payload?: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

const bridge: StackMigratorBridge = {
  invoke(channel, payload) {
    return ipcRenderer.invoke(channel, payload);
  },
  on(channel, listener) {
    // Wrap the listener so the page never sees the IpcRendererEvent (it holds `sender`).
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('stackMigrator', bridge);
