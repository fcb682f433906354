// The choices a person makes for a migration; one schema shared by the CLI, IPC and the runner.
import { z } from 'zod';
import { gatewayIdSchema, gatewayOptionsSchema } from '../gateways/schema.js';
import { ID_PATTERN } from '../stack/schemas.js';
import { triggerOptionsSchema } from '../triggers/commands.js';
import { applicationOptionsSchema } from '../application/options.js';

export const otaaSourceActionSchema = z.enum(['rotate-keys', 'delete']);
export const abpModeSchema = z.enum(['new-session', 'keep-session']);

export const idMappingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('same') }),
  z.object({ kind: z.literal('prefix'), prefix: z.string().regex(/^[a-z0-9](?:-?[a-z0-9])*-?$/, 'lower-case letters, digits and dashes') }),
]);

export const migrationOptionsSchema = z.object({
  /** What happens to an OTAA device's source registration once the target is verified. */
  otaaSourceAction: otaaSourceActionSchema.default('rotate-keys'),
  /** No default: a plan with ABP devices and no mode is blocked. */
  abpMode: abpModeSchema.optional(),
  idMapping: idMappingSchema.default({ kind: 'same' }),
  /** Devices whose keys are on an external Join Server get new root keys (they must be re-programmed). */
  generateKeysForExternalJoinServer: z.boolean().default(false),
  /**
   * Devices whose downlinks the user turned off on the source (not Stack Migrator): the target
   * keeps them off, or gets them on. No default: such a device is blocked until the user says.
   */
  sourceDownlinksOff: z.enum(['keep-off', 'turn-on']).optional(),
  /**
   * Trigger the re-join of OTAA devices with a downlink on the source, before it is quieted
   * (absent: no trigger; the source is quieted first, as without it).
   */
  trigger: triggerOptionsSchema.optional(),
  /** Carry the application's settings (formatters, webhooks, pub/subs, packages) before the devices; absent: devices only. */
  application: applicationOptionsSchema.optional(),
  /**
   * Move these source gateways first, in the same run (the gateway plan's options); ABP devices
   * that keep their session and were heard through them wait until they are connected to the target.
   */
  gateways: z.object({ ids: z.array(gatewayIdSchema).min(1).max(10_000), options: gatewayOptionsSchema }).optional(),
});
export type MigrationOptions = z.output<typeof migrationOptionsSchema>;
export type MigrationOptionsInput = z.input<typeof migrationOptionsSchema>;

/** The target device id for a source device id. */
export function targetDeviceId(sourceId: string, mapping: MigrationOptions['idMapping']): string {
  return mapping.kind === 'same' ? sourceId : `${mapping.prefix}${sourceId}`;
}

export const isValidDeviceId = (id: string) => id.length <= 36 && ID_PATTERN.test(id);
