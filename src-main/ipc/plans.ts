// plan:create: pre-flight and a plan per device, kept in memory by plan id until a run
// starts from it. The renderer gets the plan's view: no device records, no keys.
import { randomUUID } from 'node:crypto';
import { planMigration, type Plan } from '../migration/planner.js';
import { openSides } from '../migration/session.js';
import type { RunManifest } from '../migration/run-dir.js';
import type { StoredConnection } from '../credentials/connections-file.js';
import { redact } from '../logging/redact.js';
import { targetOfConnection } from './connection-registry.js';
import type { PlanView } from './contract.js';
import type { HandlerContext, HandlersOf } from './handlers.js';

export interface AppRef {
  connectionId: string;
  applicationId: string;
}

export interface StoredPlan {
  planId: string;
  plan: Plan;
  source: AppRef & { name: string };
  target: AppRef & { name: string };
  manifestBase: Pick<RunManifest, 'source' | 'target'>;
  demo: boolean;
}

const KEPT_PLANS = 10;

/** The last few plans; a plan is taken out when a run starts from it (it is used once). */
export class PlanStore {
  private readonly plans = new Map<string, StoredPlan>();

  add(plan: StoredPlan): void {
    this.plans.set(plan.planId, plan);
    while (this.plans.size > KEPT_PLANS) this.plans.delete(this.plans.keys().next().value!);
  }

  get(planId: string): StoredPlan | undefined {
    return this.plans.get(planId);
  }

  take(planId: string): StoredPlan | undefined {
    const p = this.plans.get(planId);
    this.plans.delete(planId);
    return p;
  }

  dropConnection(connectionId: string): void {
    for (const [id, p] of this.plans) if (p.source.connectionId === connectionId || p.target.connectionId === connectionId) this.plans.delete(id);
  }
}

/** A side of the run: the connection's deployment, checked as a new connection is (plain http:// only where allowed). */
export const sideOf = (c: StoredConnection, appId: string) => {
  const t = targetOfConnection(c);
  return { isUrl: t.isUrl, clusterUrl: t.clusterUrl, appId, ...(t.ca ? { ca: t.ca } : {}) };
};

/** Issues as the renderer gets them: their text (which may quote a server) redacted. */
const safeIssues = <T extends { message: string }>(issues: T[]): T[] => issues.map((i) => ({ ...i, message: redact(i.message) }));

export function planView(planId: string, plan: Plan): PlanView {
  return {
    planId, createdAt: plan.createdAt, options: plan.options, blockers: safeIssues(plan.blockers), warnings: safeIssues(plan.warnings), counts: plan.counts,
    ...(plan.application ? {
      application: {
        targetExists: plan.application.targetExists, cannotCarry: plan.application.cannotCarry,
        // Differences are shown with secrets masked already; the server's words are redacted too.
        items: plan.application.items.map((i) => ({ ...i, diff: i.diff.map((d) => redact(d)), notes: i.notes.map((n) => redact(n)) })),
      },
    } : {}),
    devices: plan.devices.map((d) => ({
      sourceId: d.sourceId, targetId: d.targetId, status: d.status, blockers: safeIssues(d.blockers), warnings: safeIssues(d.warnings), sourceChanges: d.sourceChanges,
      ...(d.devEui ? { devEui: d.devEui } : {}), ...(d.activation ? { activation: d.activation } : {}),
      ...(d.lorawanVersion ? { lorawanVersion: d.lorawanVersion } : {}), ...(d.frequencyPlanId ? { frequencyPlanId: d.frequencyPlanId } : {}),
      ...(d.trigger !== undefined ? { trigger: d.trigger && { name: d.trigger.name, fPort: d.trigger.fPort, payloadHex: d.trigger.payloadHex } } : {}),
      ...(d.servingGateways ? { servingGateways: d.servingGateways } : {}),
    })),
    ...(plan.suggestedGateways ? { suggestedGateways: plan.suggestedGateways } : {}),
    ...(plan.gateways ? {
      gateways: { ...plan.gateways, gateways: plan.gateways.gateways.map((g) => ({ ...g, blockers: safeIssues(g.blockers), warnings: safeIssues(g.warnings) })) },
    } : {}),
  };
}

export function planHandlers(ctx: HandlerContext): HandlersOf<'plan:create'> {
  return {
    'plan:create': async ({ source, target, deviceIds, options }) => {
      const [sourceConn, targetConn] = await Promise.all([ctx.connections.get(source.connectionId), ctx.connections.get(target.connectionId)]);
      const [sourceKey, targetKey] = await Promise.all([ctx.connections.keyOf(sourceConn), ctx.connections.keyOf(targetConn)]);
      const manifestBase = {
        source: { kind: 'stack' as const, ...sideOf(sourceConn, source.applicationId) },
        target: sideOf(targetConn, target.applicationId),
      };
      const sides = await openSides(manifestBase, { source: sourceKey, target: targetKey }, undefined, ctx.connections.clientOptions);
      let plan: Plan;
      try {
        // The same device twice would be migrated twice at once.
        plan = await planMigration({ source: sides.source, target: sides.target, deviceIds: [...new Set(deviceIds)], options });
      } finally {
        sides.close();
      }
      const planId = randomUUID();
      ctx.plans.add({
        planId, plan, manifestBase,
        source: { ...source, name: sourceConn.name }, target: { ...target, name: targetConn.name },
        demo: ctx.connections.isDemo(sourceConn.id) || ctx.connections.isDemo(targetConn.id),
      });
      return { plan: planView(planId, plan) };
    },
  };
}
