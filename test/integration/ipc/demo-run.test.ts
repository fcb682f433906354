// The whole path of the app over IPC, in the demo workspace: demo:start, plan, run with
// live progress, simulated joins, report and sheet, ABP retirement, demo:stop — and no key
// in any answer, event or run file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';
import type { ConnectionInfo, PlanView, RunInfo } from '../../../src-main/ipc/contract';

let h: Harness;
let source: ConnectionInfo;
let target: ConnectionInfo;
let plan: PlanView;
let run: RunInfo;
const DEVICES = 16;
const options = { abpMode: 'new-session' as const, generateKeysForExternalJoinServer: true };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const progress = () => h.eventsOf('run:progress').filter((e) => e.runId === run.runId).map((e) => e.event);
const lastStates = () => {
  const states = new Map<string, string>();
  for (const e of progress()) if (e.type === 'device') states.set(e.deviceId, e.state);
  return states;
};

describe('demo workspace over IPC', () => {
  it('demo:start gives two demo connections whose keys are not in the keychain', async () => {
    const demo = await h.call('demo:start', { devices: DEVICES });
    ({ source, target } = demo);
    expect(demo).toMatchObject({ sourceApplicationId: 'ce-fleet', targetApplicationId: 'cloud-fleet' });
    expect(source).toMatchObject({ preset: 'demo', isUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), missingForSource: [], missingForTarget: [] });
    expect((await h.call('connections:list', {})).connections.map((c) => c.id).sort()).toEqual([source.id, target.id].sort());
    expect(await h.keychainAccounts()).toEqual([]);
    expect(h.connectionsFile()).toBeUndefined();
    // Starting again hands back the same workspace.
    expect((await h.call('demo:start', {})).source.isUrl).toBe(source.isUrl);
    expect(await h.invoke('connections:remove', { id: source.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('the demo has gateways of every kind, and a keep-session plan offers the two that heard its ABP devices', async () => {
    const listed = await h.call('gateways:list', { connectionId: source.id });
    expect(listed.problem).toBeUndefined();
    expect(Object.fromEntries(listed.gateways.map((g) => [g.id, g.kind]))).toEqual({
      'barn-forwarder': 'udp', 'office-indoor': 'ttig', 'rooftop-north': 'cups', 'rooftop-south': 'cups', 'warehouse-lns': 'lns',
    });
    const devices = (await h.call('devices:details', { connectionId: source.id, applicationId: 'ce-fleet', deviceIds: Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(5, '0')}`) })).devices;
    const keepSession = await h.call('plan:create', {
      source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' },
      deviceIds: devices.map((d) => d.id), options: { ...options, abpMode: 'keep-session' },
    });
    expect(keepSession.plan.suggestedGateways).toEqual(['rooftop-north', 'rooftop-south']);
    expect(keepSession.plan.devices.filter((d) => d.servingGateways).length).toBeGreaterThan(0);
  });

  it('plan:create answers the plan view: per device status, no device records', async () => {
    const rows = await (async () => {
      const { listId } = await h.call('devices:list', { connectionId: source.id, applicationId: 'ce-fleet' });
      await h.waitFor(() => h.eventsOf('devices:page').some((p) => p.listId === listId && p.done), 'the device list');
      return h.eventsOf('devices:page').filter((p) => p.listId === listId).flatMap((p) => p.devices);
    })();
    expect(rows).toHaveLength(DEVICES);
    const ids = rows.map((r) => r.id);
    plan = (await h.call('plan:create', { source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' }, deviceIds: [...ids, ids[0]!], options })).plan;
    expect(plan.devices).toHaveLength(DEVICES); // the duplicate id is planned once
    expect(plan.blockers).toEqual([]);
    expect(plan.counts.ready).toBe(DEVICES);
    expect(plan.devices[0]).not.toHaveProperty('target');
    expect(plan.options).toMatchObject({ otaaSourceAction: 'rotate-keys', abpMode: 'new-session', idMapping: { kind: 'same' } });
  });

  it('run:start migrates with live progress; the simulated devices join the target (all but the one that never comes back)', async () => {
    run = (await h.call('run:start', { planId: plan.planId })).run;
    expect(run).toMatchObject({ total: DEVICES, finished: false, sourceLabel: expect.stringContaining('ce-fleet'), targetLabel: expect.stringContaining('cloud-fleet') });
    expect(run.runDir).toBe(join(h.userDataDir, 'runs', run.runId));
    await h.waitFor(() => progress().some((e) => e.type === 'run' && e.state === 'finished'), 'the run to finish');
    // Without triggers the demo power-cycles each moved device; its one gone device never answers.
    const notHome = () => [...lastStates().values()].filter((s) => s !== 'joined' && s !== 'awaiting-reprogram');
    await h.waitFor(() => notHome().length <= 1, 'joins', 15_000);
    expect(notHome()).toEqual(['waiting-join']);
    const states = [...lastStates().values()];
    expect(states.filter((s) => s === 'joined').length).toBeGreaterThan(0);
    expect(progress().some((e) => e.type === 'totals')).toBe(true);
    expect(h.badEvents).toEqual([]);
    // A plan runs once.
    expect(await h.invoke('run:start', { planId: plan.planId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('the run folder has the manifest and the connection ids, and no API key', async () => {
    await h.waitFor(() => ['report.json', 'report.csv'].every((f) => existsSync(join(run.runDir, f))), 'the reports (written just after the run ends)');
    const files = readdirSync(run.runDir).sort();
    expect(files).toEqual(expect.arrayContaining(['app-run.json', 'journal.jsonl', 'plan.json', 'report.csv', 'report.json', 'run.json']));
    const side = JSON.parse(readFileSync(join(run.runDir, 'app-run.json'), 'utf8'));
    expect(side).toEqual({
      version: 1, demo: true,
      source: { connectionId: source.id, applicationId: 'ce-fleet', name: source.name },
      target: { connectionId: target.id, applicationId: 'cloud-fleet', name: target.name },
    });
    for (const f of files.filter((f) => f !== 'reprogram-sheet.csv')) {
      const text = readFileSync(join(run.runDir, f), 'utf8');
      expect(text, f).not.toMatch(/NNSXS\./);
      expect(text, f).not.toMatch(/"key":\s*"[0-9A-F]{32}"/i);
    }
  });

  it('report:save writes the report where the dialog says; a cancelled dialog writes nothing', async () => {
    h.dialog.answer = join(h.outDir, 'report.csv');
    expect(await h.call('report:save', { runId: run.runId, format: 'csv' })).toEqual({ savedTo: h.dialog.answer });
    const csv = readFileSync(h.dialog.answer, 'utf8').trim().split('\r\n');
    expect(csv[0]).toMatch(/^source_device_id,target_device_id/);
    expect(csv).toHaveLength(DEVICES + 1);
    h.dialog.answer = join(h.outDir, 'report.json');
    await h.call('report:save', { runId: run.runId, format: 'json' });
    expect(JSON.parse(readFileSync(h.dialog.answer, 'utf8')).devices).toHaveLength(DEVICES);
    expect(h.saveDialog).toHaveBeenLastCalledWith({ defaultName: `stack-migrator-report-${run.runId}.json`, filters: [{ name: 'JSON', extensions: ['json'] }] });
    h.dialog.answer = undefined;
    expect(await h.call('report:save', { runId: run.runId, format: 'csv' })).toEqual({ cancelled: true });
  });

  it('sheet:save writes the re-programming sheet with keys, mode 0600', async () => {
    const awaiting = [...lastStates()].filter(([, s]) => s === 'awaiting-reprogram').map(([id]) => id);
    h.dialog.answer = join(h.outDir, 'sheet.csv');
    expect(awaiting.length).toBeGreaterThan(0);
    const saved = await h.invoke('sheet:save', { runId: run.runId });
    expect(saved).toEqual({ ok: true, data: { savedTo: h.dialog.answer } });
    expect(statSync(h.dialog.answer).mode & 0o777).toBe(0o600);
    const lines = readFileSync(h.dialog.answer, 'utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^device_id,dev_eui/);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('run:retire retires the re-programmed ABP devices; their uplink marks them joined', async () => {
    const awaiting = [...lastStates()].filter(([, s]) => s === 'awaiting-reprogram').map(([id]) => id);
    expect(awaiting.length).toBeGreaterThan(0);
    const result = await h.call('run:retire', { runId: run.runId, deviceIds: [...awaiting, 'not-in-run'] });
    expect(result.retired.sort()).toEqual(awaiting.sort());
    expect(result.failed).toEqual(['not-in-run']);
    await h.waitFor(() => awaiting.every((id) => lastStates().get(id) === 'joined'), 'ABP uplinks');
  });

  it('a finished demo run is not unfinished; pause/resume/cancel of an unknown run is not found', async () => {
    expect(await h.call('run:list-unfinished', {})).toEqual({ runs: [] });
    for (const channel of ['run:pause', 'run:resume', 'run:cancel', 'run:retry-failed'] as const) {
      expect(await h.invoke(channel, { runId: 'no-such-run' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(await h.invoke('report:save', { runId: '../../etc', format: 'csv' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('no answer and no event ever carried an API key or a device key', () => {
    const text = JSON.stringify([h.results, h.events]);
    expect(text).not.toMatch(/NNSXS\./);
    expect(text).not.toMatch(/[0-9A-F]{32}/i);
  });

  it('demo:stop ends the workspace and its connections', async () => {
    expect(await h.call('demo:stop', {})).toEqual({});
    expect((await h.call('connections:list', {})).connections).toEqual([]);
    expect(await h.invoke('applications:list', { connectionId: source.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await h.call('demo:stop', {})).toEqual({});
  });
});
