// Electron glue: one window, the security baseline, nothing else yet.
import path from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { CONTENT_SECURITY_POLICY } from './window/csp';
import { hardenSession, hardenWebContents } from './window/hardening';
import { createMainWindowOptions } from './window/options';

let mainWindow: BrowserWindow | null = null;

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow(
    createMainWindowOptions({ preloadPath: path.join(__dirname, 'preload.cjs') }),
  );
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  void window.loadFile(path.join(__dirname, 'renderer', 'index.html'));
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every web contents, including any created later, gets the same handlers.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, CONTENT_SECURITY_POLICY);
    mainWindow = createMainWindow();
  });
}
