// Malformed requests, generated: for every channel, many random wrong shapes (random JSON,
// and valid requests broken one field at a time) are refused with a typed error and change
// nothing — no file, no keychain entry, no write on either server, no dialog, no event.
// And a foreign sender gets nothing done, even with valid requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels, ipcErrorSchema, type InvokeChannel, type RequestOf } from '../../../src-main/ipc/contract';
import { startDeployment, startHarness, type Deployment, type Harness } from './harness';

let src: Deployment;
let dst: Deployment;
let h: Harness;
let examples: { [C in InvokeChannel]: RequestOf<C> };

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const strings = ['', ' ', 'a', 'ab', 'A-B', '../../etc/passwd', 'x'.repeat(5000), '\u0000', 'https://evil.example/', 'NNSXS.X.Y', '-----BEGIN CERTIFICATE-----', 'demo', 'custom', 'eu1', '__proto__', 'constructor', '😀'];
  const numbers = [0, -1, 1.5, 257, 1e9, Number.MAX_SAFE_INTEGER, -0];
  const keys = ['id', 'name', 'preset', 'apiKey', 'connectionId', 'applicationId', 'deviceIds', 'runId', 'planId', 'format', 'url', 'kind', 'region', 'options', 'source', 'target', 'withSession', 'devices', 'concurrency', '__proto__', 'constructor'];
  const json = (depth: number): unknown => {
    const kind = int(depth > 2 ? 5 : 7);
    switch (kind) {
      case 0: return null;
      case 1: return r() < 0.5;
      case 2: return pick(numbers);
      case 3: return pick(strings);
      case 4: return int(3) === 0 ? undefined : pick(strings) + String(int(1000));
      case 5: return Array.from({ length: int(4) }, () => json(depth + 1));
      default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(keys), json(depth + 1)]));
    }
  };
  /** A copy of a valid value with one place changed, removed or given a foreign key. */
  const mutate = (value: unknown, depth = 0): unknown => {
    if (value === null || typeof value !== 'object' || depth > 4) return json(2);
    if (Array.isArray(value)) {
      if (value.length === 0 || r() < 0.3) return json(2);
      const copy = [...value];
      copy[int(copy.length)] = mutate(copy[int(copy.length)], depth + 1);
      return copy;
    }
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const ks = Object.keys(copy);
    const what = int(4);
    if (what === 0 && ks.length > 0) delete copy[pick(ks)];
    else if (what === 1) copy[pick(keys)] = json(1);
    else if (ks.length > 0) copy[pick(ks)] = mutate(copy[pick(ks)], depth + 1);
    else return json(1);
    return copy;
  };
  return { json: () => json(0), mutate, pick };
}

const ref = () => ({ connectionId: 'will-be-set', applicationId: 'ce-fleet' });

beforeAll(async () => {
  src = await startDeployment({ app: 'ce-fleet', devices: 5 });
  dst = await startDeployment({ app: 'cloud-fleet' });
  h = await startHarness();
  const key = src.key();
  const c = (await h.call('connections:add', { name: 'Existing', preset: src.preset, apiKey: key })).connection;
  const deviceId = src.sim.listDeviceIds('ce-fleet')[0]!;
  const r = { ...ref(), connectionId: c.id };
  examples = {
    'app:info': {}, 'app:open-docs': { url: 'https://www.thethingsnetwork.org/docs/' },
    'connections:list': {}, 'connections:test': { preset: dst.preset, apiKey: dst.key() },
    'connections:add': { name: 'New', preset: dst.preset, apiKey: dst.key() },
    'connections:update': { id: c.id, name: 'Renamed', apiKey: src.key() }, 'connections:remove': { id: c.id },
    'applications:list': { connectionId: c.id }, 'applications:get': r,
    'devices:list': r, 'devices:details': { ...r, deviceIds: [deviceId] },
    'plan:create': { source: r, target: { connectionId: c.id, applicationId: 'cloud-fleet' }, deviceIds: [deviceId], options: {} },
    'run:start': { planId: 'plan-1' }, 'run:pause': { runId: 'run-1' }, 'run:resume': { runId: 'run-1' }, 'run:cancel': { runId: 'run-1' },
    'run:retry-failed': { runId: 'run-1' }, 'run:retire': { runId: 'run-1', deviceIds: [deviceId] },
    'run:list-unfinished': {}, 'run:resume-unfinished': { runId: 'run-1' },
    'report:save': { runId: 'run-1', format: 'csv' }, 'sheet:save': { runId: 'run-1' },
    'run:history': {}, 'arrivals:check': { runId: 'run-1' }, 'arrivals:save': { runId: 'run-1', format: 'csv' },
    'arrivals:trigger-again': { runId: 'run-1', deviceIds: [deviceId] },
    'triggers:list': {}, 'triggers:save': { commands: [{ name: 'mine', fPort: 2, payloadHex: '04ff', brandId: 'dragino', modelId: 'lht65' }] },
    'triggers:export': {}, 'triggers:import': {},
    'update-sheet:get': { runId: 'run-1' }, 'update-sheet:save': { runId: 'run-1' },
    'devices:export': { ...r, deviceIds: [deviceId], withSession: true },
    'demo:start': { devices: 3 }, 'demo:stop': {},
    'gateways:list': { connectionId: c.id },
    'gateways:plan': { source: c.id, target: c.id, gatewayIds: ['gw-one'], options: {} },
    'gateways:start': { planId: 'plan-1', ownerTokens: { 'gw-one': 'token-of-the-label' } },
    'gateways:status': { runId: 'run-1' }, 'gateways:sheet-save': { runId: 'run-1' },
    'gateways:rollback': { runId: 'run-1', gatewayIds: ['gw-one'] }, 'gateways:runs': {}, 'gateways:resume': { runId: 'run-1' },
  };
});
afterAll(async () => {
  await h.close();
  await Promise.all([src.sim.close(), dst.sim.close()]);
});

async function snapshot() {
  return {
    connections: h.connectionsFile(),
    keychain: await h.keychainAccounts(),
    secret: await h.keychainSecret((await h.keychainAccounts())[0]!),
    writes: [src.sim.writeCount(), dst.sim.writeCount()],
    dialogs: h.saveDialog.mock.calls.length,
    opened: h.openExternal.mock.calls.length,
    events: h.events.length,
    runs: h.runFolders(),
  };
}

describe('malformed requests', () => {
  it('every example used below is itself valid (so the mutations test the schema, not the examples)', () => {
    for (const [channel, request] of Object.entries(examples)) {
      expect(invokeChannels[channel as InvokeChannel].request.safeParse(request).success, channel).toBe(true);
    }
  });

  it.each(Object.keys(invokeChannels) as InvokeChannel[])('%s: random wrong shapes are refused and change nothing', async (channel) => {
    const before = await snapshot();
    const gen = generator([...channel].reduce((a, c) => a * 31 + c.charCodeAt(0), 7));
    const schema = invokeChannels[channel].request;
    let tried = 0;
    for (let i = 0; i < 400 && tried < 80; i++) {
      const candidate = i % 3 === 0 ? gen.json() : gen.mutate(examples[channel]);
      // A JSON round trip: what can cross IPC (structured clone keeps no functions either).
      const payload = candidate === undefined ? undefined : JSON.parse(JSON.stringify(candidate) ?? 'null');
      if (schema.safeParse(payload).success) continue; // a mutation that is still valid is not malformed
      tried++;
      const result = await h.invoke(channel, payload);
      expect(result.ok, JSON.stringify(payload)?.slice(0, 200)).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('invalid-request');
      expect(ipcErrorSchema.safeParse(result.error).success).toBe(true);
      expect(result.error.message).toMatch(/^Invalid request — /);
      expect(result.error.message.length).toBeLessThan(2000);
    }
    expect(tried).toBeGreaterThanOrEqual(20);
    expect(await snapshot()).toEqual(before);
  });

  it('random channel names are unknown channels', async () => {
    const gen = generator(99);
    for (let i = 0; i < 200; i++) {
      const channel = gen.json();
      if (typeof channel === 'string' && channel in invokeChannels) continue;
      expect(await h.invoke(channel, {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });
});

describe('a foreign sender', () => {
  it.each(Object.keys(invokeChannels) as InvokeChannel[])('%s: even a valid request is refused and changes nothing', async (channel) => {
    const before = await snapshot();
    for (const url of ['https://evil.example/', 'file:///tmp/index.html', '', 'about:blank']) {
      expect(await h.invoke(channel, examples[channel], url)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(await snapshot()).toEqual(before);
  });
});
