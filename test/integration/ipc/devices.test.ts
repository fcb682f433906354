// applications:* and devices:* against simulated deployments.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';
import type { EventOf } from '../../../src-main/ipc/contract';

let dep: Deployment;
let h: Harness;
beforeAll(async () => {
  dep = await startDeployment({ app: 'list-app', devices: 2_345, mix: 'mixed' });
});
afterAll(async () => {
  await dep.sim.close();
});
afterEach(async () => {
  await h?.close();
});

async function connect(apiKey = dep.key()) {
  return (await h.call('connections:add', { name: 'Source', preset: dep.preset, apiKey })).connection;
}

const pagesOf = (listId: string) => h.eventsOf('devices:page').filter((p) => p.listId === listId);
async function allPages(listId: string): Promise<EventOf<'devices:page'>[]> {
  await h.waitFor(() => pagesOf(listId).some((p) => p.done), 'the last page');
  return pagesOf(listId);
}

describe('applications', () => {
  it('list: an application key sees its own application', async () => {
    h = await startHarness();
    const c = await connect();
    expect(await h.call('applications:list', { connectionId: c.id })).toEqual({ applications: [{ id: 'list-app', name: 'Application list-app' }] });
  });

  it('get: name of an application; an application the key cannot see is a server error', async () => {
    h = await startHarness();
    const c = await connect();
    expect(await h.call('applications:get', { connectionId: c.id, applicationId: 'list-app' })).toEqual({ id: 'list-app', name: 'Application list-app' });
    expect(await h.invoke('applications:get', { connectionId: c.id, applicationId: 'other-app' })).toMatchObject({ ok: false, error: { code: 'server' } });
  });

  it('an unknown connection is not found', async () => {
    h = await startHarness();
    expect(await h.invoke('applications:list', { connectionId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('devices:list', () => {
  it('streams the list page by page as devices:page events, ids and IS fields only', async () => {
    h = await startHarness();
    const c = await connect();
    const { listId } = await h.call('devices:list', { connectionId: c.id, applicationId: 'list-app' });
    const pages = await allPages(listId);
    expect(h.badEvents).toEqual([]);
    expect(pages.map((p) => p.offset).sort((a, b) => a - b)).toEqual([0, 1000, 2000]);
    expect(pages.every((p) => p.total === 2_345)).toBe(true);
    expect(pages.filter((p) => p.done)).toHaveLength(1);
    expect(pages.at(-1)!.done).toBe(true);
    const ids = pages.flatMap((p) => p.devices.map((d) => d.id));
    expect(ids.sort()).toEqual(dep.sim.listDeviceIds('list-app').sort());
    const row = pages[0]!.devices[0]!;
    expect(row).toMatchObject({ id: expect.any(String), devEui: expect.stringMatching(/^[0-9A-F]{16}$/), createdAt: expect.any(String) });
    expect(row.activation).toBeUndefined();
  });

  it('50,000 devices arrive in pages of 1,000', async () => {
    const big = await startDeployment({ app: 'big-app', devices: 50_000, mix: 'otaa' });
    try {
      h = await startHarness();
      const { connection } = await h.call('connections:add', { name: 'Big', preset: big.preset, apiKey: big.key() });
      const { listId } = await h.call('devices:list', { connectionId: connection.id, applicationId: 'big-app' });
      await h.waitFor(() => pagesOf(listId).some((p) => p.done), 'the last page', 60_000);
      const pages = pagesOf(listId);
      expect(pages).toHaveLength(50);
      expect(pages.every((p) => p.devices.length === 1000)).toBe(true);
      expect(new Set(pages.flatMap((p) => p.devices.map((d) => d.id))).size).toBe(50_000);
    } finally {
      await big.sim.close();
    }
  }, 90_000);

  it('an empty application is one empty, final page', async () => {
    const empty = await startDeployment({ app: 'empty-app' });
    try {
      h = await startHarness();
      const { connection } = await h.call('connections:add', { name: 'Empty', preset: empty.preset, apiKey: empty.key() });
      const { listId } = await h.call('devices:list', { connectionId: connection.id, applicationId: 'empty-app' });
      expect(await allPages(listId)).toEqual([{ listId, total: 0, offset: 0, devices: [], done: true }]);
    } finally {
      await empty.sim.close();
    }
  });

  it('a failure ends the list with a final page carrying the error in words', async () => {
    h = await startHarness();
    const c = await connect();
    dep.sim.failNext('is.list', { status: 403, code: 7 });
    const { listId } = await h.call('devices:list', { connectionId: c.id, applicationId: 'list-app' });
    const pages = await allPages(listId);
    expect(pages).toEqual([{ listId, total: 0, offset: 0, devices: [], done: true, error: expect.stringMatching(/List devices of application "list-app"/) }]);
  });

  it('a new list of the same application replaces the one still streaming', async () => {
    h = await startHarness({ devicePageSize: 100 });
    const c = await connect();
    const first = await h.call('devices:list', { connectionId: c.id, applicationId: 'list-app' });
    const second = await h.call('devices:list', { connectionId: c.id, applicationId: 'list-app' });
    const pages = await allPages(second.listId);
    expect(pages).toHaveLength(24);
    await new Promise((r) => setTimeout(r, 100));
    expect(pagesOf(first.listId).some((p) => p.done)).toBe(false);
  });

  it('an unknown connection is an error answer, not an event', async () => {
    h = await startHarness();
    expect(await h.invoke('devices:list', { connectionId: 'nope', applicationId: 'list-app' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(h.events).toEqual([]);
  });
});

describe('devices:details', () => {
  it('reads activation, LoRaWAN version and frequency plan of up to 500 devices', async () => {
    h = await startHarness();
    const c = await connect();
    const ids = dep.sim.listDeviceIds('list-app').slice(0, 500);
    const { devices } = await h.call('devices:details', { connectionId: c.id, applicationId: 'list-app', deviceIds: ids });
    expect(devices.map((d) => d.id)).toEqual(ids);
    for (const d of devices) {
      const ns = dep.sim.inspect('list-app', d.id)!.ns;
      expect(d.activation).toBe(ns.supports_join === true ? 'otaa' : 'abp');
      expect(d.lorawanVersion).toBe(ns.lorawan_version);
      expect(d.frequencyPlanId).toBe(ns.frequency_plan_id);
    }
    expect(new Set(devices.map((d) => d.activation))).toEqual(new Set(['otaa', 'abp']));
  });

  it('a device that is gone gets a bare row; more than 500 ids is an invalid request', async () => {
    h = await startHarness();
    const c = await connect();
    const { devices } = await h.call('devices:details', { connectionId: c.id, applicationId: 'list-app', deviceIds: ['no-such-device'] });
    expect(devices).toEqual([{ id: 'no-such-device' }]);
    const tooMany = Array.from({ length: 501 }, (_, i) => `dev-${i}`);
    expect(await h.invoke('devices:details', { connectionId: c.id, applicationId: 'list-app', deviceIds: tooMany })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});
