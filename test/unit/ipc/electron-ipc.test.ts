import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { emitTo, registerIpcHandlers, senderUrl } from '../../../src-main/ipc/electron-ipc';
import { INVOKE_CHANNELS } from '../../../src-main/ipc/channels';
import { invokeChannels } from '../../../src-main/ipc/contract';
import type { Handlers } from '../../../src-main/ipc/handlers';

const PAGE = 'file:///app/dist/renderer/index.html';

function fakeIpcMain() {
  const registered = new Map<string, (event: unknown, payload: unknown) => unknown>();
  return {
    registered,
    handle: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => unknown) => registered.set(channel, listener)),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  };
}

const ourContents = { id: 1 } as unknown as WebContents;
const otherContents = { id: 2 } as unknown as WebContents;
const mainFrame = (url: string) => ({ url, parent: null });
const event = (sender: WebContents, frame: unknown) => ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

describe('registerIpcHandlers', () => {
  const handlers = Object.fromEntries(Object.keys(invokeChannels).map((c) => [c, vi.fn(async () => ({ connections: [] }))])) as unknown as Handlers;

  it('registers one handler per contract channel and removes them all', () => {
    const ipc = fakeIpcMain();
    const remove = registerIpcHandlers(ipc, handlers, { trustedContents: () => ourContents, isTrustedUrl: (u) => u === PAGE });
    expect([...ipc.registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    remove();
    expect(ipc.registered.size).toBe(0);
  });

  it('answers our own window’s main frame and refuses every other sender', async () => {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc, handlers, { trustedContents: () => ourContents, isTrustedUrl: (u) => u === PAGE });
    const listener = ipc.registered.get('connections:list')!;
    expect(await listener(event(ourContents, mainFrame(PAGE)), {})).toEqual({ ok: true, data: { connections: [] } });
    for (const e of [
      event(otherContents, mainFrame(PAGE)), // another window, even with our page
      event(ourContents, { url: PAGE, parent: { url: PAGE } }), // a subframe
      event(ourContents, null), // a frame already gone
      event(ourContents, mainFrame('https://evil.example/')),
    ]) {
      expect(await listener(e, {})).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
  });

  it('refuses everything when the window is gone', async () => {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc, handlers, { trustedContents: () => undefined, isTrustedUrl: () => true });
    expect(await ipc.registered.get('connections:list')!(event(ourContents, mainFrame(PAGE)), {})).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });
});

describe('senderUrl', () => {
  it('is the main frame’s URL for our contents only', () => {
    expect(senderUrl(event(ourContents, mainFrame(PAGE)), ourContents)).toBe(PAGE);
    expect(senderUrl(event(otherContents, mainFrame(PAGE)), ourContents)).toBe('');
  });
});

describe('emitTo', () => {
  it('sends events to the live window and drops them when it is gone', () => {
    const send = vi.fn();
    let destroyed = false;
    const emit = emitTo(() => ({ send, isDestroyed: () => destroyed }));
    const payload = { listId: 'l', total: 0, offset: 0, devices: [], done: true };
    emit('devices:page', payload);
    expect(send).toHaveBeenCalledWith('devices:page', payload);
    destroyed = true;
    emit('devices:page', payload);
    expect(send).toHaveBeenCalledOnce();
    expect(() => emitTo(() => undefined)('devices:page', payload)).not.toThrow();
  });
});
