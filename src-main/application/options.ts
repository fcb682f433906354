// The choices for carrying the application (zod only: the renderer's contract uses it too).
import { z } from 'zod';

const ownerId = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9]){1,}$/).max(36);

export const applicationOptionsSchema = z.object({
  /** Item keys the user chose to overwrite where the target has them differently. */
  overwrite: z.array(z.string().max(200)).max(10_000).default([]),
  /** A webhook's downlink key belongs to the source: a new target key (downlink right only), or none. */
  webhookDownlinkKeys: z.enum(['create', 'leave-empty']).default('create'),
  /** Create the target application under this user or organization when it does not exist. */
  createTarget: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), id: ownerId }),
    z.object({ kind: z.literal('organization'), id: ownerId }),
  ]).optional(),
});
export type ApplicationOptions = z.output<typeof applicationOptionsSchema>;
