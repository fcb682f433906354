// Re-join triggers through the app's IPC: the command library (saved, exported, imported), a
// demo plan that triggers re-joins (confirmed before anything is sent), the run's trigger
// states, the run history, the arrivals check and its CSV, and a second trigger on request.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';
import type { ConnectionInfo, PlanView, RunInfo } from '../../../src-main/ipc/contract';
import type { TriggerCommand } from '../../../src-main/triggers/commands';

let h: Harness;
const mine = { name: 'dragino-reset', brandId: 'dragino', modelId: 'lht65', fPort: 2, payloadHex: '04ff', notes: 'ours' };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('the trigger command library over IPC', () => {
  it('lists the built-ins, saves the user\u2019s commands beside them, and refuses a name twice', async () => {
    const builtIn = (await h.call('triggers:list', {})).commands;
    expect(builtIn.length).toBeGreaterThan(0);
    expect(builtIn.every((c) => c.builtIn && c.source?.startsWith('https://'))).toBe(true);
    const saved = (await h.call('triggers:save', { commands: [...builtIn, mine] })).commands;
    expect(saved.map((c) => c.name)).toEqual([...builtIn.map((c) => c.name), 'dragino-reset']);
    expect(JSON.parse(readFileSync(join(h.userDataDir, 'trigger-commands.json'), 'utf8')).commands).toEqual([mine]);
    expect(await h.invoke('triggers:save', { commands: [mine, mine] })).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('dragino-reset') } });
  });

  it('exports the user\u2019s commands and imports a library file, saying what is wrong with a bad one', async () => {
    h.dialog.answer = join(h.outDir, 'library.json');
    expect(await h.call('triggers:export', {})).toEqual({ savedTo: h.dialog.answer });
    const exported = JSON.parse(readFileSync(h.dialog.answer, 'utf8'));
    expect(exported).toMatchObject({ format: 'stack-migrator-trigger-commands', version: 1, commands: [{ name: 'dragino-reset' }] });
    const other = join(h.outDir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...exported, commands: [{ ...mine, name: 'abeeway-reset', brandId: 'abeeway', modelId: 'micro-tracker', fPort: 2, payloadHex: '02' }] }));
    h.dialog.open = other;
    const imported = await h.call('triggers:import', {});
    expect('commands' in imported && imported.commands.map((c: TriggerCommand) => c.name)).toEqual(expect.arrayContaining(['dragino-reset', 'abeeway-reset']));
    writeFileSync(other, '{"format":"something else"}');
    expect(await h.invoke('triggers:import', {})).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/not a Stack Migrator trigger library/) } });
    h.dialog.open = undefined;
    expect(await h.call('triggers:import', {})).toEqual({ cancelled: true });
  });
});

describe('a demo run that triggers re-joins', () => {
  let source: ConnectionInfo;
  let target: ConnectionInfo;
  let plan: PlanView;
  let run: RunInfo;
  const progress = () => h.eventsOf('run:progress').filter((e) => e.runId === run.runId).map((e) => e.event);

  it('plans a command per model, or "no trigger known", and asks for a confirmation before sending', { timeout: 60_000 }, async () => {
    ({ source, target } = await h.call('demo:start', { devices: 24 }));
    const ids = Array.from({ length: 24 }, (_, i) => i);
    const rows = await (async () => {
      const { listId } = await h.call('devices:list', { connectionId: source.id, applicationId: 'ce-fleet' });
      await h.waitFor(() => h.eventsOf('devices:page').some((p) => p.listId === listId && p.done), 'the device list');
      return h.eventsOf('devices:page').filter((p) => p.listId === listId).flatMap((p) => p.devices);
    })();
    expect(rows.length).toBe(ids.length);
    // The built-ins only: the demo's devices that react know the EM320-TH reboot command.
    const commands = (await h.call('triggers:list', {})).commands.filter((c) => c.builtIn);
    plan = (await h.call('plan:create', {
      source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' },
      deviceIds: rows.map((r) => r.id), options: { abpMode: 'new-session', generateKeysForExternalJoinServer: true, trigger: { library: commands, waitSeconds: 15 } },
    })).plan;
    const known = plan.devices.filter((d) => d.trigger);
    expect(known.length).toBeGreaterThan(0);
    expect(known.every((d) => d.trigger?.name === 'milesight-em320-th-reboot')).toBe(true);
    expect(plan.devices.some((d) => d.trigger === null && d.warnings.some((w) => /power-cycle it/.test(w.message)))).toBe(true);
    expect(plan.counts).toMatchObject({ triggerKnown: known.filter((d) => d.status === 'ready').length });
    expect(await h.invoke('run:start', { planId: plan.planId })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/confirm the triggers/) } });
  });

  it('runs with the trigger states, in order, while other devices go on', { timeout: 90_000 }, async () => {
    run = (await h.call('run:start', { planId: plan.planId, confirmTriggers: true })).run;
    await h.waitFor(() => progress().some((e) => e.type === 'run' && e.state === 'finished'), 'the run to finish', 80_000);
    const triggered = plan.devices.filter((d) => d.trigger && d.status === 'ready').map((d) => d.sourceId);
    let sent = 0;
    for (const id of triggered) {
      const states = progress().filter((e) => e.type === 'device' && e.deviceId === id).map((e) => (e as { state: string }).state);
      expect(states, id).toEqual(expect.arrayContaining(['retiring', 'triggering', 'trigger-queued', 'waiting-join']));
      expect(states.indexOf('trigger-queued'), id).toBeGreaterThan(states.indexOf('triggering'));
      if (states.includes('trigger-sent')) {
        sent++;
        expect(states.indexOf('trigger-sent'), id).toBeGreaterThan(states.indexOf('trigger-queued'));
      }
    }
    // All but the demo's one device that never comes back (no uplink carries its trigger).
    expect(sent).toBe(triggered.length - 1);
    expect(h.badEvents).toEqual([]);
    const history = (await h.call('run:history', {})).runs;
    expect(history[0]).toMatchObject({ runId: run.runId, finished: true });
  });

  it('checks the arrivals: the triggered devices joined, the others are stragglers with what to do, as CSV too', { timeout: 60_000 }, async () => {
    const sent = new Set(progress().filter((e) => e.type === 'device' && e.state === 'trigger-sent').map((e) => (e as { deviceId: string }).deviceId));
    // Re-joins come after each device's next uplink (and some take a few seconds more).
    await h.waitFor(() => [...sent].every((id) => progress().some((e) => e.type === 'device' && e.deviceId === id && e.state === 'joined')), 'the triggered devices to join', 40_000);
    const { report } = await h.call('arrivals:check', { runId: run.runId });
    for (const id of sent) expect(report.rows.find((r) => r.sourceId === id), id).toMatchObject({ status: 'joined', trigger: { state: 'sent' } });
    // The one that never came back: its trigger never went out, and nobody hears it (moved
    // moments ago: "wait" for now, "check coverage" once its grace is over).
    expect(report.rows.filter((r) => r.trigger?.state === 'not-sent')).toEqual([expect.objectContaining({ status: 'straggler', advice: 'wait', sourceHeardSinceMove: false })]);
    const stragglers = report.rows.filter((r) => r.status === 'straggler');
    expect(stragglers.length).toBeGreaterThan(0);
    expect(stragglers.every((r) => ['wait', 'power-cycle', 'check-coverage', 'reprogram'].includes(r.advice) && r.adviceText.length > 10)).toBe(true);
    expect(report.rows[0]!.status).toBe('straggler'); // stragglers first
    h.dialog.answer = join(h.outDir, 'arrivals.csv');
    expect(await h.call('arrivals:save', { runId: run.runId, format: 'csv' })).toEqual({ savedTo: h.dialog.answer });
    const csv = readFileSync(h.dialog.answer, 'utf8').split('\r\n');
    expect(csv[0]).toBe('source_device_id,target_device_id,dev_eui,status,moved_at,joined_at,last_seen_source,last_seen_target,source_heard_since_move,trigger,trigger_state,trigger_queued_at,trigger_sent_at,advice,what_to_do');
    expect(csv.filter((l) => l.includes(',straggler,')).length).toBe(stragglers.length);
  });

  it('sends a second trigger only where one is known, and says why not elsewhere', async () => {
    const withTrigger = plan.devices.find((d) => d.trigger && d.status === 'ready')!.sourceId;
    const without = plan.devices.find((d) => d.trigger === null && d.status === 'ready')!.sourceId;
    const result = await h.call('arrivals:trigger-again', { runId: run.runId, deviceIds: [withTrigger, without] });
    expect(result.queued).toEqual([withTrigger]);
    expect(result.failed).toEqual([{ deviceId: without, error: expect.stringMatching(/power-cycle/) }]);
  });
});
