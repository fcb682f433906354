// Which page may talk to the main process: our own renderer, loaded from its file.
import { pathToFileURL } from 'node:url';

/** A check that accepts exactly the file:// URL of `indexHtmlPath` (any query or fragment). */
export function ownRendererUrlCheck(indexHtmlPath: string): (url: string) => boolean {
  const expected = pathToFileURL(indexHtmlPath);
  return (raw: string) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    return url.protocol === 'file:' && url.host === expected.host && url.pathname === expected.pathname;
  };
}
