import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, DOCS_URL } from '../../../src-main/window/menu';
import { documentationUrl } from '../../../src-main/ipc/app';

const items = (m: MenuItemConstructorOptions) => (Array.isArray(m.submenu) ? m.submenu : []);
const labels = (t: MenuItemConstructorOptions[]) => t.map((m) => m.label ?? m.role);

describe('application menu', () => {
  const actions = () => ({ openLogFolder: vi.fn(), openDocs: vi.fn() });

  it('has the usual entries on Windows and Linux', () => {
    const t = buildMenuTemplate({ platform: 'linux', appName: 'Stack Migrator', devTools: false }, actions());
    expect(labels(t)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    expect(items(t[0]!).map((i) => i.role)).toEqual(['quit']);
    expect(items(t[1]!).map((i) => i.role)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
  });

  it('has the app menu first on macOS', () => {
    const t = buildMenuTemplate({ platform: 'darwin', appName: 'Stack Migrator', devTools: false }, actions());
    expect(labels(t)[0]).toBe('Stack Migrator');
    expect(items(t[0]!).map((i) => i.role)).toEqual(expect.arrayContaining(['about', 'hide', 'quit']));
  });

  it('offers developer tools only when asked (unpackaged builds)', () => {
    const roles = (devTools: boolean) => items(buildMenuTemplate({ platform: 'linux', appName: 'x', devTools }, actions())[2]!).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it.each(['linux', 'win32', 'darwin'])('has no way to the developer tools in a packaged build on %s', (platform) => {
    const all = (t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => t.flatMap((m) => [m, ...all(items(m))]);
    const entries = all(buildMenuTemplate({ platform, appName: 'x', devTools: false }, actions()));
    expect(entries.map((i) => i.role?.toLowerCase())).not.toContain('toggledevtools');
    expect(entries.filter((i) => /dev\s*tools|inspect/i.test(`${i.label ?? ''} ${String(i.accelerator ?? '')}`))).toEqual([]);
  });

  it('Help → Open log folder and the guide call their actions', () => {
    const a = actions();
    const help = buildMenuTemplate({ platform: 'linux', appName: 'x', devTools: false }, a).at(-1)!;
    const byLabel = new Map(items(help).map((i) => [i.label, i]));
    (byLabel.get('Open log folder')!.click as () => void)();
    expect(a.openLogFolder).toHaveBeenCalledOnce();
    (byLabel.get('Migration guide')!.click as () => void)();
    expect(a.openDocs).toHaveBeenCalledWith(DOCS_URL);
    expect(documentationUrl(DOCS_URL)).toBe(DOCS_URL);
  });
});
