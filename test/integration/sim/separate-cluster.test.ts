// The Identity Server and the cluster (JS/NS/AS) on separate hosts, as on
// nam1/au1 where the IS is on eu1: routes, shared state, per-host events.
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src-main/sim/index.js';
import { APP_KEY, callAt, openStream, simulatorPerTest } from './helpers.js';

const setup = simulatorPerTest({ separateCluster: true });

const settle = () => new Promise((r) => setTimeout(r, 100));
const ids = { device_id: 'dev-1', dev_eui: '70B3D57ED0000001', join_eui: '70B3D57ED0000000' };

async function createOtaaSplit(s: Simulator, key: string): Promise<void> {
  const is = await callAt(s.url, key, 'POST', '/applications/app/devices', {
    end_device: { ids, network_server_address: s.clusterHost, application_server_address: s.clusterHost, join_server_address: s.clusterHost },
  });
  expect(is.status).toBe(200);
  const js = await callAt(s.clusterUrl, key, 'PUT', '/js/applications/app/devices/dev-1', {
    end_device: { ids, root_keys: { app_key: { key: APP_KEY } } },
    field_mask: { paths: ['root_keys.app_key.key'] },
  });
  expect(js.status).toBe(200);
  const ns = await callAt(s.clusterUrl, key, 'PUT', '/ns/applications/app/devices/dev-1', {
    end_device: { ids, lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true },
    field_mask: { paths: ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join'] },
  });
  expect(ns.status).toBe(200);
  const as = await callAt(s.clusterUrl, key, 'PUT', '/as/applications/app/devices/dev-1', { end_device: { ids }, field_mask: { paths: [] } });
  expect(as.status).toBe(200);
}

describe('IS and cluster on separate hosts', () => {
  it('serves the cluster on a second loopback port; url stays the IS', async () => {
    const { s } = await setup();
    const isPort = Number(new URL(s.url).port);
    const clusterPort = Number(new URL(s.clusterUrl).port);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(isPort).toBe(s.port);
    expect(s.clusterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(clusterPort).not.toBe(isPort);
    expect(s.clusterHost).toBe(`127.0.0.1:${clusterPort}`);
  });

  it('keeps one host without the option', async () => {
    const { s } = await setup({ separateCluster: false });
    expect(s.clusterUrl).toBe(s.url);
    expect(s.clusterHost).toBe(`127.0.0.1:${s.port}`);
  });

  it('answers a route of the other role like an unknown route', async () => {
    const { s, key } = await setup();
    s.seedDevices('app', 1, { seed: 1, mix: 'otaa' });
    const unknown = await callAt(s.url, key, 'GET', '/clients');
    expect(unknown.status).toBe(404);
    for (const [base, path] of [
      [s.url, '/ns/applications/app/devices/dev-00001'],
      [s.url, '/js/applications/app/devices/dev-00001'],
      [s.url, '/as/applications/app/devices/dev-00001'],
      [s.url, '/ns/dev_addr'],
      [s.clusterUrl, '/auth_info'],
      [s.clusterUrl, '/applications'],
      [s.clusterUrl, '/applications/app'],
      [s.clusterUrl, '/applications/app/devices'],
      [s.clusterUrl, '/applications/app/devices/dev-00001'],
    ] as const) {
      const res = await callAt(base, key, 'GET', path);
      expect(res.status, `${base}${path}`).toBe(404);
      expect(res.body, `${base}${path}`).toEqual(unknown.body);
    }
    // Other methods on a path of the other role are not 405 either.
    expect((await callAt(s.clusterUrl, key, 'PATCH', '/applications/app/devices/dev-00001')).status).toBe(404);
    expect((await callAt(s.url, key, 'GET', '/applications/app/devices/dev-00001')).status).toBe(200);
    expect((await callAt(s.clusterUrl, key, 'GET', '/ns/applications/app/devices/dev-00001?field_mask=frequency_plan_id')).status).toBe(200);
    expect((await callAt(s.clusterUrl, key, 'GET', '/ns/dev_addr')).body.dev_addr).toMatch(/^[0-9A-F]{8}$/);
  });

  it('shares keys, stores, counters and faults between the hosts', async () => {
    const { s, key } = await setup();
    await createOtaaSplit(s, key);
    const parts = s.inspect('app', 'dev-1');
    expect(Object.keys(parts ?? {}).sort()).toEqual(['as', 'is', 'js', 'ns']);
    expect(parts?.ns.frequency_plan_id).toBe('EU_863_870_TTN');
    expect(s.counters()['is.create']).toBe(1);
    expect(s.counters()['ns.set']).toBe(1);
    expect(s.writeCount()).toBe(4);
    s.failNext('ns.get', { status: 503 });
    expect((await callAt(s.clusterUrl, key, 'GET', '/ns/applications/app/devices/dev-1')).status).toBe(503);
    s.setFaults({ burst429: { requests: 1 } });
    expect((await callAt(s.url, key, 'GET', '/auth_info')).status).toBe(429);
    expect((await callAt(s.clusterUrl, key, 'GET', '/ns/dev_addr')).status).toBe(200);
  });

  it('streams Identity Server events on the IS host and JS/NS/AS events on the cluster host', async () => {
    const { s, key } = await setup();
    const follow = { identifiers: [{ application_ids: { application_id: 'app' } }] };
    const onIs = await openStream(s.url, key, follow);
    const onCluster = await openStream(s.clusterUrl, key, follow);
    await createOtaaSplit(s, key);
    expect(s.simulateJoin('app', 'dev-1', { appKey: APP_KEY }).accepted).toBe(true);
    await settle();
    await callAt(s.url, key, 'PUT', '/applications/app/devices/dev-1', { end_device: { ids, name: 'renamed' }, field_mask: { paths: ['name'] } });
    await settle();
    const isNames = onIs.names();
    const clusterNames = onCluster.names();
    expect(isNames).toEqual(['end_device.create', 'end_device.update']);
    expect(clusterNames).toContain('js.end_device.create');
    expect(clusterNames).toContain('ns.end_device.create');
    expect(clusterNames).toContain('as.end_device.create');
    expect(clusterNames).toContain('js.join.accept');
    expect(clusterNames).toContain('as.up.join.forward');
    expect(clusterNames.every((n) => /^(js|ns|as)\./.test(n))).toBe(true);
    // Each host opens its stream with its own start event; every event has a unique id.
    expect(onIs.events[0].name).toBe('events.stream.start');
    expect(onCluster.events[0].name).toBe('events.stream.start');
    const unique = [...onIs.events, ...onCluster.events].map((e) => e.unique_id);
    expect(unique.every((u) => typeof u === 'string' && u.length === 26)).toBe(true);
    expect(new Set(unique).size).toBe(unique.length);
    onIs.close();
    onCluster.close();
  });

  it('keeps every event on one stream without the option', async () => {
    const { s, key } = await setup({ separateCluster: false });
    const stream = await openStream(s.url, key, { identifiers: [{ application_ids: { application_id: 'app' } }] });
    await createOtaaSplit(s, key);
    await settle();
    expect(stream.names()).toEqual(['end_device.create', 'js.end_device.create', 'ns.end_device.create', 'as.end_device.create']);
    stream.close();
  });

  it('rate-limits each host with its own store', async () => {
    const { s, key } = await setup({ rateLimit: { profiles: [{ maxPerMin: 60, maxBurst: 1, associations: ['grpc:stream:accept'] }] } });
    const follow = { identifiers: [{ application_ids: { application_id: 'app' } }] };
    const a = await openStream(s.url, key, follow);
    const b = await openStream(s.clusterUrl, key, follow);
    const again = await fetch(`${s.url}/api/v3/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}` },
      body: JSON.stringify(follow),
    });
    expect(again.status).toBe(429);
    await again.text();
    a.close();
    b.close();
  });

  it('closes both servers', async () => {
    const { s } = await setup();
    await s.close();
    await expect(fetch(`${s.url}/api/v3/auth_info`)).rejects.toThrow();
    await expect(fetch(`${s.clusterUrl}/api/v3/ns/dev_addr`)).rejects.toThrow();
  });
});
