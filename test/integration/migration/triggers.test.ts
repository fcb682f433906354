// Re-join triggers end to end on two simulators with devices on the air: the order of issue 11
// (rotate, push while quiet, downlinks on, wait, quiet), its invariants, and the arrivals check.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { readJournal } from '../../../src-main/migration/journal.js';
import { runFiles } from '../../../src-main/migration/run-dir.js';
import { markerOf } from '../../../src-main/migration/source-marker.js';
import { markSource, setScheduleDownlinks } from '../../../src-main/migration/source-side.js';
import { checkArrivals } from '../../../src-main/arrivals/check.js';
import { BUILT_IN_TRIGGERS } from '../../../src-main/triggers/commands.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { violations } from '../../support/fleet-invariants.js';
import { migrate } from '../../support/run-migration.js';
import { putOnAir, type AirFleet } from '../../support/air-fleet.js';

let fleet: Fleet | undefined;
let onAir: AirFleet | undefined;
afterEach(async () => {
  onAir?.stop();
  await fleet?.close();
  fleet = undefined;
  onAir = undefined;
});

const byModel = (waitSeconds: number) => ({ trigger: { library: [...BUILT_IN_TRIGGERS], waitSeconds } });

/** Samples the invariants while `work` runs: as often as costs at most a third of a core. */
async function watched<T>(f: Fleet, ids: string[], work: Promise<T>): Promise<{ value: T; seen: string[]; samples: number }> {
  const seen = new Set<string>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const t0 = performance.now();
      for (const v of violations(f, ids)) seen.add(v);
      samples++;
      await new Promise((r) => setTimeout(r, Math.max(5, 2 * (performance.now() - t0))));
    }
  })();
  const value = await work.finally(() => (running = false));
  await sampler;
  return { value, seen: [...seen], samples };
}

describe('re-join triggers', () => {
  it('500 OTAA devices: triggers each device with a known command once, sees it join the target, and is never joinable on both sides', { timeout: 300_000 }, async () => {
    fleet = await startFleet({ devices: 500, mix: 'otaa', seed: 11, modelShare: 1, sim: { faults: { latencyMs: 2 } } });
    const f = fleet;
    for (const s of [f.source, f.target]) s.setRateLimit(undefined);
    onAir = await putOnAir(f);
    const ids = f.source.listDeviceIds(f.sourceApp);
    const { value: { result, plan, runDir, events }, seen, samples } = await watched(f, ids, migrate(f, { options: byModel(8), watchJoins: true }));
    expect(samples).toBeGreaterThan(20);
    expect(seen).toEqual([]);
    expect(result?.summary.failed).toBe(0);

    const triggered = ids.filter((id) => plan.devices.find((d) => d.sourceId === id)?.trigger);
    expect(triggered.length).toBeGreaterThan(5);
    expect(triggered.every((id) => onAir!.reacts.get(id) === 'trigger')).toBe(true);
    // Exactly one push per device with a command, none for the others.
    const pushes = onAir.pushes();
    for (const id of ids) expect(pushes.get(id) ?? 0, id).toBe(triggered.includes(id) ? 1 : 0);
    // The progress said so, in order, for each triggered device.
    for (const id of triggered) {
      const states = events.filter((e) => e.type === 'device' && e.deviceId === id).map((e) => (e as { state: string }).state);
      expect(states.indexOf('triggering'), `${id}: ${states.join(' ')}`).toBeGreaterThan(states.indexOf('verifying'));
      expect(states.indexOf('trigger-queued')).toBeGreaterThan(states.indexOf('triggering'));
      expect(states).toContain('joined');
    }
    // Every device that reacts joined the target, and no other did.
    for (const id of ids) {
      const view = onAir.air.deviceView(getAtPath(f.source.inspect(f.sourceApp, id)!.is, 'ids.dev_eui') as string)!;
      expect(view.network, id).toBe(onAir.reacts.get(id) === 'trigger' ? 1 : 0);
      expect(result?.summary.outcomes.get(id)).toBe('migrated');
    }
    // The source afterwards: quiet again, keys replaced, marked retired.
    for (const id of ids) {
      const s = f.source.inspect(f.sourceApp, id)!;
      expect(getAtPath(s.ns, 'mac_settings.schedule_downlinks'), id).toBe(false);
      expect(getAtPath(s.js, 'root_keys.app_key.key')).not.toBe(f.programmed.get(id)!.appKey);
      expect(markerOf(s.is)?.state, id).toBe('retired');
    }

    // The arrivals check: triggered devices joined; the others are stragglers with the right advice.
    const sides = await f.sides();
    try {
      const { devices } = await readJournal(runFiles(runDir).journal);
      const report = await checkArrivals({
        runDir, deviceIds: ids, journal: devices, graceMs: 0,
        sides: { source: sides.source.kind === 'stack' ? { client: sides.source.client, appId: sides.source.appId } : undefined, target: sides.target },
      });
      for (const row of report.rows) {
        const kind = onAir.reacts.get(row.sourceId);
        if (kind === 'trigger') expect(row, row.sourceId).toMatchObject({ status: 'joined', advice: 'none', trigger: { state: 'sent' } });
        else if (kind === 'power-cycle') expect(row, row.sourceId).toMatchObject({ status: 'straggler', advice: 'power-cycle', sourceHeardSinceMove: true });
        else expect(row, row.sourceId).toMatchObject({ status: 'straggler', advice: 'check-coverage', sourceHeardSinceMove: false });
      }
      expect(report.counts).toEqual({ joined: triggered.length, stragglers: ids.length - triggered.length, notExpected: 0 });
      // A power cycle brings a straggler home: the next check says so.
      const straggler = report.rows.find((r) => r.advice === 'power-cycle')!;
      await onAir.air.powerCycle(straggler.devEui!);
      const again = await checkArrivals({ runDir, deviceIds: [straggler.sourceId], journal: devices, sides: { target: sides.target }, graceMs: 0 });
      expect(again.rows[0]).toMatchObject({ sourceId: straggler.sourceId, status: 'joined' });
    } finally {
      sides.close();
    }
  });

  it('quiets the source at the time limit when no uplink carries the trigger, and says so', { timeout: 60_000 }, async () => {
    fleet = await startFleet({ devices: 6, mix: 'otaa', seed: 12 });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    const fixed = { name: 'reset', fPort: 2, payloadHex: '04ff' };
    const started = Date.now();
    const { value: { result, runDir }, seen } = await watched(f, ids, migrate(f, { options: { trigger: { fixed, library: [], waitSeconds: 5 } } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(seen).toEqual([]);
    expect(result?.summary.migrated).toBe(ids.length);
    const { devices } = await readJournal(runFiles(runDir).journal);
    for (const id of ids) {
      expect(devices.get(id)).toMatchObject({ step: 'retired', facts: { triggerNotSent: true, trigger: fixed } });
      // Still queued, and never to be sent: the source's downlinks are off again.
      expect(getAtPath(f.source.inspect(f.sourceApp, id)!.ns, 'mac_settings.schedule_downlinks')).toBe(false);
    }
  });

  it('moves a device whose trigger the source refuses, and says why', { timeout: 60_000 }, async () => {
    fleet = await startFleet({ devices: 2, mix: 'otaa', seed: 13 });
    const f = fleet;
    f.source.failNext('as.down.push', { status: 429, code: 8, name: 'rate_limit_exceeded', times: 1000 });
    const ids = f.source.listDeviceIds(f.sourceApp);
    const runDir = mkdtempSync(join(tmpdir(), 'sm-run-'));
    const { result, events } = await migrate(f, { runDir, options: { trigger: { fixed: { name: 'reset', fPort: 2, payloadHex: '04ff' }, library: [], waitSeconds: 5 } } });
    expect(result?.summary.migrated).toBe(ids.length);
    const said = events.filter((e) => e.type === 'device' && e.state === 'waiting-join').map((e) => (e as { error?: string }).error);
    expect(said.length).toBe(ids.length);
    for (const s of said) expect(s).toMatch(/refused more downlinks for now \(rate limit\)/);
    for (const id of ids) expect(getAtPath(f.source.inspect(f.sourceApp, id)!.ns, 'mac_settings.schedule_downlinks')).toBe(false);
    expect(violations(f, ids)).toEqual([]);
  });

  it('on cancel, quiets the sources still waiting for their trigger at once', { timeout: 60_000 }, async () => {
    fleet = await startFleet({ devices: 5, mix: 'otaa', seed: 15 });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    const started = Date.now();
    let cancelled = false;
    const queued = new Set<string>();
    const { result, runDir } = await migrate(f, {
      options: { trigger: { fixed: { name: 'reset', fPort: 2, payloadHex: '04ff' }, library: [], waitSeconds: 600 } },
      onEvent: (e, run) => {
        if (e.type === 'device' && e.state === 'trigger-queued') queued.add(e.deviceId);
        // Every device queued its trigger (no uplink will carry it): the user cancels.
        if (!cancelled && queued.size === ids.length) {
          cancelled = true;
          run.cancel();
        }
      },
    });
    expect(cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result?.summary.migrated).toBe(ids.length);
    const { devices } = await readJournal(runFiles(runDir).journal);
    for (const id of ids) {
      expect(devices.get(id)).toMatchObject({ step: 'retired', facts: { triggerNotSent: true } });
      expect(getAtPath(f.source.inspect(f.sourceApp, id)!.ns, 'mac_settings.schedule_downlinks')).toBe(false);
    }
    expect(violations(f, ids)).toEqual([]);
  });

  it('a later run without the journal finishes what a run killed mid-trigger left: the source quiet again, no second trigger', { timeout: 60_000 }, async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa', seed: 16 });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    await migrate(f);
    // What a run killed with the trigger queued leaves on the source: keys replaced, the mark
    // "triggered", downlinks on (the journal is lost with its machine).
    const sides = await f.sides();
    const source = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
    for (const id of ids) {
      await markSource(source, id, {}, { state: 'triggered', before: 'unset' });
      await setScheduleDownlinks(source, id, {}, 'unset');
    }
    sides.close();
    onAir = await putOnAir(f);
    const { plan, result } = await migrate(f, { options: byModel(60) });
    for (const d of plan.devices) expect(d.sourceChanges.join(' '), d.sourceId).toMatch(/no trigger is sent again/);
    expect(result?.summary.migrated).toBe(ids.length);
    expect(onAir.pushes().size).toBe(0);
    for (const id of ids) {
      const s = f.source.inspect(f.sourceApp, id)!;
      expect(getAtPath(s.ns, 'mac_settings.schedule_downlinks')).toBe(false);
      expect(markerOf(s.is)?.state).toBe('retired');
    }
  });

  it('asks for the right to send downlinks in words before anything is written', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa', seed: 14, sourceRights: ['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_DEVICES_READ', 'RIGHT_APPLICATION_DEVICES_READ_KEYS', 'RIGHT_APPLICATION_DEVICES_WRITE', 'RIGHT_APPLICATION_DEVICES_WRITE_KEYS'] });
    const f = fleet;
    const before = f.source.writeCount() + f.target.writeCount();
    const { plan, result } = await migrate(f, { options: byModel(60) });
    expect(result).toBeUndefined();
    expect(plan.blockers.map((b) => b.message)).toContain('The source API key cannot queue the re-join trigger downlinks (missing RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE).');
    expect(plan.warnings.map((w) => w.message).join(' ')).toMatch(/cannot see when a trigger is sent/);
    expect(f.source.writeCount() + f.target.writeCount()).toBe(before);
  });
});
