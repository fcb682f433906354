// arrivals --run-dir DIR [--json]: did each device the run moved join the target, and is the
// source still hearing it — right after the run or days later. Writes arrivals.csv beside the
// report; exit 0 when every device expected to arrive did, 1 when some have not (yet).
import { join } from 'node:path';
import { checkArrivals } from '../../arrivals/check.js';
import { arrivalsCsv, arrivalsText } from '../../arrivals/export.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { redactValue } from '../../logging/redact.js';
import { JournalMissingError, readJournal } from '../../migration/journal.js';
import { readManifest, runFiles } from '../../migration/run-dir.js';
import { openSides } from '../../migration/session.js';
import { checkCommandFlags, type Flags, requireFlag, UsageError } from '../args.js';
import { checkRunDeployments, resolveKey } from '../sides.js';
import { EXIT } from './migrate.js';

export async function checkRunArrivals(flags: Flags, write = (s: string) => process.stdout.write(s)): Promise<number> {
  checkCommandFlags('arrivals', flags);
  const runDir = requireFlag(flags, 'run-dir');
  const manifest = await readManifest(runDir).catch((e: unknown) => {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  });
  checkRunDeployments(manifest, flags);
  const { devices } = await readJournal(runFiles(runDir).journal).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') throw new UsageError(new JournalMissingError(runFiles(runDir).journal).message);
    throw err;
  });
  const keys = { source: manifest.source.kind === 'stack' ? await resolveKey(flags, 'source') : undefined, target: await resolveKey(flags, 'target') };
  const sides = await openSides(manifest, keys, new Map(), { maxRequestsPerSecond: manifest.maxRequestsPerSecond });
  try {
    const source = sides.source.kind === 'stack' ? { client: sides.source.client, appId: sides.source.appId } : undefined;
    const report = await checkArrivals({ runDir, deviceIds: manifest.deviceIds, journal: devices, sides: { source, target: sides.target } });
    const csv = join(runDir, 'arrivals.csv');
    await writeFileAtomic(csv, arrivalsCsv(report), 0o600);
    if (flags.json) write(`${JSON.stringify(redactValue(report))}\n`);
    else write(`${[...arrivalsText(report), `Details: ${csv}`].join('\n')}\n`);
    return report.counts.stragglers === 0 && report.problems.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    sides.close();
  }
}
