// report:save, sheet:save and devices:export: files the user asked for, saved where the
// native save dialog says. The sheet and devices.json hold keys: written 0600, atomically
// (a temp file renamed over the target, so an existing file is never left half-written).
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UPDATE_SHEET_FILE } from '../application/sheet.js';
import { randomBytes } from 'node:crypto';
import { readJournal } from '../migration/journal.js';
import { runFiles } from '../migration/run-dir.js';
import { mapLimit } from '../migration/concurrency.js';
import { hasRight, RIGHT } from '../migration/preflight.js';
import { sourceReadPaths } from '../migration/shape.js';
import { buildReport, REPORT_COLUMNS, writeReprogramSheet } from '../migration/files/report.js';
import { toCsv } from '../migration/files/csv.js';
import { toExportedDevice, writeDevicesJson } from '../migration/files/devices-json.js';
import type { JsonObject } from '../stack/paths.js';
import { writeFileAtomic } from '../credentials/connections-file.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';
import { openRunSides } from './run-registry.js';

type Channels = 'report:save' | 'sheet:save' | 'devices:export' | 'update-sheet:get' | 'update-sheet:save';

/** Writes through a temp file next to `path`, renamed over it once complete. */
async function writeVia(path: string, write: (tmp: string) => Promise<unknown>): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function reportHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const { deps, runs } = ctx;
  const folderOf = async (runId: string) => runs.get(runId) ?? (await runs.readFolder(runId));
  const updateSheetOf = async (runId: string) => {
    // A run that has just ended writes its files now: wait for them.
    await runs.get(runId)?.settled();
    const { runDir } = await folderOf(runId);
    return readFile(join(runDir, UPDATE_SHEET_FILE), 'utf8').catch(() => {
      throw notFound('This run has no "what to update" sheet: it did not carry the application, or has not ended yet.');
    });
  };

  return {
    'report:save': async ({ runId, format }) => {
      const { runDir, manifest } = await folderOf(runId);
      const blocked = new Map(manifest.blocked.map((b) => [b.deviceId, { outcome: 'blocked', error: b.reasons.join(' ') }]));
      const rows = await buildReport(runFiles(runDir).journal, [...manifest.deviceIds, ...blocked.keys()], blocked).catch(() => {
        throw notFound('This run has no journal yet: nothing to report.');
      });
      const path = await deps.saveDialog({
        defaultName: `stack-migrator-report-${runId}.${format}`,
        filters: [format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] }],
      });
      if (!path) return { cancelled: true };
      const text = format === 'csv'
        ? toCsv(REPORT_COLUMNS, rows as unknown as Record<string, unknown>[])
        : `${JSON.stringify({ generatedAt: new Date().toISOString(), runId, devices: rows }, null, 2)}\n`;
      await writeFileAtomic(path, text, 0o600); // owner-only, like the run's own report
      return { savedTo: path };
    },

    'update-sheet:get': async ({ runId }) => ({ markdown: await updateSheetOf(runId) }),

    'update-sheet:save': async ({ runId }) => {
      const markdown = await updateSheetOf(runId);
      const path = await deps.saveDialog({ defaultName: `what-to-update-${runId}.md`, filters: [{ name: 'Markdown', extensions: ['md'] }] });
      if (!path) return { cancelled: true };
      await writeFileAtomic(path, markdown, 0o600);
      return { savedTo: path };
    },

    'sheet:save': async ({ runId }) => {
      const folder = await folderOf(runId);
      if (!folder.side) throw notFound('This run was not started from the app: its sheet is in its run folder.');
      const { devices } = await readJournal(runFiles(folder.runDir).journal).catch(() => {
        throw notFound('This run has no journal yet.');
      });
      // As the run's own sheet: devices given new keys, once they exist on the target.
      const targetIds = [...devices.values()]
        .filter((d) => d.facts.targetId && d.facts.reprogram === true && ['awaiting-reprogram', 'retired', 'joined'].includes(d.step ?? ''))
        .map((d) => d.facts.targetId!);
      if (targetIds.length === 0) throw conflict('No device of this run needs re-programming.');
      const path = await deps.saveDialog({ defaultName: `reprogramming-sheet-${runId}.csv`, filters: [{ name: 'CSV', extensions: ['csv'] }] });
      if (!path) return { cancelled: true };
      const sides = await openRunSides(ctx.connections, folder.manifest, folder.side);
      try {
        await writeVia(path, (tmp) => writeReprogramSheet(tmp, { client: sides.target.client, appId: sides.target.appId }, targetIds));
      } finally {
        sides.close();
      }
      return { savedTo: path };
    },

    'devices:export': async ({ connectionId, applicationId, deviceIds, withSession }) => {
      const { client } = await ctx.connections.open(connectionId);
      try {
        const rights = await client.applicationRights(applicationId);
        if (!hasRight(rights, RIGHT.readKeys)) {
          throw conflict('The API key of this connection cannot read device keys (RIGHT_APPLICATION_DEVICES_READ_KEYS): an export without keys cannot be imported.');
        }
        const path = await deps.saveDialog({ defaultName: `${applicationId}-devices.json`, filters: [{ name: 'JSON', extensions: ['json'] }] });
        if (!path) return { cancelled: true };
        const ids = [...new Set(deviceIds)];
        const paths = [...sourceReadPaths(true), ...(withSession ? ['session', 'mac_state'] : [])];
        async function* devices(): AsyncGenerator<JsonObject> {
          // Read ahead in batches, write in order.
          for (let i = 0; i < ids.length; i += 64) {
            const batch = await mapLimit(ids.slice(i, i + 64), 8, async (id) => (await client.getDevice(applicationId, id, paths)).device);
            for (const d of batch) yield toExportedDevice(d, withSession);
          }
        }
        await writeVia(path, (tmp) => writeDevicesJson(tmp, devices()));
        return { savedTo: path };
      } finally {
        client.close();
      }
    },
  };
}
