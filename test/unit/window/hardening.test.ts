import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents } from '../../../src-main/window/hardening';

type Listener = (event: { preventDefault(): void }, ...args: unknown[]) => void;

function fakeWebContents() {
  const listeners = new Map<string, Listener>();
  let windowOpenHandler: ((details: unknown) => unknown) | undefined;
  const contents = {
    on(name: string, listener: Listener) {
      listeners.set(name, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: unknown) => unknown) {
      windowOpenHandler = handler;
    },
  };
  const emit = (name: string) => {
    const event = { preventDefault: vi.fn() };
    listeners.get(name)?.(event, 'https://example.com/');
    return event;
  };
  return {
    contents: contents as unknown as WebContents,
    emit,
    openWindow: (url: string) => windowOpenHandler?.({ url }),
  };
}

describe('hardenWebContents', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'])('prevents %s', (name) => {
    const fake = fakeWebContents();
    hardenWebContents(fake.contents);
    expect(fake.emit(name).preventDefault).toHaveBeenCalledOnce();
  });

  it('denies every new window', () => {
    const fake = fakeWebContents();
    hardenWebContents(fake.contents);
    expect(fake.openWindow('https://example.com/')).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const handlers: {
      request?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
      check?: (...args: unknown[]) => boolean;
      headers?: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void;
    } = {};
    const session = {
      setPermissionRequestHandler: (handler: typeof handlers.request) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: typeof handlers.check) => (handlers.check = handler),
      webRequest: { onHeadersReceived: (handler: typeof handlers.headers) => (handlers.headers = handler) },
    };
    return { session: session as unknown as Session, handlers };
  }

  it('denies every permission request and check', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, "default-src 'self'");
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check?.({}, permission, 'file://', {})).toBe(false);
    }
  });

  it('adds the Content-Security-Policy to every response, keeping the other headers', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, "default-src 'self'");
    const callback = vi.fn();
    handlers.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': ["default-src 'self'"],
      },
    });
  });
});
