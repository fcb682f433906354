// gateways:*: listing a connection's gateways, planning and running a gateway move, its status
// (the target's connection stats), sheet and rollback. Runs live in <data>/gateway-runs/<id>,
// with the connection ids beside them (the keys stay in the keychain); owner tokens are used
// for the run only and never stored.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { redact } from '../logging/redact.js';
import { GatewayApi, type ConnectionStats } from '../stack/gateway-api.js';
import { keyOwner, listProblem, planGateways } from '../gateways/plan.js';
import { classify } from '../gateways/kinds.js';
import { GatewaySecrets, both } from '../gateways/secrets.js';
import { gatewayRunStatus, readGatewayRun, resumeGatewayRun, startGatewayRun, type GatewaySides } from '../gateways/session.js';
import { rollbackGateways } from '../gateways/rollback.js';
import { gatewaySheet } from '../gateways/sheet.js';
import type { GatewayPlan, GatewayStatus } from '../gateways/schema.js';
import { newRunId } from '../migration/run-dir.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { RUN_ID_PATTERN } from './run-registry.js';

type Channels = 'gateways:list' | 'gateways:plan' | 'gateways:start' | 'gateways:status' | 'gateways:sheet-save' | 'gateways:rollback' | 'gateways:runs' | 'gateways:resume';

const SIDE_FILE = 'app-gateway-run.json';
const sideSchema = z.object({ source: z.string(), target: z.string() });
const KEPT_PLANS = 20;

export function gatewayHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const { deps } = ctx;
  const plans = new Map<string, { plan: GatewayPlan; source: string; target: string }>();
  const active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const runsDir = join(deps.userDataDir, 'gateway-runs');
  const secrets = (runId: string) => new GatewaySecrets(deps.secrets, runId);
  // Quitting stops the runs (their journals say where to resume).
  ctx.disposers.push(async () => {
    for (const r of active.values()) r.abort.abort();
    await Promise.all([...active.values()].map((r) => r.done));
  });

  const folderOf = async (runId: string) => {
    if (!RUN_ID_PATTERN.test(runId)) throw notFound(`No gateway run "${runId}".`);
    const runDir = join(runsDir, runId);
    const side = await readFile(join(runDir, SIDE_FILE), 'utf8').then((t) => sideSchema.parse(JSON.parse(t)), () => undefined);
    if (!side) throw notFound(`No gateway run "${runId}" started from the app.`);
    return { runDir, side };
  };

  const withSides = async <T>(side: { source: string; target: string }, use: (s: GatewaySides) => Promise<T>) => {
    const source = await ctx.connections.open(side.source);
    try {
      const target = await ctx.connections.open(side.target);
      try {
        return await use({ source: source.client, target: target.client });
      } finally {
        target.client.close();
      }
    } finally {
      source.client.close();
    }
  };

  /** Emits a run's gateway states (error text redacted) to the renderer. */
  const progressOf = (runId: string) => (gateway: GatewayStatus) =>
    deps.emit('gateways:progress', { runId, gateway: { ...gateway, ...(gateway.error ? { error: redact(gateway.error) } : {}) } });

  /** Runs `work` in the background as the run `runId` (stopped on quit); `failed` hears why it failed. */
  const launch = (runId: string, work: (signal: AbortSignal) => Promise<unknown>, failed: (err: unknown) => void) => {
    const abort = new AbortController();
    const done = work(abort.signal).then(() => undefined, failed).finally(() => active.delete(runId));
    active.set(runId, { abort, done });
  };

  return {
    'gateways:list': ({ connectionId }) =>
      ctx.connections.withClient(connectionId, async (client) => {
        const owner = await keyOwner(client);
        const problem = listProblem(owner);
        if (problem) return { gateways: [], problem };
        const api = new GatewayApi(client);
        const listed = await api.list(undefined);
        // The Gateway Server tells the protocol of those connected (UDP or Basic Station): 100 at a time, where the key may read it.
        const stats = new Map<string, ConnectionStats>();
        for (let i = 0; i < listed.length; i += 100) {
          const got = await api.batchConnectionStats(listed.slice(i, i + 100).map((g) => g.ids.gateway_id)).catch(() => new Map<string, ConnectionStats>());
          for (const [id, s] of got) stats.set(id, s);
        }
        return {
          gateways: listed.map((g) => {
            const { kind, reason } = classify({ gateway: g, stats: stats.get(g.ids.gateway_id) });
            return {
              id: g.ids.gateway_id, ...(g.ids.eui ? { eui: g.ids.eui } : {}), ...(g.name ? { name: g.name } : {}),
              frequencyPlanIds: g.frequency_plan_ids ?? [], kind, kindReason: reason,
              ...(g.gateway_server_address ? { serverAddress: g.gateway_server_address } : {}),
              ...(g.updated_at ? { updatedAt: g.updated_at } : {}),
            };
          }).sort((a, b) => a.id.localeCompare(b.id)),
        };
      }),

    'gateways:plan': async ({ source, target, gatewayIds, options }) => {
      const plan = await withSides({ source, target }, (s) => planGateways({ source: s.source, target: s.target, ids: gatewayIds, options }));
      const safe: GatewayPlan = {
        ...plan,
        blockers: plan.blockers.map((b) => ({ ...b, message: redact(b.message) })),
        gateways: plan.gateways.map((g) => ({ ...g, blockers: g.blockers.map((b) => ({ ...b, message: redact(b.message) })) })),
      };
      const planId = newRunId();
      plans.set(planId, { plan: safe, source, target });
      while (plans.size > KEPT_PLANS) plans.delete(plans.keys().next().value!);
      return { planId, plan: safe };
    },

    'gateways:start': async ({ planId, ownerTokens }) => {
      const held = plans.get(planId);
      if (!held) throw notFound('This gateway plan is no longer held: plan again.');
      if (held.plan.blockers.length > 0) throw conflict('This gateway plan is blocked: resolve its blockers and plan again.');
      const check = await deps.secrets.check();
      if (!check.available) throw conflict(`Gateway keys are kept only in the keychain, which cannot be used: ${check.message ?? 'unavailable'}`);
      plans.delete(planId);
      for (const t of Object.values(ownerTokens ?? {})) both(t);
      const runId = newRunId();
      const runDir = join(runsDir, runId);
      let folderReady!: () => void;
      let folderFailed!: (e: unknown) => void;
      const folder = new Promise<void>((resolve, reject) => ((folderReady = resolve), (folderFailed = reject)));
      launch(runId, (signal) => withSides(held, (s) =>
        startGatewayRun(held.plan, {
          runId, runDir, source: s.source, target: s.target, secrets, ownerTokens, signal, onStatus: progressOf(runId),
          onFolder: async (dir) => {
            await writeFileAtomic(join(dir, SIDE_FILE), JSON.stringify({ source: held.source, target: held.target }));
            folderReady();
          },
        }),
      ), (err) => {
        folderFailed(err);
        ctx.log.warn('gateway run failed', err);
      });
      await folder;
      return { runId, runDir };
    },

    'gateways:status': async ({ runId }) => {
      const { runDir, side } = await folderOf(runId);
      // While the run itself waits, it reads the stats; otherwise this call does.
      if (active.has(runId)) return { status: await gatewayRunStatus(runDir) };
      const status = await ctx.connections.withClient(side.target, (target) => gatewayRunStatus(runDir, target));
      return { status: { ...status, gateways: status.gateways.map((g) => (g.error ? { ...g, error: redact(g.error) } : g)) } };
    },

    'gateways:sheet-save': async ({ runId }) => {
      const { runDir } = await folderOf(runId);
      const markdown = await gatewaySheet(runDir, secrets);
      const path = await deps.saveDialog({ defaultName: `gateway-sheet-${runId}.md`, filters: [{ name: 'Markdown', extensions: ['md'] }] });
      if (!path) return { cancelled: true };
      await writeFileAtomic(path, markdown, 0o600); // it may hold LNS keys: the user's file, owner-only
      return { savedTo: path };
    },

    'gateways:rollback': async ({ runId, gatewayIds }) => {
      const { runDir, side } = await folderOf(runId);
      const run = active.get(runId);
      if (run) {
        run.abort.abort(); // stop waiting: the rollback takes over
        await run.done;
      }
      const r = await withSides(side, (s) => rollbackGateways(runDir, gatewayIds, { ...s, secrets }));
      return { restored: r.restored, failed: r.failed.map((f) => ({ id: f.id, error: redact(f.error) })) };
    },

    'gateways:resume': async ({ runId, ownerTokens }) => {
      const { runDir, side } = await folderOf(runId);
      if (active.has(runId)) throw conflict('This gateway run is in progress.');
      const check = await deps.secrets.check();
      if (!check.available) throw conflict(`Gateway keys are kept only in the keychain, which cannot be used: ${check.message ?? 'unavailable'}`);
      for (const t of Object.values(ownerTokens ?? {})) both(t);
      await readGatewayRun(runDir); // a folder that cannot be read is said now, not in the background
      launch(runId, (signal) => withSides(side, (s) =>
        resumeGatewayRun(runDir, { source: s.source, target: s.target, secrets, ownerTokens, signal, onStatus: progressOf(runId) }),
      ), (err) => ctx.log.warn('gateway run resume failed', err));
      return { runId, runDir };
    },

    'gateways:runs': async () => {
      const names = await readdir(runsDir).catch(() => [] as string[]);
      const runs = [];
      for (const name of names) {
        const folder = await folderOf(name).catch(() => undefined);
        const m = folder && (await readGatewayRun(folder.runDir).catch(() => undefined));
        if (!folder || !m) continue;
        const status = await gatewayRunStatus(folder.runDir).catch(() => undefined);
        runs.push({ runId: m.runId, runDir: folder.runDir, createdAt: m.createdAt, total: m.plan.gateways.length, finished: status?.finished ?? false, ...folder.side });
      }
      return { runs: runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
    },
  };
}
