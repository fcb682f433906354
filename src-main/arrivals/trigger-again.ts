// A second re-join trigger for stragglers of a finished run — only ever the user's explicit
// choice. The source device is retired (keys replaced, downlinks off): the trigger is queued
// while downlinks are off, the device is marked "triggered" first (so that any later run
// quiets it again even if this app stops mid-way), downlinks go on until the source reports it
// sent or the time runs out, then off again.
import type { DeviceFacts } from '../migration/journal.js';
import { downlinksBeforeOf, markSource, setScheduleDownlinks, type StackSource } from '../migration/source-side.js';
import { pushRefusal, pushTrigger, TriggerWaits } from '../migration/trigger.js';
import { markerOf } from '../migration/source-marker.js';

export interface TriggerAgainResult {
  queued: string[];
  failed: { deviceId: string; error: string }[];
  /** Resolves when every queued trigger was sent or timed out and the source is quiet again. */
  done: Promise<void>;
}

export async function triggerAgain(args: {
  source: StackSource;
  devices: { sourceId: string; facts: Partial<DeviceFacts> }[];
  waitSeconds: number;
  onProblem?: (message: string) => void;
}): Promise<TriggerAgainResult> {
  const { source } = args;
  const waits = new TriggerWaits(source, args.onProblem ?? (() => undefined));
  const queued: string[] = [];
  const failed: TriggerAgainResult['failed'] = [];
  const finishing: Promise<void>[] = [];
  for (const { sourceId, facts } of args.devices) {
    const trigger = facts.trigger;
    if (!trigger) {
      failed.push({ deviceId: sourceId, error: 'No trigger is known for this device: power-cycle it.' });
      continue;
    }
    try {
      const is = await source.client.getDevicePart('is', source.appId, sourceId, ['attributes'], { tolerateNotFound: true });
      const marker = is ? markerOf(is) : undefined;
      if (!is || facts.retireAction === 'delete') throw new Error('It was deleted from the source, which can send it nothing any more: power-cycle it.');
      if (!marker || (marker.state !== 'retired' && marker.state !== 'triggered')) throw new Error('The source device is not one this run retired: left alone.');
      const before = downlinksBeforeOf(facts) ?? marker.before;
      await markSource(source, sourceId, facts, { state: 'triggered', before }, is);
      await waits.serialize(() => pushTrigger(source, sourceId, { name: trigger.name, fPort: trigger.fPort, payloadHex: trigger.payloadHex }));
      await setScheduleDownlinks(source, sourceId, facts, before === 'on' ? 'on' : 'unset');
      queued.push(sourceId);
      const end = waits.wait(sourceId, Date.now() + args.waitSeconds * 1000);
      finishing.push(end.then(async () => {
        await setScheduleDownlinks(source, sourceId, facts, 'off');
        await markSource(source, sourceId, facts, { state: 'retired', before });
      }).catch((err: unknown) => args.onProblem?.(`${sourceId}: the source's downlinks could not be turned off again after its trigger (${err instanceof Error ? err.message : String(err)}); a new plan of this device turns them off.`)));
    } catch (err) {
      failed.push({ deviceId: sourceId, error: err instanceof Error && !('kind' in err) ? err.message : pushRefusal(err) });
    }
  }
  return { queued, failed, done: Promise.all(finishing).then(() => undefined) };
}
