// run:start/pause/resume/cancel/retry-failed/retire. A run starts from a plan of this
// session; its progress goes to the renderer as run:progress events.
import { gatewaysOfRun } from '../migration/planner.js';
import { runFiles } from '../migration/run-dir.js';
import { retireReprogrammed } from '../migration/retire.js';
import { targetDeviceId } from '../migration/options.js';
import type { Sides } from '../migration/session.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { openRunSides, redactEvent, type RunSide } from './run-registry.js';
import { planSelection } from '../migration/planner.js';

type Channels = 'run:start' | 'run:pause' | 'run:resume' | 'run:cancel' | 'run:retry-failed' | 'run:retire';

export function runHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const { runs } = ctx;
  return {
    'run:start': async ({ planId, concurrency, confirmTriggers }) => {
      const stored = ctx.plans.get(planId);
      if (!stored) throw notFound('This plan is no longer available: create the plan again.');
      const { plan } = stored;
      if (plan.blockers.length > 0) throw conflict(`The plan is blocked: ${plan.blockers.map((b) => b.message).join(' ')}`);
      const { ready, blocked, alreadyOnTarget } = planSelection(plan);
      if (ready.length === 0) throw conflict(`No device of the plan is ready to migrate (${plan.counts.blocked} blocked, ${plan.counts.alreadyMigrated} already migrated).`);
      if (runs.anyRunning()) throw conflict('A run is in progress: wait for it to finish or cancel it first.');
      if (plan.options.trigger && (plan.counts.triggerKnown ?? 0) > 0 && confirmTriggers !== true) {
        throw conflict(`The plan sends a re-join trigger downlink to ${plan.counts.triggerKnown} device(s): confirm the triggers to start.`);
      }
      const side: RunSide = {
        version: 1, demo: stored.demo,
        source: { connectionId: stored.source.connectionId, applicationId: stored.source.applicationId, name: stored.source.name },
        target: { connectionId: stored.target.connectionId, applicationId: stored.target.applicationId, name: stored.target.name },
      };
      // Keys first: a missing key must not leave a run folder behind.
      const sides = await openRunSides(ctx.connections, stored.manifestBase, side);
      try {
        ctx.plans.take(planId); // a plan runs once: a second start would find its devices moved
        const { runId, runDir, manifest } = await runs.create({
          manifest: {
            ...stored.manifestBase, options: plan.options, deviceIds: ready, blocked, alreadyOnTarget, ...(concurrency ? { concurrency } : {}),
            ...(plan.gateways ? { gateways: gatewaysOfRun(plan) } : {}),
          },
          side, plan, // the plan's device records have their keys redacted by the planner
        });
        const active = await runs.start({ runId, runDir, manifest, side, sides, hooks: side.demo ? ctx.demo.hooks(manifest) : undefined });
        return { run: active.info() };
      } catch (err) {
        sides.close();
        if (!ctx.plans.get(planId)) ctx.plans.add(stored);
        throw err;
      }
    },

    'run:pause': async ({ runId }) => {
      runs.require(runId).run.pause();
      return {};
    },

    'run:resume': async ({ runId }) => {
      runs.require(runId).run.resume();
      return {};
    },

    'run:cancel': async ({ runId }) => {
      const active = runs.require(runId);
      active.run.cancel();
      if (active.ended) {
        // Already over: cancelling stops watching for joins.
        await active.settled();
        active.release();
      }
      return {};
    },

    'run:retry-failed': async ({ runId }) => {
      const active = runs.require(runId);
      if (active.busy) throw conflict('The run is still in progress: wait for it to finish.');
      await active.settled();
      // The journal says what is done; the runner tries failed and unfinished devices again.
      const sides = await openRunSides(ctx.connections, active.manifest, active.side);
      try {
        return { run: (await runs.start({ runId, runDir: active.runDir, manifest: active.manifest, side: active.side, sides, hooks: active.hooks, resuming: true })).info() };
      } catch (err) {
        sides.close();
        throw err;
      }
    },

    'run:retire': async ({ runId, deviceIds }) => {
      const active = runs.get(runId);
      if (active?.busy) throw conflict('The run is still in progress: retire devices once it has finished.');
      await active?.settled();
      const folder = active ?? (await runs.readFolder(runId));
      const { manifest, runDir } = folder;
      const side = folder.side;
      if (!side) throw notFound('This run was not started from the app: retire its devices with `stack-migrator retire`.');
      const own = active?.sides;
      const sides: Sides = own ?? (await openRunSides(ctx.connections, manifest, side));
      try {
        if (sides.source.kind !== 'stack') throw conflict('This run imported a file: there is no source registration to retire.');
        const result = await retireReprogrammed(runFiles(runDir).journal, sides.source, [...new Set(deviceIds)], (e) => ctx.deps.emit('run:progress', { runId, event: redactEvent(e) }));
        const hooks = active?.hooks ?? (side.demo ? ctx.demo.hooks(manifest) : undefined);
        hooks?.onRetired(result.retired.map((id) => targetDeviceId(id, manifest.options.idMapping)));
        return result;
      } finally {
        if (!own) sides.close();
      }
    },
  };
}
