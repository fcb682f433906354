// Gateways end to end: two simulated deployments with user keys that may move gateways, four
// source gateways of different kinds (two Basic Stations with CUPS, one LNS-only Basic Station,
// one UDP packet forwarder) and the physical gateways ("stations") behind them.
import { expect, type Locator, type Page } from '@playwright/test';
import { startSimulator, startStations, type Simulator, type Stations } from '../../../src-main/sim/index';
import { startBackend, type Backend } from './backend';

export const SOURCE_USER = 'ce-owner';
export const TARGET_USER = 'cloud-owner';
/** Rights of both user keys: list, create and manage the user's gateways. */
export const GATEWAY_USER_RIGHTS = ['RIGHT_USER_INFO', 'RIGHT_USER_GATEWAYS_LIST', 'RIGHT_USER_GATEWAYS_CREATE', 'RIGHT_GATEWAY_ALL'];

export interface SeededGateway {
  id: string;
  eui: string;
  name: string;
  kind: 'cups' | 'lns' | 'udp';
}

export const GATEWAYS: SeededGateway[] = [
  { id: 'roof-north', eui: '58A0CBFFFE800001', name: 'Roof north', kind: 'cups' },
  { id: 'roof-south', eui: '58A0CBFFFE800002', name: 'Roof south', kind: 'cups' },
  { id: 'warehouse-lns', eui: '58A0CBFFFE800003', name: 'Warehouse', kind: 'lns' },
  { id: 'legacy-udp', eui: '58A0CBFFFE800004', name: 'Legacy forwarder', kind: 'udp' },
];

/** The LNS key the source stored for each gateway (what a rollback must put back exactly). */
export const SOURCE_LNS_SECRET = (id: string) => `NNSXS.SOURCE${id.replace(/[^a-z0-9]/gi, '').toUpperCase()}.LNSKEYFORTESTS0123456789`;

export interface GatewaySims {
  source: Simulator;
  target: Simulator;
  sourceKey: string;
  targetKey: string;
  stations: Stations;
  close(): Promise<void>;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export async function startGatewaySims(opts: { cupsEveryMs?: number } = {}): Promise<GatewaySims> {
  const source = await startSimulator({ devAddrPrefix: '260B0000/16' });
  const target = await startSimulator({ devAddrPrefix: '27000000/16' });
  for (const g of GATEWAYS) {
    source.addGateway({
      gateway: {
        ids: { gateway_id: g.id, eui: g.eui },
        name: g.name,
        frequency_plan_ids: ['EU_863_870_TTN'],
        gateway_server_address: source.clusterHost,
        ...(g.kind === 'udp' ? {} : { lbs_lns_secret: { value: b64(SOURCE_LNS_SECRET(g.id)) } }),
        ...(g.kind === 'lns' ? { require_authenticated_connection: true } : {}),
      },
      owner: { userId: SOURCE_USER },
      ...(g.kind === 'cups' ? { cups: { station: '2.0.6', model: 'corecell' } } : {}),
    });
  }
  const sourceKey = source.createUserApiKey(SOURCE_USER, { rights: GATEWAY_USER_RIGHTS });
  const targetKey = target.createUserApiKey(TARGET_USER, { rights: GATEWAY_USER_RIGHTS });
  const stations = startStations({ deployments: [source, target] });
  for (const g of GATEWAYS) stations.add({ eui: g.eui, kind: g.kind, home: source, cupsEveryMs: opts.cupsEveryMs ?? 400 });
  return {
    source,
    target,
    sourceKey,
    targetKey,
    stations,
    close: async () => {
      stations.stop();
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/** Both connections (user keys) added through the handlers; the page on the workspace's Gateways tab. */
export async function openGatewaysTab(page: Page, baseURL: string, sims: GatewaySims): Promise<Backend> {
  const backend = await startBackend({ baseURL });
  for (const [name, sim, apiKey] of [['Community Edition (simulated)', sims.source, sims.sourceKey], ['Cloud (simulated)', sims.target, sims.targetKey]] as const) {
    await backend.invoke('connections:add', { name, preset: { kind: 'custom', isUrl: sim.url, clusterUrl: sim.clusterUrl }, apiKey });
  }
  await backend.attach(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByLabel('Source connection').selectOption({ label: 'Community Edition (simulated)' });
  await page.getByLabel('Target connection').selectOption({ label: 'Cloud (simulated)' });
  await page.getByRole('tab', { name: 'Gateways' }).click();
  await expect(page.getByTestId('source-gateway-count')).toHaveText(`${GATEWAYS.length} gateways`, { timeout: 20_000 });
  return backend;
}

export const sourceGatewayList = (page: Page) => page.getByRole('listbox', { name: 'Source' });
export const sourceGateway = (page: Page, id: string): Locator => page.getByTestId('source-gateway-list').locator(`[data-gateway-id="${id}"]`);
export const planEntry = (page: Page, id: string): Locator => page.getByTestId('gateway-plan').locator(`[data-gateway-id="${id}"]`);
export const progressRow = (page: Page, id: string): Locator => page.getByTestId('gateway-progress-rows').locator(`[data-gateway-id="${id}"]`);
