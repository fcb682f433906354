// Every mode end to end against two simulators: the exact fields on the target and on the
// source afterwards, as "migrate without persisting the active session" prescribes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAtPath } from '../../../src-main/stack/paths.js';
import { asDevice, part, startFleet, type Fleet } from '../../support/demo-sides.js';
import { migrate } from '../../support/run-migration.js';

let fleet: Fleet | undefined;
afterEach(async () => fleet?.close());

const otaaIds = (f: Fleet) => f.source.listDeviceIds(f.sourceApp).filter((id) => part(f.source, f.sourceApp, id, 'ns', 'supports_join') === true && f.programmed.get(id)?.appKey);
const abpIds = (f: Fleet) => f.source.listDeviceIds(f.sourceApp).filter((id) => part(f.source, f.sourceApp, id, 'ns', 'supports_join') !== true);

describe('OTAA, rotating the source AppKey (the default)', () => {
  it('creates the device on the target without session and with the same keys, then rotates the source keys', async () => {
    fleet = await startFleet({ devices: 12, mix: 'otaa' });
    const f = fleet;
    const ids = otaaIds(f);
    const { result } = await migrate(f, { deviceIds: ids });
    expect(result?.summary.migrated).toBe(ids.length);
    expect(result?.summary.failed).toBe(0);
    for (const id of ids) {
      const t = f.target.inspect(f.targetApp, id)!;
      const s = f.source.inspect(f.sourceApp, id)!;
      const prog = f.programmed.get(id)!;
      // Target: complete, with the device's own keys, addressed to the target, no session.
      expect(getAtPath(t.js, 'root_keys.app_key.key')).toBe(prog.appKey);
      if (prog.nwkKey) expect(getAtPath(t.js, 'root_keys.nwk_key.key')).toBe(prog.nwkKey);
      for (const a of ['network_server_address', 'application_server_address', 'join_server_address']) expect(getAtPath(t.is, a)).toBe(f.target.clusterHost);
      expect(getAtPath(t.ns, 'session')).toBeUndefined();
      expect(t.as).toBeDefined(); // an AS record for every device, as the official SDK makes
      expect(getAtPath(t.as, 'session')).toBeUndefined();
      expect(getAtPath(t.ns, 'supports_join')).toBe(true);
      expect(getAtPath(t.ns, 'frequency_plan_id')).toBe(getAtPath(s.ns, 'frequency_plan_id'));
      expect(getAtPath(t.ns, 'lorawan_version')).toBe(getAtPath(s.ns, 'lorawan_version'));
      expect(getAtPath(t.is, 'name')).toBe(getAtPath(s.is, 'name'));
      // Our quieting does not travel to the target.
      expect(getAtPath(t.ns, 'mac_settings.schedule_downlinks')).not.toBe(false);
      // Source: still registered, downlinks off, AppKey replaced.
      expect(getAtPath(s.ns, 'mac_settings.schedule_downlinks')).toBe(false);
      expect(getAtPath(s.js, 'root_keys.app_key.key')).toMatch(/^[0-9A-F]{32}$/);
      expect(getAtPath(s.js, 'root_keys.app_key.key')).not.toBe(prog.appKey);
      // The device, with its programmed key, can join the target and no longer the source.
      const device = asDevice(prog);
      expect(f.target.simulateJoin(f.targetApp, id, device).accepted).toBe(true);
      expect(f.source.simulateJoin(f.sourceApp, id, device).accepted).toBe(false);
    }
  });
});

describe('OTAA, deleting the source device', () => {
  it('removes every part from the source once the target is verified', async () => {
    fleet = await startFleet({ devices: 6, mix: 'otaa' });
    const f = fleet;
    const ids = otaaIds(f);
    const { result } = await migrate(f, { deviceIds: ids, options: { otaaSourceAction: 'delete' } });
    expect(result?.summary.migrated).toBe(ids.length);
    for (const id of ids) {
      expect(f.source.inspect(f.sourceApp, id)?.is).toBeUndefined();
      expect(f.source.inspect(f.sourceApp, id)?.js).toBeUndefined();
      expect(f.target.inspect(f.targetApp, id)?.js).toBeDefined();
    }
  });
});

describe('ABP', () => {
  it('keep-session: same DevAddr and keys, frame counters reset, resets_f_cnt on, source deleted', async () => {
    fleet = await startFleet({ devices: 6, mix: 'abp' });
    const f = fleet;
    const ids = abpIds(f);
    expect(ids.length).toBeGreaterThan(0);
    const { result, plan } = await migrate(f, { deviceIds: ids, options: { abpMode: 'keep-session' } });
    expect(plan.devices.every((d) => d.warnings.some((w) => w.code === 'abp-gateway'))).toBe(true);
    expect(result?.summary.migrated).toBe(ids.length);
    for (const id of ids) {
      const t = f.target.inspect(f.targetApp, id)!;
      const prog = f.programmed.get(id)!;
      expect(getAtPath(t.ns, 'session.dev_addr')).toBe(prog.devAddr);
      expect(getAtPath(t.ns, 'session.keys.f_nwk_s_int_key.key')).toBe(prog.nwkSKey);
      expect(getAtPath(t.as, 'session.keys.app_s_key.key')).toBe(prog.appSKey);
      expect(getAtPath(t.ns, 'mac_settings.resets_f_cnt')).toBe(true);
      expect(getAtPath(t.ns, 'session.last_f_cnt_up') ?? 0).toBe(0);
      expect(getAtPath(t.ns, 'supports_join') ?? false).toBe(false);
      expect(t.js).toBeUndefined(); // ABP devices never join: no Join Server record
      expect(f.source.inspect(f.sourceApp, id)?.is).toBeUndefined();
    }
  });

  it('new-session: a target DevAddr and new keys, the source kept quiet until retired, and a sheet', async () => {
    fleet = await startFleet({ devices: 6, mix: 'abp' });
    const f = fleet;
    const ids = abpIds(f);
    const { result, runDir } = await migrate(f, { deviceIds: ids, options: { abpMode: 'new-session' } });
    expect(result?.summary.awaitingReprogram).toBe(ids.length);
    const sheet = readFileSync(join(runDir, 'reprogram-sheet.csv'), 'utf8').trim().split('\r\n');
    expect(sheet[0]).toBe('device_id,dev_eui,join_eui,dev_addr,nwk_s_key,app_s_key,s_nwk_s_int_key,nwk_s_enc_key,app_key,nwk_key');
    expect(sheet).toHaveLength(ids.length + 1);
    for (const id of ids) {
      const t = f.target.inspect(f.targetApp, id)!;
      const devAddr = getAtPath(t.ns, 'session.dev_addr') as string;
      expect(devAddr).toMatch(/^27/); // from the target's prefix
      expect(devAddr).not.toBe(f.programmed.get(id)!.devAddr);
      expect(getAtPath(t.ns, 'session.keys.f_nwk_s_int_key.key')).not.toBe(f.programmed.get(id)!.nwkSKey);
      const row = sheet.find((l) => l.startsWith(`${id},`))!;
      expect(row).toContain(devAddr);
      expect(row).toContain(getAtPath(t.as, 'session.keys.app_s_key.key') as string);
      expect(part(f.source, f.sourceApp, id, 'ns', 'mac_settings.schedule_downlinks')).toBe(false);
      expect(f.source.inspect(f.sourceApp, id)?.is).toBeDefined();
    }
  });

  it('without a mode, the plan is blocked and nothing is written', async () => {
    fleet = await startFleet({ devices: 6, mix: 'abp' });
    const f = fleet;
    const { plan, result } = await migrate(f, { deviceIds: abpIds(f) });
    expect(result).toBeUndefined();
    expect(plan.blockers.map((b) => b.code)).toContain('abp-mode-missing');
    expect(f.source.writeCount() + f.target.writeCount()).toBe(0);
  });
});

describe('identifiers', () => {
  it('maps device ids with a prefix and keeps EUIs', async () => {
    fleet = await startFleet({ devices: 4, mix: 'otaa' });
    const f = fleet;
    const ids = otaaIds(f);
    await migrate(f, { deviceIds: ids, options: { idMapping: { kind: 'prefix', prefix: 'ttn-' } } });
    for (const id of ids) {
      expect(f.target.inspect(f.targetApp, `ttn-${id}`)?.is).toBeDefined();
      expect(part(f.target, f.targetApp, `ttn-${id}`, 'is', 'ids.dev_eui')).toBe(part(f.source, f.sourceApp, id, 'is', 'ids.dev_eui'));
    }
  });

  it('a second run finds the devices already migrated and writes nothing to the target', async () => {
    fleet = await startFleet({ devices: 5, mix: 'otaa' });
    const f = fleet;
    const ids = otaaIds(f);
    await migrate(f, { deviceIds: ids });
    f.target.resetCounters();
    const again = await migrate(f, { deviceIds: ids });
    expect(again.plan.counts.alreadyMigrated).toBe(ids.length);
    expect(f.target.writeCount()).toBe(0);
    expect(f.target.listDeviceIds(f.targetApp)).toHaveLength(ids.length);
  });
});

describe('ABP keeping its session, a deletion from the source left part-way', () => {
  it('is finished by a later run without its journal (the AS part gone, the NS part still there)', async () => {
    fleet = await startFleet({ devices: 8, mix: 'abp' });
    const f = fleet;
    const ids = abpIds(f).filter((id) => f.programmed.get(id)?.appSKey && !f.programmed.get(id)?.multicast);
    expect(ids.length).toBeGreaterThan(1);
    // The source's NS refuses the delete: AS and JS parts are already gone (deletion order AS, JS, NS, IS).
    f.source.failNext('ns.delete', { status: 400, code: 3, times: ids.length });
    const first = await migrate(f, { deviceIds: ids, options: { abpMode: 'keep-session' } });
    expect(first.result?.summary.failed).toBe(ids.length);
    for (const id of ids) {
      const s = f.source.inspect(f.sourceApp, id)!;
      expect(s.as, id).toBeUndefined();
      expect(s.ns, id).toBeDefined();
    }
    // A new migration of the same devices (the first run's journal is not used): the plan sees
    // the deletion under way and the run finishes it.
    const again = await migrate(f, { deviceIds: ids, options: { abpMode: 'keep-session' } });
    expect(again.plan.devices.map((d) => d.status)).toEqual(ids.map(() => 'ready'));
    expect(again.result?.summary).toMatchObject({ migrated: ids.length, failed: 0 });
    for (const id of ids) {
      expect(f.source.inspect(f.sourceApp, id), id).toBeUndefined();
      expect(getAtPath(f.target.inspect(f.targetApp, id)!.as, 'session.keys.app_s_key.key')).toBe(f.programmed.get(id)!.appSKey);
    }
  });
});
