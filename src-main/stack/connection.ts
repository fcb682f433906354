// A connection to one deployment: Identity Server and cluster base URLs, and presets for
// The Things Network (Community Edition) and The Things Stack Cloud.
import { z } from 'zod';

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

export const connectionTargetSchema = z.object({
  isUrl: baseUrl,
  clusterUrl: baseUrl,
  /** Extra PEM CA certificates (a private CA of a self-hosted deployment). */
  ca: z.array(z.string()).optional(),
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
