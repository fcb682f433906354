import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState, visibleBounds } from '../../../src-main/window/state';

const file = () => join(mkdtempSync(join(tmpdir(), 'sm-win-')), 'window-state.json');
const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state', () => {
  it('round-trips size, position and maximized, owner-only', () => {
    const path = file();
    saveWindowState(path, { x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(loadWindowState(path)).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.each([['missing', undefined], ['not JSON', '{'], ['absurd size', JSON.stringify({ x: 0, y: 0, width: 5, height: 5 })], ['wrong types', JSON.stringify({ x: '0' })]])(
    'is ignored when %s', (_what, text) => {
      const path = file();
      if (text !== undefined) writeFileSync(path, text);
      expect(loadWindowState(path)).toBeUndefined();
    },
  );

  it('keeps bounds whose title bar is on a screen', () => {
    const s = { x: 100, y: 100, width: 1000, height: 700, maximized: false };
    expect(visibleBounds(s, [screen])).toEqual(s);
  });

  it('drops bounds left on a screen that is gone', () => {
    expect(visibleBounds({ x: 2500, y: 100, width: 1000, height: 700, maximized: false }, [screen])).toBeUndefined();
    expect(visibleBounds({ x: 100, y: -600, width: 1000, height: 700, maximized: false }, [screen])).toBeUndefined();
    expect(visibleBounds({ x: 2500, y: 100, width: 1000, height: 700, maximized: false }, [screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toBeDefined();
  });

  it('has nothing to offer without a saved state', () => {
    expect(visibleBounds(undefined, [screen])).toBeUndefined();
  });
});
