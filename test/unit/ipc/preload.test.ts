// The preload with electron replaced by fakes: what the page gets is exactly
// { invoke, on }, typed by the contract, and no ipcRenderer.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bridge } from '../../../src-main/ipc/contract';

const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const invoke = vi.fn(async (channel: string, payload: unknown) => ({ ok: true, data: { channel, payload } }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, payload: unknown) => invoke(channel, payload),
    on: (channel: string, l: (event: unknown, payload: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (event: unknown, payload: unknown) => void) => listeners.get(channel)?.delete(l),
  },
}));

let bridge: Bridge;
beforeAll(async () => {
  await import('../../../src-main/preload');
  bridge = exposed.get('stackMigrator') as Bridge;
});

describe('preload bridge', () => {
  it('exposes one object, window.stackMigrator, with only invoke and on', () => {
    expect([...exposed.keys()]).toEqual(['stackMigrator']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('invokes a contract channel through ipcRenderer and returns the envelope', async () => {
    expect(await bridge.invoke('app:info', {})).toEqual({ ok: true, data: { channel: 'app:info', payload: {} } });
    expect(invoke).toHaveBeenCalledWith('app:info', {});
  });

  it('answers an unknown channel itself, without reaching the main process', async () => {
    invoke.mockClear();
    const result = await (bridge.invoke as (c: string, r: unknown) => Promise<unknown>)('electron:internal', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers event payloads without the IpcRendererEvent, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = bridge.on('run:progress', (payload) => got.push(payload));
    const sender = { secret: 'the event holds sender' };
    for (const l of listeners.get('run:progress') ?? []) l({ sender }, { runId: 'r', event: { type: 'notice' } });
    expect(got).toEqual([{ runId: 'r', event: { type: 'notice' } }]);
    off();
    expect(listeners.get('run:progress')?.size).toBe(0);
  });

  it('refuses to subscribe to channels outside the contract', () => {
    expect(() => (bridge.on as (c: string, l: () => void) => void)('ipc-internal', () => undefined)).toThrow(/Unknown event channel/);
    expect(listeners.has('ipc-internal')).toBe(false);
  });
});
