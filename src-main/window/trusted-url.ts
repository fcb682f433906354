// Which page may talk to the main process: our own renderer, served from app://
// (renderer-protocol.ts). Nothing on file:// or any other origin is trusted.
import { RENDERER_INDEX_URL } from './renderer-protocol';

const expected = new URL(RENDERER_INDEX_URL);

/** True for exactly app://renderer/index.html (any query or fragment). */
export function isOwnRendererUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === expected.protocol &&
    url.host === expected.host &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === expected.pathname
  );
}
