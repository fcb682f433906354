// Issue 12: no webhook header, API key or package secret of a carried application appears in
// the app's log file, the run folder or anything that crosses IPC (answers and events).
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';

let h: Harness | undefined;
let deployments: Deployment[] = [];
afterAll(async () => {
  await h?.close();
  await Promise.all(deployments.map((d) => d.sim.close()));
});

const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? filesUnder(p) : [p];
});

describe('a carried application\u2019s secrets', () => {
  it('stay out of the log file, the run folder and the IPC traffic', { timeout: 90_000 }, async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'sm-log-'));
    h = await startHarness({ logDir });
    const src = await startDeployment({ app: 'ce-fleet', devices: 6, mix: 'otaa' });
    const dst = await startDeployment({ app: 'cloud-fleet', devAddrPrefix: '27000000/16' });
    deployments = [src, dst];
    const seeded = src.sim.seedIntegrations('ce-fleet');
    // The target has a webhook of the same id with its own secret headers: a "differs" item, its diff on screen.
    dst.sim.seedIntegrations('cloud-fleet', { pubsub: false, packages: false, link: false });
    const secrets = [...seeded.secrets, ...src.sim.inspectApplication('ce-fleet')!.webhooks.flatMap((w: { headers?: Record<string, string> }) => Object.values(w.headers ?? {}))];
    expect(secrets.length).toBeGreaterThan(4);
    const source = (await h.call('connections:add', { name: 'Source', preset: src.preset, apiKey: src.key() })).connection;
    const target = (await h.call('connections:add', { name: 'Target', preset: dst.preset, apiKey: dst.key() })).connection;
    const ids = src.sim.listDeviceIds('ce-fleet');
    const { plan } = await h.call('plan:create', {
      source: { connectionId: source.id, applicationId: 'ce-fleet' }, target: { connectionId: target.id, applicationId: 'cloud-fleet' },
      deviceIds: ids, options: { application: { overwrite: ['webhook:crm-ingest'] } },
    });
    expect(plan.application?.items.find((i) => i.key === 'webhook:crm-ingest')).toMatchObject({ status: 'differs', action: 'write' });
    const { run } = await h.call('run:start', { planId: plan.planId });
    await h.waitFor(() => h!.eventsOf('run:progress').some((e) => e.runId === run.runId && e.event.type === 'run' && e.event.state === 'finished'), 'the run');
    const { markdown } = await h.call('update-sheet:get', { runId: run.runId });
    expect(markdown).toMatch(/## Webhooks/);
    // The target holds the secrets it needs (the overwritten webhook's headers)…
    const crm = src.sim.inspectApplication('ce-fleet')!.webhooks.find((w: { ids: { webhook_id: string } }) => w.ids.webhook_id === 'crm-ingest');
    const onTarget = dst.sim.inspectApplication('cloud-fleet')!.webhooks.find((w: { ids: { webhook_id: string } }) => w.ids.webhook_id === 'crm-ingest');
    expect(onTarget.headers).toEqual(crm.headers);
    // …and nothing the app wrote or showed holds any of them.
    const texts = [
      ...filesUnder(logDir).map((f) => readFileSync(f, 'utf8')),
      ...filesUnder(run.runDir).map((f) => readFileSync(f, 'utf8')),
      JSON.stringify(h.results), JSON.stringify(h.events),
    ];
    expect(texts.join('').length).toBeGreaterThan(1000);
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret), `a secret (${secret.slice(0, 4)}…) leaked`).toBe(false);
  });
});
