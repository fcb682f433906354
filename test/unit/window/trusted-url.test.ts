import { describe, expect, it } from 'vitest';
import { isOwnRendererUrl } from '../../../src-main/window/trusted-url';

describe('isOwnRendererUrl', () => {
  it('accepts our renderer page on app://, with any query or fragment', () => {
    expect(isOwnRendererUrl('app://renderer/index.html')).toBe(true);
    expect(isOwnRendererUrl('app://renderer/index.html#/runs')).toBe(true);
    expect(isOwnRendererUrl('app://renderer/index.html?x=1')).toBe(true);
  });

  it.each([
    // The page's old home: file:// is no longer trusted, wherever it points.
    'file:///opt/Stack%20Migrator/resources/app.asar/dist/renderer/index.html',
    'file:///tmp/index.html',
    'app://renderer/other.html',
    'app://renderer/assets/index.html',
    'app://renderer/',
    'app://elsewhere/index.html',
    'app://renderer.evil/index.html',
    'app://renderer:8080/index.html',
    'app://user@renderer/index.html',
    'https://renderer/index.html',
    'http://127.0.0.1:5173/',
    'devtools://devtools/bundled/devtools_app.html',
    'about:blank',
    '',
    'not a url',
  ])('refuses %j', (url) => {
    expect(isOwnRendererUrl(url)).toBe(false);
  });
});
