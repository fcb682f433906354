// A connection to one deployment: Identity Server and cluster base URLs, and presets for
// The Things Network (Community Edition) and The Things Stack Cloud.
import { z } from 'zod';
import { isLoopbackUrl } from './loopback.js';

export { isLoopbackUrl };

const baseUrl = z
  .string()
  .trim()
  .transform((s, ctx) => {
    try {
      const u = new URL(s.includes('://') ? s : `https://${s}`);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      if (u.username || u.password) throw new Error('credentials');
      // Accept "https://host/api/v3" as well as "https://host".
      const path = u.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
      return `${u.protocol}//${u.host}${path}`;
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not an http(s) address` });
      return z.NEVER;
    }
  });

/** The refusal of plain http:// to another computer, for the CLI and the app alike. */
export const insecureHttpMessage = (url: string) =>
  `${url} is plain HTTP: the API key would cross the network unencrypted, readable by anyone on the way. ` +
  'Use https://, or allow plain HTTP explicitly (--insecure-http on the command line; in the app, the confirmation under the address).';

export const connectionTargetSchema = z
  .object({
    isUrl: baseUrl,
    clusterUrl: baseUrl,
    /** Extra PEM CA certificates (a private CA of a self-hosted deployment). */
    ca: z.array(z.string()).optional(),
    /** The user accepted sending the API key over plain http:// to a host other than this computer. */
    allowInsecureHttp: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    // Plain HTTP only to this computer, unless the user allowed it: the key is in every request.
    if (t.allowInsecureHttp) return;
    for (const field of ['isUrl', 'clusterUrl'] as const) {
      const url = t[field];
      if (url.startsWith('http:') && !isLoopbackUrl(url)) {
        ctx.addIssue({ code: 'custom', path: [field], message: insecureHttpMessage(url) });
        return;
      }
    }
  });
export type ConnectionTarget = z.output<typeof connectionTargetSchema>;

export type TtnRegion = 'eu1' | 'nam1' | 'au1';

/** The Things Stack Community Edition: the IS is always eu1, the cluster is the region's. */
export const ttnCommunity = (region: TtnRegion): ConnectionTarget => ({
  isUrl: 'https://eu1.cloud.thethings.network',
  clusterUrl: `https://${region}.cloud.thethings.network`,
});

/** The Things Stack Cloud: the tenant's IS is on eu1, its cluster in the chosen region. */
export const ttsCloud = (tenant: string, region: TtnRegion): ConnectionTarget => ({
  isUrl: `https://${tenant}.eu1.cloud.thethings.industries`,
  clusterUrl: `https://${tenant}.${region}.cloud.thethings.industries`,
});

/** The host (and port, if any) the deployment's servers are addressed by in device records. */
export const clusterHostOf = (t: Pick<ConnectionTarget, 'clusterUrl'>) => new URL(t.clusterUrl).host;
