// Electron glue: one window with the security baseline, its page served from app://, the
// IPC handlers behind the sender check, the log file, the menu. Everything it wires is
// plain Node code tested elsewhere.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import { createLogger, logUncaughtErrors, type Logger } from './logging/index.js';
import { keytarSecretStore } from './credentials/secret-store.js';
import { createIpcHandlers } from './ipc/handlers.js';
import { emitTo, registerIpcHandlers } from './ipc/electron-ipc.js';
import { documentationUrl } from './ipc/app.js';
import { CONTENT_SECURITY_POLICY } from './window/csp';
import { hardenSession, hardenWebContents } from './window/hardening';
import { createMainWindowOptions } from './window/options';
import { createRendererRequestHandler, RENDERER_INDEX_URL, RENDERER_SCHEME } from './window/renderer-protocol';
import { isOwnRendererUrl } from './window/trusted-url';
import { loadWindowState, saveWindowState, visibleBounds, WINDOW_STATE_FILE } from './window/state';
import { buildMenuTemplate } from './window/menu';

// The same folder the CLI uses (run-dir.ts userDataDir), and a way for tests to isolate it.
if (process.env.STACK_MIGRATOR_DATA_DIR) app.setPath('userData', process.env.STACK_MIGRATOR_DATA_DIR);

// The page is served from app://renderer/ (its files: dist/renderer). The scheme's
// privileges must be registered before 'ready'.
const RENDERER_DIR = path.join(__dirname, 'renderer');
protocol.registerSchemesAsPrivileged([RENDERER_SCHEME]);
// Developer tools (web preference and menu) only when running from the source tree.
const DEV_TOOLS = !app.isPackaged;
let mainWindow: BrowserWindow | null = null;
let log: Logger | undefined;

function createMainWindow(): BrowserWindow {
  const statePath = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  const remembered = visibleBounds(loadWindowState(statePath), screen.getAllDisplays().map((d) => d.workArea));
  const options = createMainWindowOptions({ preloadPath: path.join(__dirname, 'preload.cjs'), devTools: DEV_TOOLS });
  const window = new BrowserWindow(remembered ? { ...options, x: remembered.x, y: remembered.y, width: remembered.width, height: remembered.height } : options);
  if (remembered?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const b = window.getNormalBounds();
    try {
      saveWindowState(statePath, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: window.isMaximized() });
    } catch (err) {
      log?.warn('window state not saved', err);
    }
  });
  window.on('closed', () => {
    mainWindow = null;
  });
  void window.loadURL(RENDERER_INDEX_URL);
  return window;
}

function openDocs(url: string) {
  const href = documentationUrl(url);
  if (href) void shell.openExternal(href);
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
    const userData = app.getPath('userData');
    const logger = (log = createLogger({ dir: path.join(userData, 'logs') }));
    logUncaughtErrors(logger);
    logger.info(`Stack Migrator ${app.getVersion()} starting on ${process.platform}`);

    const { handlers, dispose } = createIpcHandlers({
      userDataDir: userData,
      secrets: keytarSecretStore(),
      logger,
      appVersion: app.getVersion(),
      platform: process.platform,
      emit: emitTo(() => mainWindow?.webContents),
      openExternal: (url) => shell.openExternal(url),
      saveDialog: async ({ defaultName, filters }) => {
        const options = { defaultPath: path.join(app.getPath('documents'), defaultName), filters };
        const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return result.canceled ? undefined : result.filePath;
      },
      openDialog: async ({ filters }) => {
        const options = { defaultPath: app.getPath('documents'), filters, properties: ['openFile' as const] };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return result.canceled ? undefined : result.filePaths[0];
      },
    });
    registerIpcHandlers(ipcMain, handlers, {
      trustedContents: () => mainWindow?.webContents,
      isTrustedUrl: isOwnRendererUrl,
      onUnexpectedError: (channel, err) => logger.error(`handler ${channel} failed`, err),
    });

    // Runs in flight are cancelled (rolled back where not yet verified) before quitting.
    let disposed = false;
    app.on('before-quit', (event) => {
      if (disposed) return;
      event.preventDefault();
      disposed = true;
      void dispose().catch((err: unknown) => logger.error('shutdown', err)).finally(() => app.quit());
    });

    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(
      { platform: process.platform, appName: app.getName(), devTools: DEV_TOOLS },
      { openLogFolder: () => void shell.openPath(logger.dir), openDocs },
    )));
    hardenSession(session.defaultSession, CONTENT_SECURITY_POLICY);
    protocol.handle(RENDERER_SCHEME.scheme, createRendererRequestHandler({ rootDir: RENDERER_DIR, contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
    mainWindow = createMainWindow();
  });
}
