// The retirement of a device whose plan triggers its re-join. The source is quiet since before
// the target was created; now, in this order, each step journaled first:
//   rotate every root key (no join on the source is possible any more; its session still works)
//   → mark "triggered" (no later run, journal or not, ever pushes again)
//   → push the trigger while downlinks are still off (a pushed trigger stays queued, so the
//     queue says whether a push whose answer was lost went in)
//   → journal "trigger-queued" → downlinks on → wait (sent, seen on the target, or time limit;
//     the worker is free meanwhile) → downlinks off again, or delete → mark "retired".
// The device is never joinable on both sides: the source sends anything again only after its
// keys were replaced.
import type { DeviceFacts, StepName } from './journal.js';
import type { PipelineContext } from './pipeline.js';
import { arrivalState, type DeviceState } from './progress.js';
import { downlinksBeforeOf, markSource, rotateRootKeys, setScheduleDownlinks, type StackSource } from './source-side.js';
import { pushRefusal, pushTrigger, triggerInQueue, type TriggerEnd, type TriggerWaits } from './trigger.js';

export type RetireAction = 'rotate-keys' | 'delete';
type Outcome = 'migrated' | 'failed';

export interface TriggerPhaseInput {
  ctx: PipelineContext;
  source: StackSource;
  sourceId: string;
  facts: Partial<DeviceFacts>;
  action: RetireAction;
  /** The journal's steps of this device so far (resume), with their times. */
  history: readonly { s: StepName; at: number }[];
  onJoinServer: boolean;
}

/** Runs the trigger phase up to the wait; the rest (and the outcome) comes later, through ctx.later. */
export async function triggerThenRetire(input: TriggerPhaseInput, triggers: TriggerWaits): Promise<Outcome> {
  const { ctx, source, sourceId, facts, action, history } = input;
  const { journal } = ctx;
  const done = (s: StepName) => history.some((h) => h.s === s);
  const command = facts.trigger!;
  const before = downlinksBeforeOf(facts) ?? 'unset';

  if (done('trigger-sent')) return finish(input, 'sent');
  let queuedAt = history.find((h) => h.s === 'trigger-queued')?.at;
  if (queuedAt === undefined) {
    if (!done('rotated') && !done('trigger-pushing')) {
      await journal.step(sourceId, 'retiring', { facts: { retireAction: action } });
      ctx.emit(sourceId, 'retiring');
      await rotateRootKeys(source, sourceId, facts, input.onJoinServer);
      journal.stepSoon(sourceId, 'rotated'); // lost in a crash: rotating again is harmless
    }
    // Cancelled before anything was sent: no trigger, the source stays quiet.
    if (ctx.signal.aborted) return finish(input, 'cancelled');
    if (!done('trigger-pushing')) await markSource(source, sourceId, facts, { state: 'triggered', before });
    await journal.step(sourceId, 'trigger-pushing');
    ctx.emit(sourceId, 'triggering');
    try {
      // A push an earlier attempt made is still queued (downlinks have been off since).
      if (!(done('trigger-pushing') && (await triggerInQueue(source, sourceId)))) {
        await triggers.serialize(() => pushTrigger(source, sourceId, command));
      }
    } catch (err) {
      return finish(input, 'refused', pushRefusal(err));
    }
    queuedAt = Date.now();
    await journal.step(sourceId, 'trigger-queued');
  } else if (!(await triggerInQueue(source, sourceId))) {
    // Queued by an earlier attempt and gone since: the source sent it (or dropped it) meanwhile.
    return finish(input, 'sent');
  }
  ctx.emit(sourceId, 'trigger-queued');
  // Downlinks on for the trigger: safe now, the source can no longer accept a join.
  await setScheduleDownlinks(source, sourceId, facts, before === 'on' ? 'on' : 'unset');
  const deadline = queuedAt + (ctx.options.trigger?.waitSeconds ?? 0) * 1000;
  ctx.later(sourceId, triggers.wait(sourceId, deadline).then((end) => finish(input, end)));
  return 'migrated';
}

/** An earlier run (no journal here) pushed the trigger: only the quieting (or deletion) is left. */
export const finishEarlierTrigger = (input: TriggerPhaseInput) => finish(input, 'earlier');

/** Quiet (or delete) the source, mark it retired, journal "retired": the trigger's outcome in the facts. */
async function finish(input: TriggerPhaseInput, end: TriggerEnd | 'refused' | 'earlier', refusal?: string): Promise<Outcome> {
  const { ctx, source, sourceId, facts, action } = input;
  const { journal } = ctx;
  try {
    if (end === 'sent' || end === 'arrived') {
      await journal.step(sourceId, 'trigger-sent');
      ctx.emit(sourceId, 'trigger-sent');
    }
    if (action === 'delete') await source.client.deleteDevice(source.appId, sourceId);
    else {
      await setScheduleDownlinks(source, sourceId, facts, 'off');
      const before = downlinksBeforeOf(facts);
      if (before) await markSource(source, sourceId, facts, { state: 'retired', before });
    }
    const notSent = end !== 'sent' && end !== 'arrived' && end !== 'earlier';
    await journal.step(sourceId, 'retired', {
      facts: { retireAction: action, ...(notSent ? { triggerNotSent: true } : {}) },
      ...(refusal ? { reason: refusal } : end === 'timeout' ? { reason: 'The trigger was not sent within the wait: the device sent no uplink the source heard.' } : {}),
    });
    const state: DeviceState = arrivalState(facts);
    ctx.emit(sourceId, state, refusal ? { error: refusal } : {});
    return 'migrated';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await journal.step(sourceId, 'failed', { error: message, rolledBack: false, reason: 'retire' }).catch(() => undefined);
    ctx.emit(sourceId, 'failed', { error: message });
    return 'failed';
  }
}
