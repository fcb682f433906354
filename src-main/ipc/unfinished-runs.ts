// run:list-unfinished and run:resume-unfinished: after a crash or a quit in the middle of a
// run, its folder (run.json + journal) says which devices are not done; the keys come from
// the keychain through the connection ids kept next to run.json.
import { readJournal, STEP_NAMES, type DeviceJournalState, type StepName } from '../migration/journal.js';
import { runFiles, type RunManifest } from '../migration/run-dir.js';
import { arrivalState } from '../migration/pipeline.js';
import type { DeviceState } from '../migration/progress.js';
import type { RunInfo } from './contract.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { labelOf, openRunSides, type RunSide } from './run-registry.js';

/** Where a device stands after its last journaled step (in the words of the progress events). */
const STATE_OF_STEP: Record<StepName, DeviceState> = {
  quieting: 'quieting', quieted: 'quieting', creating: 'creating', created: 'creating', verified: 'verifying',
  retiring: 'retiring', rotated: 'retiring', 'trigger-pushing': 'triggering', 'trigger-queued': 'trigger-queued', 'trigger-sent': 'trigger-sent',
  retired: 'waiting-join', 'awaiting-reprogram': 'awaiting-reprogram', joined: 'joined',
  skipped: 'skipped', cancelled: 'cancelled', failed: 'failed',
  // Application records, never a device's: listed for completeness.
  'app-writing': 'queued', 'app-written': 'queued', 'app-failed': 'queued',
  // Gateway records ("@gw:…"), never a device's: likewise.
  ...Object.fromEntries(STEP_NAMES.filter((s) => s.startsWith('gw-')).map((s) => [s, 'queued' as const])),
} as Record<StepName, DeviceState>;
/** Steps after which nothing is left to do for a device in this run. */
const FINAL_STEPS: ReadonlySet<StepName> = new Set(['retired', 'joined', 'awaiting-reprogram', 'skipped', 'cancelled', 'failed']);

export async function runProgressOnDisk(runDir: string, manifest: RunManifest): Promise<{ counts: Record<string, number>; unfinished: number }> {
  const devices = await readJournal(runFiles(runDir).journal).then((j) => j.devices, () => new Map<string, DeviceJournalState>());
  const counts: Record<string, number> = {};
  let unfinished = 0;
  for (const id of manifest.deviceIds) {
    const device = devices.get(id);
    const step = device?.step;
    const state = step === 'retired' ? arrivalState(device!.facts) : step ? STATE_OF_STEP[step] : 'queued';
    counts[state] = (counts[state] ?? 0) + 1;
    // A device verified on the target whose retirement failed still has something to do.
    const retireFailed = step === 'failed' && device?.history.some((h) => h.s === 'verified');
    if (!step || !FINAL_STEPS.has(step) || retireFailed) unfinished++;
  }
  return { counts, unfinished };
}

export function unfinishedRunHandlers(ctx: HandlerContext): HandlersOf<'run:list-unfinished' | 'run:resume-unfinished'> {
  const { runs } = ctx;
  return {
    'run:list-unfinished': async () => {
      const found: RunInfo[] = [];
      for (const runId of await runs.listFolders()) {
        if (runs.isActive(runId)) continue;
        const folder = await runs.readFolder(runId).catch(() => undefined);
        // Only the app's own runs (the CLI resumes its runs), never the demo's (its servers are gone).
        if (!folder?.side || folder.side.demo || folder.manifest.source.kind !== 'stack') continue;
        const { counts, unfinished } = await runProgressOnDisk(folder.runDir, folder.manifest);
        if (unfinished === 0) continue;
        found.push(runInfoOnDisk(runId, folder.runDir, folder.manifest, folder.side, counts));
      }
      return { runs: found.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
    },

    'run:resume-unfinished': async ({ runId }) => {
      if (runs.isActive(runId)) throw conflict('This run is already open in this session.');
      const folder = await runs.readFolder(runId);
      if (!folder.side) throw notFound('This run was not started from the app: resume it with `stack-migrator resume`.');
      if (folder.side.demo) throw conflict('Demo runs cannot be resumed: their simulated servers are gone.');
      if (runs.anyRunning()) throw conflict('A run is in progress: wait for it to finish or cancel it first.');
      const sides = await openRunSides(ctx.connections, folder.manifest, folder.side);
      try {
        return { run: (await runs.start({ runId, runDir: folder.runDir, manifest: folder.manifest, side: folder.side, sides, resuming: true })).info() };
      } catch (err) {
        sides.close();
        throw err;
      }
    },
  };
}

/** A run folder of the app as the renderer sees it (its progress read from the journal). */
export function runInfoOnDisk(runId: string, runDir: string, manifest: RunManifest, side: RunSide, counts: Record<string, number>, finished = false): RunInfo {
  return {
    runId, runDir, createdAt: manifest.createdAt, sourceLabel: labelOf(side.source), targetLabel: labelOf(side.target),
    total: manifest.deviceIds.length, counts, finished, ...(manifest.options.application ? { carriesApplication: true } : {}),
  };
}
