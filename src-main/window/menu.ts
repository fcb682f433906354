// The application menu as data (only electron types here): the usual entries per
// platform, and Help with the documentation and the log folder.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openLogFolder(): void;
  openDocs(url: string): void;
}

export const DOCS_URL = 'https://www.thethingsindustries.com/docs/';

export function buildMenuTemplate(opts: { platform: string; appName: string; devTools: boolean }, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: opts.appName,
      submenu: [
        { role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' },
        { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' },
      ],
    });
  }
  template.push({ label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] });
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
    ],
  });
  template.push({
    label: 'View',
    submenu: [
      ...(opts.devTools ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  });
  template.push({ label: 'Window', submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] });
  template.push({
    role: 'help',
    submenu: [
      { label: 'Migration guide', click: () => actions.openDocs(DOCS_URL) },
      { type: 'separator' },
      { label: 'Open log folder', click: () => actions.openLogFolder() },
    ],
  });
  return template;
}
