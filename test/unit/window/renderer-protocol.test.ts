import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRendererRequestHandler,
  RENDERER_INDEX_URL,
  RENDERER_SCHEME,
  resolveRendererFile,
} from '../../../src-main/window/renderer-protocol';
import { contentTypeFor } from '../../../src-main/window/content-type';
import { isOwnRendererUrl } from '../../../src-main/window/trusted-url';

const CSP = "default-src 'self'; frame-ancestors 'none'";
const SECRET = 'not for the page';

// dist/renderer as Vite writes it, next to a folder whose name starts the same.
let root: string;
beforeAll(() => {
  const parent = mkdtempSync(path.join(tmpdir(), 'sm-protocol-'));
  root = path.join(parent, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Stack Migrator</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(root, 'assets', 'data.bin'), 'x');
  mkdirSync(path.join(parent, 'renderer-other'));
  writeFileSync(path.join(parent, 'renderer-other', 'secret.txt'), SECRET);
  writeFileSync(path.join(parent, 'secret.txt'), SECRET);
});

const serve = (url: string, init?: RequestInit) =>
  createRendererRequestHandler({ rootDir: root, contentSecurityPolicy: CSP })(new Request(url, init));

describe('the app:// scheme', () => {
  it('is a standard, secure scheme that other origins cannot read (no CORS, no fetch API)', () => {
    expect(RENDERER_SCHEME).toEqual({ scheme: 'app', privileges: { standard: true, secure: true } });
  });

  it('is where the window loads its page, and the only page IPC trusts', () => {
    expect(RENDERER_INDEX_URL).toBe('app://renderer/index.html');
    expect(isOwnRendererUrl(RENDERER_INDEX_URL)).toBe(true);
  });
});

describe('serving the renderer', () => {
  it('serves index.html with its type and the Content-Security-Policy header', async () => {
    const response = await serve(RENDERER_INDEX_URL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>Stack Migrator</title>');
  });

  it('serves index.html for the bare origin', async () => {
    const response = await serve('app://renderer/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Stack Migrator');
  });

  it.each([
    ['assets/index-abc123.js', 'text/javascript; charset=utf-8'],
    ['assets/index-abc123.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/data.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (file, type) => {
    const response = await serve(`app://renderer/${file}?v=1#x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
  });

  it.each(['app://renderer/missing.js', 'app://renderer/assets/', 'app://renderer/assets', 'app://renderer/index.html/x'])(
    'answers 404 for %s, with the policy header',
    async (url) => {
      const response = await serve(url);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    },
  );

  it.each([
    'app://renderer/..%2fsecret.txt',
    'app://renderer/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://renderer/assets/..%2f..%2frenderer-other%2fsecret.txt',
    'app://renderer/..%2frenderer-other/secret.txt',
    'app://renderer/..%5csecret.txt',
    'app://renderer/index.html%00.js',
    'app://renderer/index.html::$DATA',
    'app://renderer/C:%2fWindows%2fwin.ini',
    'app://renderer/%E0%A4%A',
    'app://elsewhere/index.html',
  ])('refuses %s (403), never reading outside the renderer folder', async (url) => {
    const response = await serve(url);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(await response.text()).not.toContain(SECRET);
  });

  it('keeps dot segments the URL parser resolves inside the folder', async () => {
    // WHATWG URL parsing folds these away before we see them: they stay inside the root.
    for (const url of ['app://renderer/../secret.txt', 'app://renderer/%2e%2e/secret.txt', 'app://renderer/assets/../../secret.txt']) {
      const response = await serve(url);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(SECRET);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await serve(RENDERER_INDEX_URL, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    const post = await serve(RENDERER_INDEX_URL, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.headers.get('content-security-policy')).toBe(CSP);
  });
});

describe('resolveRendererFile', () => {
  const rootDir = path.resolve('/opt/app/dist/renderer');

  it('maps a URL path to a file inside the folder', () => {
    expect(resolveRendererFile(rootDir, 'app://renderer/assets/a%20b.js')).toBe(path.join(rootDir, 'assets', 'a b.js'));
    expect(resolveRendererFile(rootDir, 'app://renderer/')).toBe(path.join(rootDir, 'index.html'));
  });

  it('allows names that merely start with two dots', () => {
    expect(resolveRendererFile(rootDir, 'app://renderer/..hidden.js')).toBe(path.join(rootDir, '..hidden.js'));
  });

  it.each(['app://renderer/..%2f', 'https://renderer/index.html', 'not a url', 'app://renderer:8080/index.html', 'app://user:pw@renderer/index.html'])(
    'refuses %j',
    (url) => {
      expect(resolveRendererFile(rootDir, url)).toBeUndefined();
    },
  );
});

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.JSON', 'application/json; charset=utf-8'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['a.wasm', 'application/wasm'],
    ['noextension', 'application/octet-stream'],
  ])('%s is %s', (file, type) => {
    expect(contentTypeFor(file)).toBe(type);
  });
});
