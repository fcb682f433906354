// End to end through the CLI, as a user on nam1 would run it: the Identity Server and the
// cluster on different hosts, admin users' keys, a fleet of every kind (LoRaWAN 1.0.x with
// and without a NwkKey, 1.0.4 and 1.1 with nonce history, ABP, multicast, keys on an external
// Join Server) under 5 % faults. Every device arrives and joins; nothing is stranded or live
// twice; the source is left as the plan said.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { asDevice, joinKeyOf, startFleet, type Fleet } from '../../support/demo-sides.js';
import { violations } from '../../support/fleet-invariants.js';
import { buildCli, startCli, summaryOf } from '../../support/cli-process.js';

let cli: string;
let fleet: Fleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('a nam1-style migration with admin keys under faults', () => {
  it('moves every kind of device, each joins the target, and the source is left as planned', { timeout: 120_000 }, async () => {
    fleet = await startFleet({ devices: 80, mix: 'varied', seed: 23, separateCluster: true, adminKeys: true });
    const f = fleet;
    const ids = f.source.listDeviceIds(f.sourceApp);
    const kinds = [...f.programmed.values()];
    // The fleet holds every kind the issue names.
    expect(kinds.some((p) => p.joinKeySlot === 'nwk_key' && p.lorawanVersion !== 'MAC_V1_1')).toBe(true);
    expect(kinds.some((p) => p.joinKeySlot === 'app_key' && p.nwkKey === undefined)).toBe(true);
    expect(kinds.some((p) => p.lorawanVersion === 'MAC_V1_0_4' && (p.lastJoinNonce ?? 0) > 0)).toBe(true);
    expect(kinds.some((p) => p.lorawanVersion === 'MAC_V1_1' && (p.lastJoinNonce ?? 0) > 0)).toBe(true);
    expect(kinds.some((p) => p.multicast)).toBe(true);
    expect(kinds.some((p) => !p.joinKey && !p.multicast && p.appSKey)).toBe(true); // ABP
    const external = ids.filter((id) => f.source.inspect(f.sourceApp, id)!.is.join_server_address?.includes('external'));
    expect(external.length).toBeGreaterThan(0);

    for (const s of [f.source, f.target]) s.setFaults({ errorRate: 0.03, dropRate: 0.01, abortRate: 0.01 });
    const runDir = join(mkdtempSync(join(tmpdir(), 'sm-e2e-')), 'run');
    const { child, result } = startCli(cli, [
      'migrate', '--all', '--json', '--run-dir', runDir, '--abp-mode', 'keep-session', '--generate-keys', '--wait-joins', '15',
      '--source-is', f.source.url, '--source-cluster', f.source.clusterUrl, '--source-app', f.sourceApp,
      '--target-is', f.target.url, '--target-cluster', f.target.clusterUrl, '--target-app', f.targetApp,
    ], { STACK_MIGRATOR_SOURCE_API_KEY: f.sourceKey, STACK_MIGRATOR_TARGET_API_KEY: f.targetKey });

    // Once the CLI waits for joins, the devices (re-)join the target: OTAA devices with their
    // key and nonce memory (re-programmed ones with the key of the sheet), ABP devices with an uplink.
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (c) => {
        out += String(c);
        if (/Waiting up to 15 s/.test(out)) resolve();
      });
      child.on('close', () => resolve());
    });
    for (const s of [f.source, f.target]) s.setFaults({});
    const joined = new Map<string, string>();
    for (const id of ids) {
      const prog = f.programmed.get(id)!;
      const t = f.target.inspect(f.targetApp, id);
      if (!t) continue;
      if (getAtPath(t.ns, 'supports_join') === true) {
        const key = prog.joinKey ?? joinKeyOf(t.js, prog.lorawanVersion).key; // re-programmed: the new key
        const r = f.target.simulateJoin(f.targetApp, id, asDevice(prog, key));
        joined.set(id, r.accepted ? 'joined' : `refused: ${r.reason}`);
      } else if (!prog.multicast) {
        const r = f.target.simulateUplink(f.targetApp, id);
        joined.set(id, r.delivered ? 'joined' : `no uplink: ${r.reason}`);
      }
    }
    const r = await result;
    expect(r.stderr).toBe('');
    const summary = summaryOf(r.stdout)!;
    expect(summary).toMatchObject({ migrated: ids.length, failed: 0, skipped: 0, blocked: 0 });
    expect(r.code).toBe(0);

    // Every unicast device joined the target, and the run saw it (events from the cluster host).
    const unicast = ids.filter((id) => !f.programmed.get(id)!.multicast);
    expect([...joined.entries()].filter(([, v]) => v !== 'joined')).toEqual([]);
    expect(joined.size).toBe(unicast.length);
    expect(summary.joined).toBe(unicast.length);
    // Multicast devices send no uplinks: moved, with no join to wait for.
    const moved = r.stdout.split('\n').filter((l) => l.includes('"state":"moved"')).map((l) => JSON.parse(l).deviceId as string);
    expect(moved.sort()).toEqual(ids.filter((id) => f.programmed.get(id)!.multicast).sort());

    // Nothing stranded, nothing live twice, and the source as the plan said.
    expect(violations(f, ids)).toEqual([]);
    for (const id of ids) {
      const prog = f.programmed.get(id)!;
      const s = f.source.inspect(f.sourceApp, id);
      if (prog.joinKey) {
        // OTAA with its keys: every root key rotated, downlinks off; it can no longer join there.
        expect(getAtPath(s!.ns, 'mac_settings.schedule_downlinks'), id).toBe(false);
        if (prog.appKey) expect(getAtPath(s!.js, 'root_keys.app_key.key'), id).not.toBe(prog.appKey);
        if (prog.nwkKey) expect(getAtPath(s!.js, 'root_keys.nwk_key.key'), id).not.toBe(prog.nwkKey);
      } else {
        // ABP (keeping its session) and devices re-programmed with new keys: deleted from the source.
        expect(s, id).toBeUndefined();
      }
    }
  });
});
