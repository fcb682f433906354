// app:info and app:open-docs. Links open in the system browser only when they are https
// links to a known documentation host (or a page a built-in trigger command cites): the
// renderer cannot open arbitrary URLs or schemes.
import { IPC_CONTRACT_VERSION } from './contract.js';
import { invalid } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { BUILT_IN_TRIGGERS } from '../triggers/commands.js';

export const DOCUMENTATION_HOSTS: readonly string[] = ['www.thethingsindustries.com', 'www.thethingsnetwork.org'];

/** The URL to open, or undefined when it is not an https link to a documentation host. */
export function documentationUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  // The makers' pages the built-in trigger commands cite, exactly those.
  if (!DOCUMENTATION_HOSTS.includes(url.hostname) && !BUILT_IN_TRIGGERS.some((c) => c.source === url.href)) return undefined;
  return url.href;
}

export function appHandlers(ctx: HandlerContext): HandlersOf<'app:info' | 'app:open-docs'> {
  return {
    'app:info': async () => ({
      version: ctx.deps.appVersion,
      contractVersion: IPC_CONTRACT_VERSION,
      platform: ctx.deps.platform,
      keychain: await ctx.deps.secrets.check(),
    }),
    'app:open-docs': async ({ url }) => {
      const href = documentationUrl(url);
      if (!href) throw invalid(`Only https links to ${DOCUMENTATION_HOSTS.join(' or ')} open from Stack Migrator.`);
      await ctx.deps.openExternal(href);
      return {};
    },
  };
}
