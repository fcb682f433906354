// A fleet with devices on the air: the em320-th devices re-join when the built-in trigger
// reaches them, the others only when power-cycled, one never comes back. Pushes of our
// trigger are counted from the source's own events (as.down.data.receive, one per push).
import { airSpecsFromSimulator, startAir, type Air } from '../../src-main/sim/index.js';
import { getAtPath } from '../../src-main/stack/paths.js';
import { TRIGGER_CORRELATION_ID } from '../../src-main/migration/trigger.js';
import { openStream, type EventStream } from '../integration/sim/helpers.js';
import type { Fleet } from './demo-sides.js';

export const EM320 = { brandId: 'milesight-iot', modelId: 'em320-th' };

export interface AirFleet {
  air: Air;
  /** How each device behaves on the air. */
  reacts: Map<string, 'trigger' | 'power-cycle' | 'never'>;
  /** Pushes of our trigger per source device id, from the source's events. */
  pushes(): Map<string, number>;
  stop(): void;
}

export async function putOnAir(f: Fleet, opts: { uplinkEveryMs?: number; neverId?: string } = {}): Promise<AirFleet> {
  const reacts = new Map<string, 'trigger' | 'power-cycle' | 'never'>();
  const ids = f.source.listDeviceIds(f.sourceApp);
  const never = opts.neverId ?? ids.find((id) => getAtPath(f.source.inspect(f.sourceApp, id)?.is ?? {}, 'version_ids.model_id') !== EM320.modelId);
  const specs = airSpecsFromSimulator(f.source, f.sourceApp, (d) => {
    const kind = d.deviceId === never ? 'never' : d.modelId === EM320.modelId ? 'trigger' : 'power-cycle';
    reacts.set(d.deviceId, kind);
    return { reacts: kind, trigger: { fPort: 85, payloadHex: 'ff10ff' }, rejoinDelayMs: 50, uplinkEveryMs: opts.uplinkEveryMs ?? 200 };
  });
  const air = startAir({ networks: [f.source, f.target] });
  for (const s of specs) air.addDevice(s);
  const stream: EventStream = await openStream(f.source.clusterUrl, f.sourceKey, {
    identifiers: [{ application_ids: { application_id: f.sourceApp } }], names: ['as.down.data.receive'],
  });
  return {
    air, reacts,
    pushes: () => {
      const out = new Map<string, number>();
      for (const e of stream.events as { correlation_ids?: string[]; identifiers?: { device_ids?: { device_id?: string } }[] }[]) {
        if (!e.correlation_ids?.includes(TRIGGER_CORRELATION_ID)) continue;
        const id = e.identifiers?.[0]?.device_ids?.device_id;
        if (id) out.set(id, (out.get(id) ?? 0) + 1);
      }
      return out;
    },
    stop: () => {
      air.stop();
      stream.close();
    },
  };
}
