// demo:start/stop: two simulated deployments on 127.0.0.1 and a connection to each, whose
// keys live in memory only (never the keychain). The demo's devices are on the air: with a
// plan that triggers re-joins, the EM320-TH devices re-join on their reboot command, the
// others wait for a power cycle and one never comes back (the arrivals view shows them);
// without triggers, the demo power-cycles each device once it is moved, as its owner would.
// Re-programmed ABP devices send an uplink once their source registration is retired.
import { StackClient } from '../stack/client.js';
import { joinAsDevice, programmedDevices, startDemoWorkspace, type DemoWorkspace, type ProgrammedDevices } from '../demo/workspace.js';
import type { RunManifest } from '../migration/run-dir.js';
import type { StoredConnection } from '../credentials/connections-file.js';
import type { ConnectionInfo } from './contract.js';
import { connectionInfo } from './connection-registry.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import type { RunHooks } from './run-registry.js';

export const DEMO_SOURCE_ID = 'demo-source';
export const DEMO_TARGET_ID = 'demo-target';

interface RunningDemo {
  ws: DemoWorkspace;
  source: ConnectionInfo;
  target: ConnectionInfo;
  /** What each simulated device was programmed with (its join key and nonces). */
  programmed: ProgrammedDevices;
  /** Each source device's DevEUI (the air knows devices by it). */
  devEuis: Map<string, string>;
}

export class DemoWorkspaceHolder {
  private current: Promise<RunningDemo> | undefined;

  async start(ctx: HandlerContext, devices: number): Promise<RunningDemo> {
    this.current ??= this.open(ctx, devices).catch((err: unknown) => {
      this.current = undefined;
      throw err;
    });
    return this.current;
  }

  private async open(ctx: HandlerContext, devices: number): Promise<RunningDemo> {
    const ws = await startDemoWorkspace({ devices });
    try {
      const side = async (id: string, name: string, s: DemoWorkspace['source']): Promise<ConnectionInfo> => {
        const client = new StackClient({ isUrl: s.sim.url, clusterUrl: s.sim.clusterUrl, apiKey: s.apiKey }, ctx.connections.clientOptions);
        const auth = await client.authInfo().finally(() => client.close());
        const connection: StoredConnection = {
          id, name, preset: { kind: 'demo' }, isUrl: s.sim.url, clusterUrl: s.sim.clusterUrl, applicationId: s.appId,
          rights: auth.rights, createdAt: new Date().toISOString(), ...(auth.api_key?.api_key.id ? { keyId: auth.api_key.api_key.id } : {}),
        };
        ctx.connections.addDemo(connection, s.apiKey);
        return connectionInfo(connection);
      };
      const source = await side(DEMO_SOURCE_ID, 'Demo source (simulated Community Edition)', ws.source);
      const target = await side(DEMO_TARGET_ID, 'Demo target (simulated Cloud)', ws.target);
      const programmed = programmedDevices(ws.source);
      const devEuis = new Map<string, string>();
      for (const id of ws.source.sim.listDeviceIds(ws.source.appId)) {
        const eui = (ws.source.sim.inspect(ws.source.appId, id)?.is as { ids?: { dev_eui?: string } } | undefined)?.ids?.dev_eui;
        if (eui) devEuis.set(id, eui);
      }
      ctx.log.info(`demo started: source ${ws.source.sim.url}, target ${ws.target.sim.url}, ${devices} device(s)`);
      return { ws, source, target, programmed, devEuis };
    } catch (err) {
      ctx.connections.removeDemo();
      await ws.close();
      throw err;
    }
  }

  /** Simulated devices for a demo run: they join after the move, and send an uplink once re-programmed. */
  hooks(manifest: RunManifest): RunHooks | undefined {
    const current = this.current;
    if (!current) return undefined;
    const appId = manifest.target.appId;
    const later = (fn: (d: RunningDemo) => void) => void current.then((d) => setTimeout(() => fn(d), 5), () => undefined);
    // With triggers the air alone decides who comes back.
    const powerCycle = manifest.options.trigger === undefined;
    return {
      onWaitingJoin: (sourceId, targetId) => later((d) => {
        if (!powerCycle) return;
        const eui = d.devEuis.get(sourceId);
        if (d.ws.air && eui && d.ws.air.deviceView(eui)) void d.ws.air.powerCycle(eui);
        else joinAsDevice(d.ws.target.sim, appId, targetId, d.programmed.get(sourceId));
      }),
      onRetired: (targetIds) => later((d) => targetIds.forEach((id) => d.ws.target.sim.simulateUplink(appId, id))),
    };
  }

  async stop(ctx: HandlerContext): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    const demo = await current.catch(() => undefined);
    const ids = new Set(ctx.connections.removeDemo());
    for (const id of ids) {
      ctx.lists.abortConnection(id);
      ctx.plans.dropConnection(id);
    }
    await ctx.runs.stopWhere((r) => r.side.demo || ids.has(r.side.source.connectionId) || ids.has(r.side.target.connectionId));
    await demo?.ws.close();
    ctx.log.info('demo stopped');
  }
}

export function demoHandlers(ctx: HandlerContext): HandlersOf<'demo:start' | 'demo:stop'> {
  return {
    'demo:start': async ({ devices }) => {
      const demo = await ctx.demo.start(ctx, devices ?? 50);
      return { source: demo.source, target: demo.target, sourceApplicationId: demo.ws.source.appId, targetApplicationId: demo.ws.target.appId };
    },
    'demo:stop': async () => {
      await ctx.demo.stop(ctx);
      return {};
    },
  };
}
