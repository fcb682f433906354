// Small HTTP helpers for the simulator's integration tests (real HTTP on loopback).
import { afterEach } from 'vitest';
import { type Simulator, startSimulator } from '../../../src-main/sim/index.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export const ALL = ['RIGHT_APPLICATION_ALL'];

export function call(
  sim: Simulator,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return callAt(sim.url, key, method, path, body, headers);
}

/** The same against one base URL (the IS or the cluster of a simulator whose hosts are apart). */
export async function callAt(
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(`${base}/api/v3${path}`, {
    method,
    headers: {
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** The name of a TTS error body's first detail. */
export function errorName(res: ApiResponse): string | undefined {
  return res.body?.details?.[0]?.name;
}

export const APP_KEY = '0123456789ABCDEF0123456789ABCDEF';
export const NWK_KEY = 'FEDCBA9876543210FEDCBA9876543210';

/** An OTAA 1.0.3 device created the way the official clients do: IS, then JS, NS, AS. */
export async function createOtaa(sim: Simulator, key: string, app: string, deviceId: string, devEui: string): Promise<void> {
  const ids = { device_id: deviceId, dev_eui: devEui, join_eui: '70B3D57ED0000000' };
  const is = await call(sim, key, 'POST', `/applications/${app}/devices`, {
    end_device: {
      ids,
      name: `Device ${deviceId}`,
      network_server_address: sim.clusterHost,
      application_server_address: sim.clusterHost,
      join_server_address: sim.clusterHost,
    },
  });
  if (is.status !== 200) throw new Error(`IS create: ${is.status} ${is.text}`);
  const js = await call(sim, key, 'PUT', `/js/applications/${app}/devices/${deviceId}`, {
    end_device: { ids, root_keys: { app_key: { key: APP_KEY } } },
    field_mask: { paths: ['root_keys.app_key.key'] },
  });
  if (js.status !== 200) throw new Error(`JS set: ${js.status} ${js.text}`);
  const ns = await call(sim, key, 'PUT', `/ns/applications/${app}/devices/${deviceId}`, {
    end_device: { ids, lorawan_version: 'MAC_V1_0_3', lorawan_phy_version: 'PHY_V1_0_3_REV_A', frequency_plan_id: 'EU_863_870_TTN', supports_join: true },
    field_mask: { paths: ['lorawan_version', 'lorawan_phy_version', 'frequency_plan_id', 'supports_join'] },
  });
  if (ns.status !== 200) throw new Error(`NS set: ${ns.status} ${ns.text}`);
  const as = await call(sim, key, 'PUT', `/as/applications/${app}/devices/${deviceId}`, {
    end_device: { ids },
    field_mask: { paths: [] },
  });
  if (as.status !== 200) throw new Error(`AS set: ${as.status} ${as.text}`);
}

/**
 * A fresh simulator per test, with application "app" and a key with every right on it,
 * closed after each test. Call at the top of a test file; `defaults` apply to every start.
 */
export function simulatorPerTest(defaults: Parameters<typeof startSimulator>[0] = {}) {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return async (opts: Parameters<typeof startSimulator>[0] = {}): Promise<{ s: Simulator; key: string }> => {
    const s = await startSimulator({ ...defaults, ...opts });
    sim = s;
    s.addApplication('app');
    return { s, key: s.createApiKey('app', ALL) };
  };
}

export interface EventStream {
  events: any[];
  /** Event names after the stream's own start event. */
  names(): string[];
  /** The first event of that name, waiting for it up to `timeoutMs`. */
  next(name: string, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Opens POST /events at `base` the way the JS SDK does and collects the `result`s. */
export async function openStream(base: string, key: string, body: unknown, accept = 'text/event-stream'): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v3/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, Accept: accept },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (res.status !== 200) throw Object.assign(new Error(`stream ${res.status}`), { status: res.status, body: await res.json() });
  const events: any[] = [];
  const waiters: Array<() => void> = [];
  const delimiter = accept.includes('text/event-stream') ? '\n\n' : '\n';
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const parts = buffer.split(delimiter);
        buffer = parts.pop() ?? '';
        for (const p of parts) {
          if (p.trim() === '') continue;
          events.push(JSON.parse(p).result);
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    names: () => events.filter((e) => e.name !== 'events.stream.start').map((e) => e.name as string),
    async next(name, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.name === name);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${name} event; got ${events.map((e) => e.name).join(', ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}
