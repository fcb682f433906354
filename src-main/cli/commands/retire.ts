// retire --run-dir --devices: ABP devices re-programmed with their new session leave the source.
import { readManifest, runFiles } from '../../migration/run-dir.js';
import { openSides } from '../../migration/session.js';
import { listAwaitingReprogram, retireReprogrammed } from '../../migration/retire.js';
import { checkCommandFlags, deviceSelection, type Flags, requireFlag, UsageError } from '../args.js';
import { checkRunDeployments, resolveKey } from '../sides.js';
import type { Output } from '../output.js';
import { EXIT } from './migrate.js';

export async function retireDevices(flags: Flags, out: Output): Promise<number> {
  checkCommandFlags('retire', flags);
  const runDir = requireFlag(flags, 'run-dir');
  const selection = deviceSelection(flags); // the ids are checked before the run folder is read
  const manifest = await readManifest(runDir).catch((e: unknown) => {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  });
  if (manifest.source.kind !== 'stack') throw new UsageError('this run imported a file: there is no source registration to retire');
  checkRunDeployments(manifest, flags);
  const journalPath = runFiles(runDir).journal;
  const waiting = await listAwaitingReprogram(journalPath).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return [] as string[]; // no journal: nothing was migrated yet
    throw err;
  });
  const ids = 'all' in selection ? waiting : selection.ids;
  const notWaiting = ids.filter((id) => !waiting.includes(id));
  if (notWaiting.length > 0) throw new UsageError(`not waiting for re-programming in this run: ${notWaiting.join(', ')}`);
  const sides = await openSides(manifest, { source: await resolveKey(flags, 'source'), target: await resolveKey(flags, 'target') });
  try {
    const source = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
    const { retired, failed } = await retireReprogrammed(journalPath, source, ids, (e) => out.event(e));
    out.summary({ migrated: retired.length, failed: failed.length, skipped: 0, blocked: 0, runDir });
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    sides.close();
  }
}
