// What the arrivals check says about each device of a run: did it join the target, is the
// source still hearing it, and what to do about a straggler. One shape for the CLI (--json),
// the CSV and the app's view (IPC).
import { z } from 'zod';

export const arrivalAdviceSchema = z.enum([
  'none', // joined the target
  'wait', // just moved: give it time (its next uplink, or its trigger's)
  'trigger-again', // the trigger was not sent, or sent and the device still talks to the source
  'power-cycle', // no trigger known for it (or it ignored one): someone has to restart it
  'check-coverage', // heard by neither side since the move: is a gateway in reach?
  'reprogram', // new keys: it joins once it is re-programmed
]);
export type ArrivalAdvice = z.infer<typeof arrivalAdviceSchema>;

export const arrivalRowSchema = z.object({
  sourceId: z.string(),
  targetId: z.string(),
  devEui: z.string().optional(),
  /** joined: seen on the target; straggler: not yet; not-expected: sends nothing (multicast) or was not moved. */
  status: z.enum(['joined', 'straggler', 'not-expected']),
  /** When the source was retired (quieted or deleted) for this device. */
  movedAt: z.string().optional(),
  /** When it was seen joining the target (run's events, or the target's session). */
  joinedAt: z.string().optional(),
  lastSeenTarget: z.string().optional(),
  lastSeenSource: z.string().optional(),
  /** The source heard it after the move: it has not re-joined yet (it still uses its old session). */
  sourceHeardSinceMove: z.boolean(),
  trigger: z.object({
    name: z.string(),
    state: z.enum(['queued', 'sent', 'not-sent']),
    queuedAt: z.string().optional(),
    sentAt: z.string().optional(),
  }).optional(),
  advice: arrivalAdviceSchema,
  /** The advice in words. */
  adviceText: z.string(),
});
export type ArrivalRow = z.infer<typeof arrivalRowSchema>;

export const arrivalsReportSchema = z.object({
  runDir: z.string(),
  checkedAt: z.string(),
  counts: z.object({ joined: z.number(), stragglers: z.number(), notExpected: z.number() }),
  rows: z.array(arrivalRowSchema),
  /** What could not be checked (a side unreachable), in words. */
  problems: z.array(z.string()),
});
export type ArrivalsReport = z.infer<typeof arrivalsReportSchema>;
