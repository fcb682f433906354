// Small HTTP helpers for the simulator's integration tests (real HTTP on loopback).
import type { Simulator } from '../../../src-main/sim/index.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export const ALL = ['RIGHT_APPLICATION_ALL'];

export async function call(
  sim: Simulator,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(`${sim.url}/api/v3${path}`, {
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
