// Issue 12: the application comes along. A source application with a JavaScript formatter, three
// webhooks (template fields, secret headers, a downlink key), an MQTT pub/sub, package
// associations and 200 devices arrives complete on a target application the run creates;
// killed at random moments and resumed, the run duplicates nothing; no secret of it appears in
// the run folder or the CLI's output.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src-main/sim/index.js';
import { prng } from '../../../src-main/sim/seed.js';
import { buildCli, lastSteps, refusedForMissingJournal, runCli, startCli } from '../../support/cli-process.js';

let cli: string;
let sims: Simulator[] = [];
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function deployments(devices: number, latencyMs = 0, targetOptions: Parameters<typeof startSimulator>[0] = {}) {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16', faults: { latencyMs } });
  const target = await startSimulator({ devAddrPrefix: '27000000/16', faults: { latencyMs }, ...targetOptions });
  sims = [source, target];
  source.addApplication('ce-fleet', { name: 'Fleet', description: 'Water meters' });
  const ids = source.seedDevices('ce-fleet', devices, { seed: 3, mix: 'otaa' });
  const seeded = source.seedIntegrations('ce-fleet', { devices: ids.slice(0, 3) });
  const sourceKey = source.createApiKey('ce-fleet', ['RIGHT_APPLICATION_ALL']);
  // Creating an application needs a user's key: an application key cannot.
  const targetKey = target.createUserApiKey('alice', { rights: ['RIGHT_USER_APPLICATIONS_CREATE', 'RIGHT_APPLICATION_ALL', 'RIGHT_USER_APPLICATIONS_LIST'] });
  const env = { STACK_MIGRATOR_SOURCE_API_KEY: sourceKey, STACK_MIGRATOR_TARGET_API_KEY: targetKey };
  const args = (runDir: string) => ['migrate', '--all', '--source', source.url, '--target', target.url, '--source-app', 'ce-fleet', '--target-app', 'cloud-fleet',
    '--with-application', '--create-target-app', 'user:alice', '--run-dir', runDir, '--json'];
  return { source, target, ids, seeded, env, args, secrets: [...seeded.secrets, sourceKey, targetKey] };
}

/** A kill caught the run carrying the application: its journal has application records and no device's yet. */
function applicationUnfinished(runDir: string): boolean {
  const ids = [...lastSteps(runDir).keys()];
  return ids.length > 0 && ids.every((d) => d.startsWith('@app'));
}

/** The application's settings as both sides hold them, without what each server adds. */
function settings(sim: Simulator, app: string) {
  const a = sim.inspectApplication(app)!;
  const strip = (o: Record<string, unknown>) => {
    const { ids: _i, created_at: _c, updated_at: _u, health_status: _h, downlink_api_key: _k, ...rest } = o;
    return rest;
  };
  return {
    formatters: a.link?.default_formatters,
    webhooks: Object.fromEntries(a.webhooks.map((w: { ids: { webhook_id: string } } & Record<string, unknown>) => [w.ids.webhook_id, strip(w)])),
    pubsubs: Object.fromEntries(a.pubsubs.map((p: { ids: { pub_sub_id: string } } & Record<string, unknown>) => [p.ids.pub_sub_id, strip(p)])),
    packages: a.defaultAssociations.map((p: { package_name: string; data: unknown; ids: { f_port: number } }) => ({ f_port: p.ids.f_port, package_name: p.package_name, data: p.data })),
    devicePackages: a.deviceAssociations.length,
  };
}

describe('the application comes along', () => {
  it('arrives complete on a target application the run creates, before the devices', { timeout: 120_000 }, async () => {
    const d = await deployments(200);
    const runDir = join(mkdtempSync(join(tmpdir(), 'sm-app-')), 'run');
    const r = await runCli(cli, d.args(runDir), d.env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const target = d.target.inspectApplication('cloud-fleet')!;
    expect(target.application).toMatchObject({ name: 'Fleet', description: 'Water meters' });
    expect(target.collaborators.users).toHaveProperty('alice');
    expect(settings(d.target, 'cloud-fleet')).toEqual(settings(d.source, 'ce-fleet'));
    // The webhook with a downlink key has a new key of the target, with the downlink right only.
    const withKey = d.source.inspectApplication('ce-fleet')!.webhooks.filter((w: { downlink_api_key?: string }) => w.downlink_api_key);
    expect(withKey.length).toBe(1);
    const targetHook = target.webhooks.find((w: { ids: { webhook_id: string } }) => w.ids.webhook_id === withKey[0].ids.webhook_id);
    expect(targetHook.downlink_api_key).toMatch(/^NNSXS\./);
    expect(targetHook.downlink_api_key).not.toBe(withKey[0].downlink_api_key);
    expect(d.target.listDeviceIds('cloud-fleet')).toHaveLength(200);
    // The application's items came before the first device.
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; state?: string });
    const firstItem = lines.findIndex((l) => l.type === 'application');
    const firstDevice = lines.findIndex((l) => l.type === 'device');
    expect(firstItem).toBeGreaterThanOrEqual(0);
    expect(firstItem).toBeLessThan(firstDevice);
    expect(readFileSync(join(runDir, 'what-to-update.md'), 'utf8')).toMatch(/## The built-in MQTT server[\s\S]*## Webhooks[\s\S]*## API keys to recreate/);
    // No secret of the application in the run folder or in what the CLI printed.
    const files = readdirSync(runDir).map((f) => readFileSync(join(runDir, f), 'utf8'));
    for (const secret of d.secrets) {
      for (const text of [...files, r.stdout, r.stderr]) expect(text.includes(secret), `secret ${secret.slice(0, 6)}…`).toBe(false);
    }
  });

  it('plans the application section without writing anything (plan and app-plan)', { timeout: 60_000 }, async () => {
    const d = await deployments(5);
    d.target.addApplication('cloud-fleet');
    d.target.seedIntegrations('cloud-fleet', { pubsub: false, packages: false });
    // The target exists: its own application key does.
    const env = { ...d.env, STACK_MIGRATOR_TARGET_API_KEY: d.target.createApiKey('cloud-fleet', ['RIGHT_APPLICATION_ALL']) };
    const before = d.source.writeCount() + d.target.writeCount();
    const base = ['--source', d.source.url, '--target', d.target.url, '--source-app', 'ce-fleet', '--target-app', 'cloud-fleet'];
    const plan = await runCli(cli, ['plan', '--all', ...base, '--with-application'], env);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    expect(plan.stdout).toMatch(/Application: the target application exists; \d+ item\(s\) to write\./);
    expect(plan.stdout).toMatch(/differs +Name, description and attributes → kept \(--overwrite-app-items application to replace it\)\n +description: none on the target, "Water meters" on the source/);
    expect(plan.stdout).toMatch(/same +Default payload formatters/);
    expect(plan.stdout).toMatch(/differs +Webhook crm-ingest → kept .*\n +only secret values differ \(not shown\)/);
    expect(plan.stdout).toMatch(/new +Pub\/sub broker/);
    expect(plan.stdout).toMatch(/Cannot be carried:\n +API keys:/);
    const appPlan = await runCli(cli, ['app-plan', ...base, '--json'], env);
    expect(appPlan.code).toBe(0);
    const section = JSON.parse(appPlan.stdout.split('\n')[0]!) as { type: string; application: { items: { item: string; status: string }[] } };
    expect(section.type).toBe('application-plan');
    expect(section.application.items.find((i) => i.item === 'webhook:crm-ingest')?.status).toBe('differs');
    for (const secret of d.secrets) expect(plan.stdout + appPlan.stdout, 'a secret in the plan').not.toContain(secret);
    expect(d.source.writeCount() + d.target.writeCount()).toBe(before);
  });

  it('says in words when the target\u2019s plan allows no more applications, before any device moves', { timeout: 60_000 }, async () => {
    const d = await deployments(5, 0, { maxApplications: 0 });
    const r = await runCli(cli, d.args(join(mkdtempSync(join(tmpdir(), 'sm-app-')), 'run')), d.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/The target's plan allows no more applications \(tenant_entity_limit\)[\s\S]*No device was moved/);
    expect(d.target.inspectApplication('cloud-fleet')).toBeUndefined();
    // The source as it was: no device quieted or marked.
    for (const id of d.ids) expect(d.source.inspect('ce-fleet', id)!.ns.mac_settings?.schedule_downlinks).not.toBe(false);
  });

  it('killed at random moments and resumed, duplicates nothing', { timeout: 300_000 }, async () => {
    const random = prng(1212);
    let kills = 0;
    let killsInApplication = 0;
    for (let trial = 0; trial < 6; trial++) {
      // 25 ms per request: the application's items take long enough for kills to land among them.
      const d = await deployments(40, 25);
      let runDir = join(mkdtempSync(join(tmpdir(), 'sm-app-')), 'run');
      let args = d.args(runDir);
      for (let attempt = 0; ; attempt++) {
        const { child, result } = startCli(cli, args, d.env);
        // The first attempt is killed while it carries the application (as soon as its journal
        // shows an item being written, give or take), the next two at random moments.
        let timer: NodeJS.Timeout | undefined;
        if (attempt === 0) {
          const dir = runDir;
          const extra = Math.floor(random() * 120);
          timer = setInterval(() => {
            if (existsSync(join(dir, 'journal.jsonl')) && readFileSync(join(dir, 'journal.jsonl'), 'utf8').includes('"app-writing"')) {
              clearInterval(timer);
              setTimeout(() => child.kill('SIGKILL'), extra);
            }
          }, 5);
        } else if (attempt < 3) timer = setTimeout(() => child.kill('SIGKILL'), 300 + Math.floor(random() * 2700));
        const kill = timer;
        const r = await result;
        if (kill) clearInterval(kill);
        if (refusedForMissingJournal(r)) {
          // Killed after run.json, before its journal: a new migration, as the message says.
          runDir = join(mkdtempSync(join(tmpdir(), 'sm-app-')), 'run');
          args = d.args(runDir);
          continue;
        }
        if (r.signal !== 'SIGKILL') {
          expect({ code: r.code, stderr: r.stderr }, `trial ${trial}`).toEqual({ code: 0, stderr: '' });
          break;
        }
        kills++;
        if (applicationUnfinished(runDir)) killsInApplication++;
        if (existsSync(join(runDir, 'run.json'))) args = ['resume', '--run-dir', runDir, '--json'];
      }
      const target = d.target.inspectApplication('cloud-fleet')!;
      expect(settings(d.target, 'cloud-fleet'), `trial ${trial}`).toEqual(settings(d.source, 'ce-fleet'));
      expect(target.webhooks).toHaveLength(d.seeded.webhookIds.length);
      expect(target.pubsubs).toHaveLength(d.seeded.pubsubIds.length);
      // One downlink key per webhook that needs one: an interrupted attempt's key was removed.
      const keys = await (await fetch(`${d.target.url}/api/v3/applications/cloud-fleet/api-keys`, { headers: { Authorization: `Bearer ${d.env.STACK_MIGRATOR_TARGET_API_KEY}` } })).json() as { api_keys?: { name?: string }[] };
      expect((keys.api_keys ?? []).filter((k) => k.name?.startsWith('Stack Migrator: webhook')).length, `trial ${trial}`).toBe(1);
      await Promise.all(sims.map((s) => s.close()));
      sims = [];
    }
    console.log(`application kills: ${kills} over 6 trials, ${killsInApplication} of them while it carried the application`);
    expect(killsInApplication).toBeGreaterThanOrEqual(3);
  });
});
