// Typed progress of a run, for the CLI now and the desktop app over IPC.
import { z } from 'zod';

export const deviceStateSchema = z.enum([
  // moved: on the target and the source retired, with nothing to wait for (a multicast device sends no uplinks)
  // triggering: pushing the re-join trigger on the source; trigger-queued: in the source's queue,
  // waiting for the device's next uplink; trigger-sent: the source sent it
  'queued', 'reading', 'quieting', 'creating', 'verifying', 'retiring', 'triggering', 'trigger-queued', 'trigger-sent', 'waiting-join', 'moved', 'joined',
  'awaiting-reprogram', 'failed', 'rolled-back', 'cancelled', 'skipped', 'blocked',
]);
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const progressEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('device'),
    deviceId: z.string(),
    targetId: z.string().optional(),
    state: deviceStateSchema,
    error: z.string().optional(),
    at: z.number(),
  }),
  z.object({
    type: z.literal('totals'),
    total: z.number(),
    done: z.number(),
    // Only the states some device is in: zod 4's record would demand every key.
    counts: z.partialRecord(deviceStateSchema, z.number()),
    devicesPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
    concurrency: z.number(),
    at: z.number(),
  }),
  z.object({
    type: z.literal('run'),
    state: z.enum(['planning', 'running', 'paused', 'cancelling', 'finished', 'cancelled']),
    runDir: z.string(),
    at: z.number(),
  }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: z.string(), at: z.number() }),
  /** One setting of the application carried (or kept) on the target. */
  z.object({
    type: z.literal('application'), key: z.string(), label: z.string(), state: z.enum(['writing', 'written', 'kept', 'failed']),
    /** Why an item was kept as the target has it: the same already, the user's choice, or not offered by the target. */
    reason: z.enum(['same', 'chosen', 'not-available', 'done-earlier']).optional(),
    error: z.string().optional(), at: z.number(),
  }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** After the move: wait for the device's join or first uplink, unless it sends none (multicast). */
export const arrivalState = (facts: { multicast?: boolean }): DeviceState => (facts.multicast ? 'moved' : 'waiting-join');
