// The renderer is served from app://renderer/ rather than file://: a privileged
// standard scheme gives the page a real origin, and every response carries the
// Content-Security-Policy header (file:// responses have no headers). Only plain
// Node and web-standard Request/Response here; main.ts registers the scheme and
// hands createRendererRequestHandler to protocol.handle.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { contentTypeFor } from './content-type';

const HOST = 'renderer';

/**
 * Standard (relative URLs, an origin, storage) and secure (a secure context). Not
 * corsEnabled, which would let other origins read it; no fetch API (connect-src 'none').
 */
export const RENDERER_SCHEME: CustomScheme = { scheme: 'app', privileges: { standard: true, secure: true } };

export const RENDERER_ORIGIN = `${RENDERER_SCHEME.scheme}://${HOST}`;
export const RENDERER_INDEX_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * The file under `rootDir` that `rawUrl` names, or undefined when the URL is not ours
 * or its decoded path would leave the folder (`..%2f`), or holds a character no file
 * we ship has and that only serves tricks: NUL, a backslash, a colon (drive letters,
 * Windows alternate data streams).
 */
export function resolveRendererFile(rootDir: string, rawUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${RENDERER_SCHEME.scheme}:` || url.host !== HOST || url.username || url.password) return undefined;
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(url.pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (/[\0\\:]/.test(urlPath)) return undefined;
  if (urlPath === '' || urlPath === '/') urlPath = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${urlPath}`);
  const relative = path.relative(root, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return file;
}

export interface RendererHandlerOptions {
  /** dist/renderer: the only folder served. */
  rootDir: string;
  contentSecurityPolicy: string;
}

/** The protocol.handle handler for app://: files from rootDir, every answer with the policy header. */
export function createRendererRequestHandler({ rootDir, contentSecurityPolicy }: RendererHandlerOptions): (request: Request) => Promise<Response> {
  const headers = (contentType: string, extra: Record<string, string> = {}) => ({
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  const plain = (status: number, text: string, extra?: Record<string, string>) =>
    new Response(text, { status, headers: headers('text/plain; charset=utf-8', extra) });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    const file = resolveRendererFile(rootDir, request.url);
    if (!file) return plain(403, 'Forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'Not found');
      throw err;
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: headers(contentTypeFor(file)) });
  };
}
