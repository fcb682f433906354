// Runs between two simulated deployments whose keys are in the real keychain: pause,
// resume, cancel, retry, and a run left unfinished by a quit, resumed by the next session.
import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';
import type { ConnectionInfo } from '../../../src-main/ipc/contract';

let h: Harness | undefined;
const deployments: Deployment[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(deployments.splice(0).map((d) => d.sim.close()));
});

async function setup(opts: { devices: number; latencyMs?: number; mix?: 'otaa' | 'mixed' }) {
  const src = await startDeployment({ app: 'ce-fleet', devices: opts.devices, mix: opts.mix ?? 'otaa', latencyMs: opts.latencyMs });
  const dst = await startDeployment({ app: 'cloud-fleet', devAddrPrefix: '27000000/16', latencyMs: opts.latencyMs });
  deployments.push(src, dst);
  h = await startHarness();
  const source = (await h.call('connections:add', { name: 'Community', preset: src.preset, apiKey: src.key() })).connection;
  const target = (await h.call('connections:add', { name: 'Cloud', preset: dst.preset, apiKey: dst.key() })).connection;
  return { src, dst, source, target };
}

async function planAll(hh: Harness, source: ConnectionInfo, target: ConnectionInfo, ids: string[]) {
  return (await hh.call('plan:create', {
    source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' },
    deviceIds: ids, options: { abpMode: 'new-session' },
  })).plan;
}

const runEvents = (hh: Harness, runId: string) => hh.eventsOf('run:progress').filter((e) => e.runId === runId).map((e) => e.event);
const runStates = (hh: Harness, runId: string) => runEvents(hh, runId).filter((e) => e.type === 'run').map((e) => (e as { state: string }).state);
const deviceEvents = (hh: Harness, runId: string) => runEvents(hh, runId).filter((e) => e.type === 'device');

describe('runs with keychain connections', () => {
  it('pause stops starting devices, resume goes on, and the run finishes', async () => {
    const { src, dst, source, target } = await setup({ devices: 12, latencyMs: 5 });
    const plan = await planAll(h!, source, target, src.sim.listDeviceIds('ce-fleet'));
    const { run } = await h!.call('run:start', { planId: plan.planId, concurrency: 1 });
    await h!.waitFor(() => deviceEvents(h!, run.runId).length > 0, 'the first device');
    expect(await h!.call('run:pause', { runId: run.runId })).toEqual({});
    expect(runStates(h!, run.runId)).toContain('paused');
    // Starting another run meanwhile is refused.
    const other = await planAll(h!, source, target, src.sim.listDeviceIds('ce-fleet').slice(0, 1));
    expect(await h!.invoke('run:start', { planId: other.planId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await new Promise((r) => setTimeout(r, 150)); // the device in flight finishes
    const writes = dst.sim.writeCount();
    await new Promise((r) => setTimeout(r, 200));
    expect(dst.sim.writeCount()).toBe(writes);
    expect(await h!.call('run:resume', { runId: run.runId })).toEqual({});
    await h!.waitFor(() => runStates(h!, run.runId).includes('finished'), 'the run to finish');
    expect(dst.sim.listDeviceIds('cloud-fleet').sort()).toEqual(src.sim.listDeviceIds('ce-fleet').sort());
    expect(h!.badEvents).toEqual([]);
  });

  it('cancel stops the run; the next session lists it as unfinished and resumes it with keys from the keychain', async () => {
    const { src, dst, source, target } = await setup({ devices: 20, latencyMs: 5 });
    const ids = src.sim.listDeviceIds('ce-fleet');
    const plan = await planAll(h!, source, target, ids);
    const { run } = await h!.call('run:start', { planId: plan.planId, concurrency: 1 });
    await h!.waitFor(() => deviceEvents(h!, run.runId).filter((e) => (e as { state: string }).state === 'waiting-join').length >= 3, 'three devices');
    expect(await h!.call('run:cancel', { runId: run.runId })).toEqual({});
    await h!.waitFor(() => runStates(h!, run.runId).includes('cancelled'), 'the run to stop');
    const moved = dst.sim.listDeviceIds('cloud-fleet').length;
    expect(moved).toBeGreaterThanOrEqual(3);
    expect(moved).toBeLessThan(ids.length);
    expect(h!.connectionsFile()).not.toMatch(/NNSXS/);

    // Quit and start again: same folder, same keychain.
    const { userDataDir, service } = h!;
    await h!.close(true);
    h = await startHarness({ userDataDir, service });
    const { runs } = await h.call('run:list-unfinished', {});
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: run.runId, finished: false, total: ids.length, sourceLabel: 'Community · ce-fleet', targetLabel: 'Cloud · cloud-fleet' });
    const counts = runs[0]!.counts;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(counts['waiting-join']).toBe(moved);
    expect(counts.queued).toBeGreaterThanOrEqual(ids.length - moved - 1); // the device in flight may have been rolled back
    const resumed = (await h.call('run:resume-unfinished', { runId: run.runId })).run;
    expect(resumed.runId).toBe(run.runId);
    await h.waitFor(() => runStates(h!, run.runId).includes('finished'), 'the resumed run to finish');
    // Every device exactly once on the target, none left on the source with its old key.
    expect(dst.sim.listDeviceIds('cloud-fleet').sort()).toEqual([...ids].sort());
    expect(await h.invoke('run:resume-unfinished', { runId: run.runId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await h.dispose();
    const h3 = await startHarness({ userDataDir, service });
    try {
      expect(await h3.call('run:list-unfinished', {})).toEqual({ runs: [] });
    } finally {
      await h3.close(true);
    }
  });

  it('a run whose connection was removed cannot resume, and says why', async () => {
    const { src, source, target } = await setup({ devices: 6, latencyMs: 5 });
    const plan = await planAll(h!, source, target, src.sim.listDeviceIds('ce-fleet'));
    const { run } = await h!.call('run:start', { planId: plan.planId, concurrency: 1 });
    expect(await h!.invoke('connections:remove', { id: source.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await h!.call('run:cancel', { runId: run.runId });
    await h!.waitFor(() => runStates(h!, run.runId).includes('cancelled'), 'the run to stop');
    const { userDataDir, service } = h!;
    await h!.close(true);
    h = await startHarness({ userDataDir, service });
    await h.call('connections:remove', { id: source.id });
    expect(await h.invoke('run:resume-unfinished', { runId: run.runId })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/no longer exists/) } });
  });

  it('retry-failed tries the failed devices again', async () => {
    const { src, dst, source, target } = await setup({ devices: 4 });
    const ids = src.sim.listDeviceIds('ce-fleet');
    const plan = await planAll(h!, source, target, ids);
    dst.sim.failNext('is.create', { status: 400, code: 3 });
    const { run } = await h!.call('run:start', { planId: plan.planId, concurrency: 1 });
    await h!.waitFor(() => runStates(h!, run.runId).includes('finished'), 'the run to finish');
    expect(dst.sim.listDeviceIds('cloud-fleet')).toHaveLength(ids.length - 1);
    const retried = await h!.call('run:retry-failed', { runId: run.runId });
    expect(retried.run.runId).toBe(run.runId);
    await h!.waitFor(() => runStates(h!, run.runId).filter((s) => s === 'finished').length === 2, 'the retry to finish');
    expect(dst.sim.listDeviceIds('cloud-fleet').sort()).toEqual([...ids].sort());
  });

  it('a blocked plan does not start and leaves no run folder', async () => {
    const src = await startDeployment({ app: 'ce-fleet', devices: 3, mix: 'otaa' });
    const dst = await startDeployment({ app: 'cloud-fleet' });
    deployments.push(src, dst);
    h = await startHarness();
    const source = (await h.call('connections:add', { name: 'S', preset: src.preset, apiKey: src.key(['RIGHT_APPLICATION_DEVICES_READ']) })).connection;
    const target = (await h.call('connections:add', { name: 'T', preset: dst.preset, apiKey: dst.key() })).connection;
    const plan = await planAll(h, source, target, src.sim.listDeviceIds('ce-fleet'));
    expect(plan.blockers.length).toBeGreaterThan(0);
    expect(await h.invoke('run:start', { planId: plan.planId })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/The plan is blocked/) } });
    expect(h.runFolders()).toEqual([]);
    expect(dst.sim.writeCount()).toBe(0);
  });
});
