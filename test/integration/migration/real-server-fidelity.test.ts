// Migrations against the real server's rules (issue 9), each point against a simulator that
// imitates that rule as the server's source has it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDevicesJson } from '../../../src-main/migration/files/devices-json.js';
import { retireSource } from '../../../src-main/migration/pipeline.js';
import { planMigration, planSelection } from '../../../src-main/migration/planner.js';
import { migrationOptionsSchema } from '../../../src-main/migration/options.js';
import { newRunId, writeManifest, type RunManifest } from '../../../src-main/migration/run-dir.js';
import { openSides, startRun } from '../../../src-main/migration/session.js';
import { StackClient } from '../../../src-main/stack/client.js';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { anySchema } from '../../../src-main/stack/schemas.js';
import { startSimulator, type Simulator } from '../../../src-main/sim/index.js';
import { asDevice, startFleet, type Fleet } from '../../support/demo-sides.js';
import { violations } from '../../support/fleet-invariants.js';
import { migrate } from '../../support/run-migration.js';

let fleet: Fleet | undefined;
const sims: Simulator[] = [];
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const js = (f: Fleet, side: 'source' | 'target', id: string) => (side === 'source' ? f.source.inspect(f.sourceApp, id) : f.target.inspect(f.targetApp, id))?.js;
const otaaIds = (f: Fleet) => f.source.listDeviceIds(f.sourceApp).filter((id) => f.programmed.get(id)!.joinKey);

describe('1. server addresses are compared by host', () => {
  for (const [name, address] of [['a bare host', (t: Simulator) => t.clusterHost.split(':')[0]!], ['host:8886', (t: Simulator) => `${t.clusterHost.split(':')[0]}:8886`]] as const) {
    it(`a target application naming its servers by ${name} gets every OTAA device with its keys on the Join Server`, async () => {
      fleet = await startFleet({
        devices: 6, mix: 'otaa',
        targetAddresses: (t) => ({ network_server_address: address(t), application_server_address: address(t), join_server_address: address(t) }),
      });
      const { result } = await migrate(fleet);
      expect(result?.summary.failed).toBe(0);
      expect(result?.summary.migrated).toBe(6);
      for (const id of otaaIds(fleet)) {
        expect(getAtPath(js(fleet, 'target', id), `root_keys.${fleet.programmed.get(id)!.joinKeySlot}.key`)).toBe(fleet.programmed.get(id)!.joinKey);
        expect(getAtPath(fleet.target.inspect(fleet.targetApp, id)!.is, 'join_server_address')).toBe(address(fleet.target));
      }
    });
  }
});

describe('2. admin and restricted users\' keys', () => {
  it('an admin user\'s key (universal_rights as an object) connects, plans and migrates', async () => {
    fleet = await startFleet({ devices: 5, mix: 'otaa', adminKeys: true });
    const client = new StackClient({ isUrl: fleet.source.url, clusterUrl: fleet.source.clusterUrl, apiKey: fleet.sourceKey });
    const auth = await client.authInfo();
    client.close();
    expect(auth.is_admin).toBe(true);
    expect(auth.rights).toContain('RIGHT_APPLICATION_DEVICES_READ_KEYS');
    const { plan, result } = await migrate(fleet);
    expect(plan.blockers).toEqual([]);
    expect(result?.summary.migrated).toBe(5);
  });

  it('an admin who is no collaborator of the application is told before any write that the key cannot read device keys', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    sim.addApplication('app1');
    sim.seedDevices('app1', 3, { mix: 'otaa' });
    const key = sim.createUserApiKey('admin', { rights: ['RIGHT_ALL'], admin: true });
    const sides = await openSides(
      { source: { kind: 'stack', isUrl: sim.url, clusterUrl: sim.clusterUrl, appId: 'app1' }, target: { isUrl: sim.url, clusterUrl: sim.clusterUrl, appId: 'app1' } },
      { source: key, target: key },
    );
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: sim.listDeviceIds('app1'), options: migrationOptionsSchema.parse({}) });
    sides.close();
    // Universal rights (AllAdminRights) read and write devices but never their keys.
    expect(plan.blockers.map((b) => b.message).join(' ')).toMatch(/source API key cannot read the devices\u2019 root and session keys/);
    expect(sim.writeCount()).toBe(0);
  });

  it('a restricted user\'s key (e-mail not validated) is told in words what it lacks', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    sim.addApplication('app1');
    const key = sim.createUserApiKey('new-user', { rights: ['RIGHT_ALL'], emailValidated: false, applications: { app1: ['RIGHT_APPLICATION_ALL'] } });
    const client = new StackClient({ isUrl: sim.url, clusterUrl: sim.clusterUrl, apiKey: key });
    const auth = await client.authInfo();
    client.close();
    expect(auth.rights).not.toContain('RIGHT_APPLICATION_DEVICES_READ');
    const sides = await openSides(
      { source: { kind: 'stack', isUrl: sim.url, clusterUrl: sim.clusterUrl, appId: 'app1' }, target: { isUrl: sim.url, clusterUrl: sim.clusterUrl, appId: 'app1' } },
      { source: key, target: key },
    );
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: [], options: migrationOptionsSchema.parse({}) });
    sides.close();
    expect(plan.blockers.map((b) => b.message).join(' ')).toMatch(/cannot read the devices/);
  });
});

describe('3. every root key the Join Server holds', () => {
  it('1.0.x devices with a NwkKey join the target with it and can no longer join the source', async () => {
    fleet = await startFleet({ devices: 60, mix: 'varied', seed: 11 });
    const { plan, result } = await migrate(fleet, { options: { abpMode: 'keep-session' } });
    const withNwk = otaaIds(fleet).filter((id) => fleet!.programmed.get(id)!.nwkKey && fleet!.programmed.get(id)!.lorawanVersion !== 'MAC_V1_1');
    expect(withNwk.length).toBeGreaterThan(0);
    const nwkOnly = withNwk.filter((id) => !fleet!.programmed.get(id)!.appKey);
    expect(nwkOnly.length).toBeGreaterThan(0); // migratable, not "keys unreadable"
    for (const id of nwkOnly) expect(plan.devices.find((d) => d.sourceId === id)?.status).toBe('ready');
    expect(result?.summary.failed).toBe(0);
    for (const id of otaaIds(fleet)) {
      const prog = fleet.programmed.get(id)!;
      const src = fleet.source.inspect(fleet.sourceApp, id)!;
      const tgt = js(fleet, 'target', id);
      expect(getAtPath(tgt, 'root_keys.app_key.key')).toBe(prog.appKey);
      expect(getAtPath(tgt, 'root_keys.nwk_key.key')).toBe(prog.nwkKey);
      expect(getAtPath(tgt, 'root_keys.root_key_id')).toBe(prog.rootKeyId);
      // Every root key the source held was rotated.
      if (prog.appKey) expect(getAtPath(src.js, 'root_keys.app_key.key')).not.toBe(prog.appKey);
      if (prog.nwkKey) expect(getAtPath(src.js, 'root_keys.nwk_key.key')).not.toBe(prog.nwkKey);
      // The device, with its key: refused by the source (whatever its nonces), accepted by the target.
      expect(fleet.source.simulateJoin(fleet.sourceApp, id, { key: prog.joinKey }).accepted, `${id} joins the source`).toBe(false);
      const joined = fleet.target.simulateJoin(fleet.targetApp, id, { key: prog.joinKey });
      expect(joined.accepted, `${id} (${prog.lorawanVersion}) joins the target: ${joined.reason}`).toBe(true);
    }
    expect(violations(fleet, fleet.source.listDeviceIds(fleet.sourceApp))).toEqual([]);
  });
});

describe('4. the Join Server\'s nonce state', () => {
  it('LoRaWAN 1.0.4 and 1.1 devices that joined the source before take the target\'s Join-Accepts', async () => {
    fleet = await startFleet({ devices: 60, mix: 'varied', seed: 11 });
    const withHistory = otaaIds(fleet).filter((id) => ['MAC_V1_0_4', 'MAC_V1_1'].includes(fleet!.programmed.get(id)!.lorawanVersion ?? '') && (fleet!.programmed.get(id)!.lastJoinNonce ?? 0) > 0);
    expect(withHistory.length).toBeGreaterThan(0);
    const { result } = await migrate(fleet, { deviceIds: withHistory });
    expect(result?.summary.migrated).toBe(withHistory.length);
    for (const id of withHistory) {
      const prog = fleet.programmed.get(id)!;
      const src = fleet.source.inspect(fleet.sourceApp, id)!;
      for (const f of ['last_join_nonce', 'last_dev_nonce', 'used_dev_nonces', 'resets_join_nonces', 'last_rj_count_0', 'last_rj_count_1', 'net_id']) {
        expect(getAtPath(js(fleet, 'target', id), f), `${id} ${f}`).toEqual(getAtPath(src.js, f));
      }
      // The device: its key, its next DevNonce, and the last JoinNonce it accepted from the source.
      const joined = fleet.target.simulateJoin(fleet.targetApp, id, asDevice(prog));
      expect(joined.accepted, `${id} (${prog.lorawanVersion}, JoinNonce ${prog.lastJoinNonce}): ${joined.reason}`).toBe(true);
      expect(joined.joinNonce).toBe((prog.lastJoinNonce ?? 0) + 1);
    }
  });
});

describe('5. joins are seen where the cluster publishes them', () => {
  it('with the Identity Server and the cluster on different hosts, every join reaches the run', async () => {
    fleet = await startFleet({ devices: 6, mix: 'otaa', separateCluster: true });
    expect(fleet.target.clusterUrl).not.toBe(fleet.target.url);
    const f = fleet;
    const sides = await f.sides();
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: f.source.listDeviceIds(f.sourceApp), options: migrationOptionsSchema.parse({}) });
    const runDir = mkdtempSync(join(tmpdir(), 'sm-nam1-'));
    const manifest: RunManifest = { version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...f.manifestBase, options: plan.options, deviceIds: planSelection(plan).ready, blocked: [] };
    await writeManifest(runDir, manifest);
    const { run, finished } = startRun({ runDir, manifest, sides, onEvent: () => undefined, watchJoins: true });
    await finished;
    for (const id of manifest.deviceIds) {
      const prog = f.programmed.get(id)!;
      expect(f.target.simulateJoin(f.targetApp, id, asDevice(prog)).accepted).toBe(true);
    }
    const deadline = Date.now() + 10_000;
    while ([...run.states.values()].some((s) => s !== 'joined') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    run.stopWatching();
    sides.close();
    expect([...run.states.values()]).toEqual(manifest.deviceIds.map(() => 'joined'));
  });
});

describe('6. rate limits per method × device × key', () => {
  it('one device\'s empty bucket does not slow the others', async () => {
    const sim = await startSimulator({ rateLimit: { profiles: [{ maxPerMin: 2, associations: ['grpc:method'] }] } });
    sims.push(sim);
    sim.addApplication('app1');
    const ids = sim.seedDevices('app1', 25, { mix: 'otaa' });
    const client = new StackClient({ isUrl: sim.url, clusterUrl: sim.clusterUrl, apiKey: sim.createApiKey('app1', ['RIGHT_APPLICATION_ALL']) });
    let limited = 0;
    client.transport.observe({ onResponse: (r) => void (r.status === 429 && limited++) });
    // Two reads of the first device empty its bucket (2 per minute) …
    await client.getDevicePart('is', 'app1', ids[0]!, ['name']);
    await client.getDevicePart('is', 'app1', ids[0]!, ['name']);
    // … and every other device is read at once, without a wait or a 429.
    const started = Date.now();
    await Promise.all(ids.slice(1).map((id) => client.getDevicePart('is', 'app1', id, ['name'])));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(limited).toBe(0);
    client.close();
  });
});

describe('7. undoing a quieting restores the previous state exactly', () => {
  it('a multicast device (schedule_downlinks unset) is rolled back cleanly and left unset', async () => {
    fleet = await startFleet({ devices: 60, mix: 'varied', seed: 11 });
    const multicast = fleet.source.listDeviceIds(fleet.sourceApp).find((id) => fleet!.programmed.get(id)!.multicast && fleet!.programmed.get(id)!.scheduleDownlinks === undefined);
    expect(multicast).toBeDefined();
    fleet.target.failNext('is.create', { status: 400, code: 3 });
    const { result, run } = await migrate(fleet, { deviceIds: [multicast!], options: { abpMode: 'keep-session' }, concurrency: 1 });
    expect(result?.summary.failed).toBe(1);
    // Rolled back completely: the target removed and the source's setting restored.
    expect(run?.states.get(multicast!)).toBe('rolled-back');
    expect(getAtPath(fleet.source.inspect(fleet.sourceApp, multicast!)!.ns, 'mac_settings')).not.toHaveProperty('schedule_downlinks');
  });
});

describe('8. PUT on the Join and Network Servers is an upsert', () => {
  it('retiring a device someone deleted from the source\'s Join Server leaves no stub there', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa' });
    const id = otaaIds(fleet)[0]!;
    const sides = await fleet.sides();
    if (sides.source.kind !== 'stack') throw new Error('stack source expected');
    const { client, appId } = sides.source;
    await client.request({ method: 'DELETE', url: client.url('js', `/applications/${appId}/devices/${id}`), route: 'js.delete', idempotent: true, operation: 'delete by hand', schema: anySchema });
    const ids = fleet.source.inspect(appId, id)!.is.ids;
    await retireSource(sides.source, id, { devEui: ids.dev_eui, joinEui: ids.join_eui, rootKeys: ['app_key'] }, 'rotate-keys');
    sides.close();
    expect(fleet.source.inspect(appId, id)!.js).toBeUndefined();
  });

  it('a device whose Network Server record vanished before the run is not quieted into a stub', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa' });
    const f = fleet;
    const id = otaaIds(f)[0]!;
    const { result } = await migrate(f, {
      deviceIds: [id],
      beforeRun: async () => {
        const c = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: f.sourceKey });
        await c.request({ method: 'DELETE', url: c.url('ns', `/applications/${f.sourceApp}/devices/${id}`), route: 'ns.delete', idempotent: true, operation: 'delete by hand', schema: anySchema });
        c.close();
      },
    });
    expect(result?.summary.failed).toBe(1);
    expect(f.source.inspect(f.sourceApp, id)!.ns).toBeUndefined();
    expect(f.target.inspect(f.targetApp, id)).toBeUndefined();
  });
});

describe('9. error classes', () => {
  it('storage transactions that lose a race (pkg/redis:transaction_failed) are sent again: every device arrives', async () => {
    fleet = await startFleet({ devices: 30, mix: 'otaa' });
    // 10 % of writes lost to a race: about 25 of the run's 250 writes are sent again. (At 20 %, six
    // attempts per write — the client's five retries — still failed a write of the run about one
    // time in 30: a failure the engine reports by design, not the behaviour under test.)
    fleet.source.setFaults({ abortRate: 0.1 });
    fleet.target.setFaults({ abortRate: 0.1 });
    const { result } = await migrate(fleet);
    expect(result?.summary.failed).toBe(0);
    expect(result?.summary.migrated).toBe(30);
    expect(violations(fleet, fleet.source.listDeviceIds(fleet.sourceApp))).toEqual([]);
  });
});

describe('10. version aliases in a devices.json', () => {
  it('"1.1" gets both root keys and, for ABP, all four session keys', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    sim.addApplication('cloud');
    const key = sim.createApiKey('cloud', ['RIGHT_APPLICATION_ALL']);
    const K = (b: string) => b.repeat(16);
    const base = { lorawan_phy_version: '1.1-b', frequency_plan_id: 'EU_863_870_TTN' };
    const file = join(mkdtempSync(join(tmpdir(), 'sm-alias-')), 'devices.json');
    writeFileSync(file, [
      { ids: { device_id: 'otaa-11', dev_eui: '70B3D57ED0001101', join_eui: '70B3D57ED0000000' }, ...base, lorawan_version: '1.1', supports_join: true, root_keys: { app_key: { key: K('A1') }, nwk_key: { key: K('B2') } } },
      { ids: { device_id: 'abp-11', dev_eui: '70B3D57ED0001102', join_eui: '0000000000000000' }, ...base, lorawan_version: 'V1_1', supports_join: false,
        session: { dev_addr: '260B1234', keys: { app_s_key: { key: K('C3') }, f_nwk_s_int_key: { key: K('D4') }, s_nwk_s_int_key: { key: K('E5') }, nwk_s_enc_key: { key: K('F6') } } } },
    ].map((d) => JSON.stringify(d)).join('\n'));
    const { devices, problems } = await readDevicesJson(file);
    expect(problems).toEqual([]);
    expect(devices.map((d) => d.lorawan_version)).toEqual(['MAC_V1_1', 'MAC_V1_1']);
    const manifestBase = { source: { kind: 'file' as const, path: file }, target: { isUrl: sim.url, clusterUrl: sim.clusterUrl, appId: 'cloud' } };
    const sides = await openSides(manifestBase, { target: key }, new Map(devices.map((d) => [d.ids.device_id, d])));
    const options = migrationOptionsSchema.parse({ abpMode: 'keep-session' });
    const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: ['otaa-11', 'abp-11'], options });
    const runDir = mkdtempSync(join(tmpdir(), 'sm-alias-run-'));
    const manifest: RunManifest = { version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...manifestBase, options, deviceIds: planSelection(plan).ready, blocked: [] };
    await writeManifest(runDir, manifest);
    const { finished } = startRun({ runDir, manifest, sides, onEvent: () => undefined });
    const { summary } = await finished;
    sides.close();
    expect(summary.migrated).toBe(2);
    expect(getAtPath(sim.inspect('cloud', 'otaa-11')!.js, 'root_keys')).toMatchObject({ app_key: { key: K('A1') }, nwk_key: { key: K('B2') } });
    const ns = sim.inspect('cloud', 'abp-11')!.ns;
    expect(getAtPath(ns, 'session.keys.s_nwk_s_int_key.key')).toBe(K('E5'));
    expect(getAtPath(ns, 'session.keys.nwk_s_enc_key.key')).toBe(K('F6'));
  });
});
