// devices:export: devices.json through the save dialog, with keys, mode 0600.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';

let dep: Deployment;
let h: Harness;
beforeAll(async () => {
  dep = await startDeployment({ app: 'export-app', devices: 8, mix: 'mixed' });
});
afterAll(async () => {
  await dep.sim.close();
});
afterEach(async () => {
  await h?.close();
});

describe('devices:export', () => {
  it('writes devices.json with the devices’ keys, owner-only, changing nothing on the source', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'S', preset: dep.preset, apiKey: dep.key() });
    const ids = dep.sim.listDeviceIds('export-app').slice(0, 5);
    const path = join(h.outDir, 'devices.json');
    writeFileSync(path, 'old content', { mode: 0o644 }); // the dialog confirmed overwriting
    h.dialog.answer = path;
    const writes = dep.sim.writeCount();
    expect(await h.call('devices:export', { connectionId: connection.id, applicationId: 'export-app', deviceIds: ids, withSession: false })).toEqual({ savedTo: path });
    expect(h.saveDialog).toHaveBeenCalledWith({ defaultName: 'export-app-devices.json', filters: [{ name: 'JSON', extensions: ['json'] }] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const devices = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(devices.map((d) => d.ids.device_id)).toEqual(ids);
    for (const d of devices) {
      const js = dep.sim.inspect('export-app', d.ids.device_id)!.js;
      if (js?.root_keys?.app_key?.key) expect(d.root_keys.app_key.key).toBe(js.root_keys.app_key.key);
      expect(d).not.toHaveProperty('session');
      expect(d).not.toHaveProperty('network_server_address');
    }
    expect(dep.sim.writeCount()).toBe(writes);
    // The answer itself carries no key.
    expect(JSON.stringify(h.results)).not.toMatch(/[0-9A-F]{32}/i);
  });

  it('a cancelled dialog writes nothing', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'S', preset: dep.preset, apiKey: dep.key() });
    h.dialog.answer = undefined;
    expect(await h.call('devices:export', { connectionId: connection.id, applicationId: 'export-app', deviceIds: dep.sim.listDeviceIds('export-app'), withSession: true })).toEqual({ cancelled: true });
    expect(existsSync(join(h.outDir, 'saved'))).toBe(false);
  });

  it('a key that cannot read device keys is refused before the dialog opens', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'S', preset: dep.preset, apiKey: dep.key(['RIGHT_APPLICATION_DEVICES_READ']) });
    expect(await h.invoke('devices:export', { connectionId: connection.id, applicationId: 'export-app', deviceIds: ['x-1-2'], withSession: false }))
      .toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/cannot read device keys/) } });
    expect(h.saveDialog).not.toHaveBeenCalled();
  });

  it('a device that does not exist fails the export and leaves no file', async () => {
    h = await startHarness();
    const { connection } = await h.call('connections:add', { name: 'S', preset: dep.preset, apiKey: dep.key() });
    const path = join(h.outDir, 'partial.json');
    h.dialog.answer = path;
    const result = await h.invoke('devices:export', { connectionId: connection.id, applicationId: 'export-app', deviceIds: [dep.sim.listDeviceIds('export-app')[0]!, 'no-such-device'], withSession: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'server' } });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(h.outDir)).toEqual([]); // nor a temp file
  });
});
