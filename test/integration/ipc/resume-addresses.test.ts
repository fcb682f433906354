// A run folder cannot redirect the keychain's keys: resuming (or retiring, or saving a sheet
// of) a run connects only to the addresses of the run's saved connections, and refuses in
// words when run.json names other ones.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';
import { startScriptedServer, ttsError, type ScriptedServer } from '../../support/http-server';

let h: Harness | undefined;
let evil: ScriptedServer | undefined;
const deployments: Deployment[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await evil?.close();
  evil = undefined;
  await Promise.all(deployments.splice(0).map((d) => d.sim.close()));
});

const runStates = (hh: Harness, runId: string) =>
  hh.eventsOf('run:progress').filter((e) => e.runId === runId && e.event.type === 'run').map((e) => (e.event as { state: string }).state);

/** A run cancelled after a few devices, and the app restarted: the run is unfinished on disk. */
async function unfinishedRun() {
  const src = await startDeployment({ app: 'ce-fleet', devices: 12, mix: 'otaa', latencyMs: 5 });
  const dst = await startDeployment({ app: 'cloud-fleet', devAddrPrefix: '27000000/16', latencyMs: 5 });
  deployments.push(src, dst);
  h = await startHarness();
  const source = (await h.call('connections:add', { name: 'Community', preset: src.preset, apiKey: src.key() })).connection;
  const target = (await h.call('connections:add', { name: 'Cloud', preset: dst.preset, apiKey: dst.key() })).connection;
  const { plan } = await h.call('plan:create', {
    source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' },
    deviceIds: src.sim.listDeviceIds('ce-fleet'), options: { abpMode: 'new-session' },
  });
  const { run } = await h.call('run:start', { planId: plan.planId, concurrency: 1 });
  await h.waitFor(() => h!.eventsOf('run:progress').some((e) => e.event.type === 'device' && (e.event as { state: string }).state === 'waiting-join'), 'a device');
  await h.call('run:cancel', { runId: run.runId });
  await h.waitFor(() => runStates(h!, run.runId).includes('cancelled'), 'the run to stop');
  const { userDataDir, service } = h;
  await h.close(true);
  h = await startHarness({ userDataDir, service });
  const manifestPath = join(userDataDir, 'runs', run.runId, 'run.json');
  return { src, dst, runId: run.runId, manifestPath, targetKeyOf: async () => h!.keychainSecret(target.id) };
}

async function evilServer() {
  evil = await startScriptedServer((_req, res) => ttsError(res, 404, 5, 'application_not_found'));
  return evil;
}

describe('a run folder cannot send the keychain\'s keys elsewhere', () => {
  it.each([
    ['the target cluster', (m: Record<string, Record<string, unknown>>, url: string) => { m.target!.clusterUrl = url; }],
    ['the target Identity Server', (m: Record<string, Record<string, unknown>>, url: string) => { m.target!.isUrl = url; }],
    ['the source cluster', (m: Record<string, Record<string, unknown>>, url: string) => { m.source!.clusterUrl = url; }],
    ['the source Identity Server', (m: Record<string, Record<string, unknown>>, url: string) => { m.source!.isUrl = url; }],
  ])('resume refuses a run.json that names another address for %s', async (_what, tamper) => {
    const { dst, runId, manifestPath } = await unfinishedRun();
    const server = await evilServer();
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    tamper(manifest, server.url);
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const writes = dst.sim.writeCount();

    const r = await h!.invoke('run:resume-unfinished', { runId });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/run\.json names .*127\.0\.0\.1.* but the connection "(Community|Cloud)" is at .*: the run folder does not match its connection, so the run was not opened and nothing was sent/) } });
    expect(server.requests).toEqual([]);
    expect(dst.sim.writeCount()).toBe(writes);
    // The same for the other ways a run folder is opened again.
    expect(await h!.invoke('run:retire', { runId, deviceIds: ['dev-00001'] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(server.requests).toEqual([]);
  });

  it('resume uses the connections\' own addresses (the same addresses written another way are fine)', async () => {
    const { src, dst, runId, manifestPath } = await unfinishedRun();
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.target.clusterUrl = `${manifest.target.clusterUrl}/api/v3/`;
    // A CA certificate planted in the run folder is not used: the connection's own settings are.
    manifest.target.ca = ['-----BEGIN CERTIFICATE-----\nplanted\n-----END CERTIFICATE-----'];
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const { run } = await h!.call('run:resume-unfinished', { runId });
    await h!.waitFor(() => runStates(h!, run.runId).includes('finished'), 'the resumed run to finish');
    expect(dst.sim.listDeviceIds('cloud-fleet').sort()).toEqual(src.sim.listDeviceIds('ce-fleet').sort());
  });

  it('resume refuses a run.json that names another application than the run\'s connection side', async () => {
    const { runId, manifestPath } = await unfinishedRun();
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.target.appId = 'other-app';
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    expect(await h!.invoke('run:resume-unfinished', { runId })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/application "other-app"/) } });
  });
});
