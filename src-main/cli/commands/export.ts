// export: writes devices.json from a source application; changes nothing on the source.
import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StackClient } from '../../stack/client.js';
import { hasRight, RIGHT } from '../../migration/preflight.js';
import { sourceReadPaths } from '../../migration/shape.js';
import { toExportedDevice, writeDevicesJson } from '../../migration/files/devices-json.js';
import { applicationId, checkCommandFlags, deviceSelection, type Flags, requireFlag, UsageError } from '../args.js';
import { resolveSide } from '../sides.js';
import type { Output } from '../output.js';
import { EXIT } from './migrate.js';

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

/**
 * --out before anything is read from the source: a file path (not a folder) in a folder that
 * exists and this user may write in. A symbolic link there is replaced, never written through.
 */
export async function checkOutFile(file: string): Promise<void> {
  const entry = await lstat(file).catch((err: unknown) => (codeOf(err) === 'ENOENT' ? undefined : Promise.reject(err)));
  if (entry?.isDirectory()) throw new UsageError(`--out ${file} is a folder: give the path of the file to write`);
  const folder = dirname(resolve(file));
  const f = await stat(folder).catch((err: unknown) => {
    if (codeOf(err) === 'ENOENT') throw new UsageError(`--out: the folder ${folder} does not exist`);
    if (codeOf(err) === 'ENOTDIR') throw new UsageError(`--out: ${folder} is not a folder`);
    throw new UsageError(`--out: cannot look into ${folder} (${codeOf(err) === 'EACCES' ? 'permission denied' : (err as Error).message})`);
  });
  if (!f.isDirectory()) throw new UsageError(`--out: ${folder} is a file, not a folder`);
  await access(folder, constants.W_OK | constants.X_OK).catch((err: unknown) => {
    throw new UsageError(`--out: cannot write in ${folder} (${codeOf(err) === 'EROFS' ? 'a read-only file system' : 'permission denied'})`);
  });
}

export async function exportDevices(flags: Flags, out: Output): Promise<number> {
  checkCommandFlags('export', flags);
  // Flags and the destination first: nothing is asked of the source before they are fine.
  const selection = deviceSelection(flags);
  const file = requireFlag(flags, 'out');
  await checkOutFile(file);
  const source = await resolveSide(flags, 'source');
  const appId = applicationId('source-app', flags['source-app'] ?? source.appId ?? requireFlag(flags, 'source-app'));
  const client = new StackClient({ ...source.target, apiKey: source.apiKey });
  try {
    const rights = await client.applicationRights(appId);
    if (!hasRight(rights, RIGHT.readKeys)) throw new UsageError('the source API key cannot read device keys (RIGHT_APPLICATION_DEVICES_READ_KEYS): an export without keys cannot be imported');
    const ids = 'all' in selection ? (await client.listDevices(appId, { paths: [] })).devices.map((d) => d.ids.device_id) : selection.ids;
    const paths = [...sourceReadPaths(true), ...(flags['with-session'] ? ['session', 'mac_state'] : [])];
    const withSession = flags['with-session'] ?? false;
    async function* devices() {
      for (const id of ids) {
        const { device } = await client.getDevice(appId, id, paths);
        yield toExportedDevice(device, withSession);
      }
    }
    const n = await writeDevicesJson(file, devices());
    out.info(`Wrote ${n} device(s) to ${file} (it holds device keys: mode 0600; keep it safe).`);
    out.summary({ migrated: 0, failed: 0, skipped: 0, blocked: 0, exported: n, runDir: '' });
    return EXIT.ok;
  } finally {
    client.close();
  }
}
