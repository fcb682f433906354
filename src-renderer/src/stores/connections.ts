// Connections as main knows them (never with their keys), and the app's facts.
// API keys pass through the actions below straight to main; no store ever holds one.
import { create } from 'zustand';
import { call, messageOf } from '../ipc/bridge';
import type { ConnectionInfo, Preset, ResponseOf } from '../ipc/types';

interface ConnectionsState {
  loaded: boolean;
  loadError?: string;
  connections: ConnectionInfo[];
  app?: ResponseOf<'app:info'>;
  load(): Promise<void>;
  /** Checks a key without saving it. */
  test(preset: Preset, apiKey: string): Promise<ResponseOf<'connections:test'>>;
  add(request: { name: string; preset: Preset; apiKey: string; applicationId?: string }): Promise<ConnectionInfo>;
  replaceKey(id: string, apiKey: string): Promise<ConnectionInfo>;
  remove(id: string): Promise<void>;
  /** Adds or refreshes connections main created (the demo workspace). */
  upsert(...connections: ConnectionInfo[]): void;
}

export const useConnections = create<ConnectionsState>((set, get) => ({
  loaded: false,
  connections: [],
  async load() {
    try {
      const [app, list] = await Promise.all([call('app:info', {}), call('connections:list', {})]);
      set({ app, connections: list.connections, loaded: true, loadError: undefined });
    } catch (err) {
      set({ loaded: true, loadError: messageOf(err) });
    }
  },
  test: (preset, apiKey) => call('connections:test', { preset, apiKey }),
  async add(request) {
    const { connection } = await call('connections:add', request);
    get().upsert(connection);
    return connection;
  },
  async replaceKey(id, apiKey) {
    const { connection } = await call('connections:update', { id, apiKey });
    get().upsert(connection);
    return connection;
  },
  async remove(id) {
    await call('connections:remove', { id });
    set({ connections: get().connections.filter((c) => c.id !== id) });
  },
  upsert(...added) {
    const byId = new Map(get().connections.map((c) => [c.id, c]));
    for (const c of added) byId.set(c.id, c);
    set({ connections: [...byId.values()] });
  },
}));

export const connectionById = (connections: readonly ConnectionInfo[], id: string | undefined) =>
  id === undefined ? undefined : connections.find((c) => c.id === id);
