// run:history and arrivals:*: every run of the app, the arrivals check of any of them (then or
// days later), its CSV, and a second trigger for stragglers — the user's explicit choice.
import { checkArrivals } from '../arrivals/check.js';
import { arrivalsCsv } from '../arrivals/export.js';
import { triggerAgain } from '../arrivals/trigger-again.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { readJournal } from '../migration/journal.js';
import { runFiles } from '../migration/run-dir.js';
import type { ArrivalsReport } from '../arrivals/schema.js';
import type { RunInfo } from './contract.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { openRunSides } from './run-registry.js';
import { runInfoOnDisk, runProgressOnDisk } from './unfinished-runs.js';

type Channels = 'run:history' | 'arrivals:check' | 'arrivals:save' | 'arrivals:trigger-again';

export function arrivalHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const { runs } = ctx;
  /** The run's folder and both sides (its connections' keys from the keychain). */
  const open = async (runId: string) => {
    const folder = runs.get(runId) ?? (await runs.readFolder(runId));
    if (!folder.side) throw notFound('This run was not started from the app: check it with `stack-migrator arrivals --run-dir`.');
    const { devices } = await readJournal(runFiles(folder.runDir).journal).catch(() => {
      throw notFound('This run has no journal: it moved no device.');
    });
    return { folder, side: folder.side, devices };
  };
  const check = async (runId: string): Promise<ArrivalsReport> => {
    const { folder, side, devices } = await open(runId);
    const sides = await openRunSides(ctx.connections, folder.manifest, side);
    try {
      const source = sides.source.kind === 'stack' ? { client: sides.source.client, appId: sides.source.appId } : undefined;
      return await checkArrivals({ runDir: folder.runDir, deviceIds: folder.manifest.deviceIds, journal: devices, sides: { source, target: sides.target } });
    } finally {
      sides.close();
    }
  };
  return {
    'run:history': async () => {
      const found: RunInfo[] = [];
      for (const runId of await runs.listFolders()) {
        const folder = await runs.readFolder(runId).catch(() => undefined);
        if (!folder?.side) continue;
        const { counts, unfinished } = await runProgressOnDisk(folder.runDir, folder.manifest);
        found.push(runInfoOnDisk(runId, folder.runDir, folder.manifest, folder.side, counts, unfinished === 0 && !runs.get(runId)?.busy));
      }
      return { runs: found.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
    },

    'arrivals:check': async ({ runId }) => ({ report: await check(runId) }),

    'arrivals:save': async ({ runId, format }) => {
      const report = await check(runId);
      const path = await ctx.deps.saveDialog({
        defaultName: `stack-migrator-arrivals-${runId}.${format}`,
        filters: [format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] }],
      });
      if (!path) return { cancelled: true };
      await writeFileAtomic(path, format === 'csv' ? arrivalsCsv(report) : `${JSON.stringify(report, null, 2)}\n`, 0o600);
      return { savedTo: path };
    },

    'arrivals:trigger-again': async ({ runId, deviceIds }) => {
      if (runs.get(runId)?.busy) throw conflict('This run is still going: its devices get their trigger from it.');
      const { folder, side, devices } = await open(runId);
      const sides = await openRunSides(ctx.connections, folder.manifest, side);
      if (sides.source.kind !== 'stack') {
        sides.close();
        throw conflict('This run has no source deployment to send a trigger from.');
      }
      const unknown = deviceIds.filter((id) => !devices.has(id));
      const wait = folder.manifest.options.trigger?.waitSeconds ?? 900;
      const result = await triggerAgain({
        source: sides.source, waitSeconds: wait,
        devices: deviceIds.filter((id) => devices.has(id)).map((id) => ({ sourceId: id, facts: devices.get(id)!.facts })),
        onProblem: (message) => ctx.log.warn(message),
      }).catch((err: unknown) => {
        sides.close();
        throw err;
      });
      // The source is quieted again when each trigger went out or its time ran out.
      void result.done.finally(() => sides.close());
      return { queued: result.queued, failed: [...result.failed, ...unknown.map((deviceId) => ({ deviceId, error: 'Not a device of this run.' }))] };
    },
  };
}
