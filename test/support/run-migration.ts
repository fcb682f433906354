// Runs a whole migration in-process the way the CLI does: plan, manifest, run, files.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planMigration, planSelection } from '../../src-main/migration/planner.js';
import { migrationOptionsSchema, type MigrationOptionsInput } from '../../src-main/migration/options.js';
import { newRunId, writeManifest, type RunManifest } from '../../src-main/migration/run-dir.js';
import { startRun } from '../../src-main/migration/session.js';
import type { ProgressEvent } from '../../src-main/migration/progress.js';
import type { MigrationRun } from '../../src-main/migration/runner.js';
import type { Fleet } from './demo-sides.js';

export async function migrate(fleet: Fleet, opts: {
  options?: MigrationOptionsInput; deviceIds?: string[]; concurrency?: number; watchJoins?: boolean; runDir?: string;
  /** Between the plan and the run (a hand edit on a stack, say). */
  beforeRun?: () => Promise<void>;
  /** Each progress event as it comes, with the run (to pause or cancel it). */
  onEvent?: (e: ProgressEvent, run: MigrationRun) => void;
} = {}) {
  const options = migrationOptionsSchema.parse(opts.options ?? {});
  const sides = await fleet.sides();
  const deviceIds = opts.deviceIds ?? fleet.source.listDeviceIds(fleet.sourceApp);
  const plan = await planMigration({ source: sides.source, target: sides.target, deviceIds, options });
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), 'sm-run-'));
  const { ready, blocked, alreadyOnTarget } = planSelection(plan);
  const manifest: RunManifest = {
    version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...fleet.manifestBase, options,
    deviceIds: ready, blocked, alreadyOnTarget,
  };
  const events: ProgressEvent[] = [];
  if (plan.blockers.length > 0) {
    sides.close();
    return { plan, manifest, runDir, events, result: undefined, run: undefined };
  }
  await writeManifest(runDir, manifest);
  await opts.beforeRun?.();
  // The run object exists only once startRun returns; its first events come after that.
  const holder: { run?: MigrationRun } = {};
  const { run, finished } = startRun({
    runDir, manifest, sides, concurrency: opts.concurrency, watchJoins: opts.watchJoins,
    onEvent: (e) => {
      events.push(e);
      if (holder.run) opts.onEvent?.(e, holder.run);
    },
  });
  holder.run = run;
  const result = await finished.finally(() => {
    run.stopWatching();
    sides.close();
  });
  return { plan, manifest, runDir, events, result, run };
}
