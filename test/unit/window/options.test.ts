import { describe, expect, it } from 'vitest';
import { createMainWindowOptions } from '../../../src-main/window/options';

describe('createMainWindowOptions', () => {
  const options = createMainWindowOptions({ preloadPath: '/app/dist/preload.cjs', devTools: false });
  const web = options.webPreferences ?? {};

  it('isolates the page from the preload world', () => {
    expect(web.contextIsolation).toBe(true);
  });

  it('runs the renderer in the OS sandbox', () => {
    expect(web.sandbox).toBe(true);
  });

  it('gives the page, its workers and its subframes no Node.js', () => {
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and refuses insecure content', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
  });

  it('allows no <webview>, experimental features or navigation by dropped files', () => {
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('loads the given preload script', () => {
    expect(web.preload).toBe('/app/dist/preload.cjs');
  });

  it('opens no developer tools in a packaged build, and allows them in development', () => {
    expect(web.devTools).toBe(false);
    expect(createMainWindowOptions({ preloadPath: '/a', devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('returns a fresh object each call, so callers cannot weaken a shared default', () => {
    const first = createMainWindowOptions({ preloadPath: '/a', devTools: false });
    const second = createMainWindowOptions({ preloadPath: '/a', devTools: false });
    expect(first).not.toBe(second);
    expect(first.webPreferences).not.toBe(second.webPreferences);
  });
});
