import { describe, expect, it } from 'vitest';
import { ownRendererUrlCheck } from '../../../src-main/window/trusted-url';

describe('ownRendererUrlCheck', () => {
  const isOurs = ownRendererUrlCheck('/opt/Stack Migrator/resources/app.asar/dist/renderer/index.html');

  it('accepts our renderer page, with any query or fragment', () => {
    expect(isOurs('file:///opt/Stack%20Migrator/resources/app.asar/dist/renderer/index.html')).toBe(true);
    expect(isOurs('file:///opt/Stack%20Migrator/resources/app.asar/dist/renderer/index.html#/runs')).toBe(true);
  });

  it.each([
    'file:///opt/Stack%20Migrator/resources/app.asar/dist/renderer/other.html',
    'file:///tmp/index.html',
    'file://evil-host/opt/Stack%20Migrator/resources/app.asar/dist/renderer/index.html',
    'https://opt/Stack%20Migrator/resources/app.asar/dist/renderer/index.html',
    'http://127.0.0.1:5173/',
    'devtools://devtools/bundled/devtools_app.html',
    'about:blank',
    '',
    'not a url',
  ])('refuses %j', (url) => {
    expect(isOurs(url)).toBe(false);
  });
});
