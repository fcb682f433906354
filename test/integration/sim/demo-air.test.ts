// The demo workspace's air: EM320-TH devices re-join on their reboot command,
// the others need a power cycle, exactly one never comes back.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TRIGGER, type DemoWorkspace, demoAirSpecs, startDemoWorkspace } from '../../../src-main/demo/workspace.js';
import { callAt } from './helpers.js';

let ws: DemoWorkspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

describe('demo workspace air', () => {
  it('chooses behaviours by model, with exactly one device that never comes back', async () => {
    ws = await startDemoWorkspace({ devices: 60, air: false });
    expect(ws.air).toBeUndefined();
    const specs = demoAirSpecs(ws.source.sim, ws.source.appId, 2000);
    const model = (devEui: string) => {
      const owner = ws!.source.sim.findDevice(specs.find((s) => s.devEui === devEui)!.joinEui, devEui)!;
      return ws!.source.sim.inspect(owner.applicationId, owner.deviceId)?.is.version_ids?.model_id;
    };
    expect(specs.filter((s) => s.reacts === 'never')).toHaveLength(1);
    const triggered = specs.filter((s) => s.reacts === 'trigger');
    expect(triggered.length).toBeGreaterThanOrEqual(5);
    for (const s of triggered) {
      expect(model(s.devEui)).toBe('em320-th');
      expect(s.trigger).toEqual({ fPort: 85, payloadHex: 'ff10ff' });
    }
    expect(triggered.some((s) => (s.rejoinDelayMs ?? 0) > 0)).toBe(true);
    for (const s of specs.filter((x) => x.reacts === 'power-cycle')) expect(model(s.devEui)).not.toBe('em320-th');
    expect(specs.every((s) => s.uplinkEveryMs === 2000)).toBe(true);
  });

  it('puts the devices on the air: a triggered EM320-TH re-joins the target, close() stops it', async () => {
    ws = await startDemoWorkspace({ devices: 40, uplinkEveryMs: 100 });
    const { source, target, air } = ws;
    expect(air).toBeDefined();
    const specs = demoAirSpecs(source.sim, source.appId, 100);
    const spec = specs.find((s) => s.reacts === 'trigger' && !s.rejoinDelayMs)!;
    const owner = source.sim.findDevice(spec.joinEui, spec.devEui)!;
    expect(air!.deviceView(spec.devEui)).toMatchObject({ network: 0 });
    // What the migration does: register on the target (same root keys and version), rotate the source keys, push the trigger.
    const parts = source.sim.inspect(source.appId, owner.deviceId)!;
    const ids = { device_id: 'moved', dev_eui: spec.devEui, join_eui: spec.joinEui };
    const put = async (component: string, endDevice: object, paths: string[]) => {
      const res = await callAt(target.sim.url, target.apiKey, 'PUT', `/${component}/applications/${target.appId}/devices/moved`, {
        end_device: { ids, ...endDevice },
        field_mask: { paths },
      });
      expect(res.status, res.text).toBe(200);
    };
    const created = await callAt(target.sim.url, target.apiKey, 'POST', `/applications/${target.appId}/devices`, {
      end_device: { ids, network_server_address: target.sim.clusterHost, application_server_address: target.sim.clusterHost, join_server_address: target.sim.clusterHost },
    });
    expect(created.status, created.text).toBe(200);
    await put('js', { root_keys: parts.js.root_keys }, ['app_key', 'nwk_key'].filter((k) => parts.js.root_keys[k]).map((k) => `root_keys.${k}.key`));
    const ns = ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join'];
    await put('ns', Object.fromEntries(ns.map((k) => [k, parts.ns[k]])), ns);
    await put('as', {}, []);
    const rotate = await callAt(source.sim.url, source.apiKey, 'PUT', `/js/applications/${source.appId}/devices/${owner.deviceId}`, {
      end_device: { ids: { device_id: owner.deviceId, dev_eui: spec.devEui, join_eui: spec.joinEui }, root_keys: { app_key: { key: '5A'.repeat(16) }, nwk_key: { key: '5B'.repeat(16) } } },
      field_mask: { paths: ['root_keys.app_key.key', 'root_keys.nwk_key.key'] },
    });
    expect(rotate.status, rotate.text).toBe(200);
    const pushed = await callAt(source.sim.clusterUrl, source.apiKey, 'POST', `/as/applications/${source.appId}/devices/${owner.deviceId}/down/push`, {
      downlinks: [{ f_port: DEMO_TRIGGER.fPort, frm_payload: Buffer.from(DEMO_TRIGGER.payloadHex, 'hex').toString('base64') }],
    });
    expect(pushed.status, pushed.text).toBe(200);
    const deadline = Date.now() + 4000;
    while (air!.deviceView(spec.devEui)?.network !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(air!.deviceView(spec.devEui)).toMatchObject({ network: 1, joinAttempts: 1 });
    expect(target.sim.inspect(target.appId, 'moved')?.ns.session).toBeDefined();
    await ws.close();
    ws = undefined;
    // Stopped: a power cycle no longer sends anything.
    air!.powerCycle(spec.devEui);
    expect(air!.deviceView(spec.devEui)?.joinAttempts).toBe(1);
  });
});
