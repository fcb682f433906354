// export: writes devices.json from a source application; changes nothing on the source.
import { StackClient } from '../../stack/client.js';
import { hasRight, RIGHT } from '../../migration/preflight.js';
import { sourceReadPaths } from '../../migration/shape.js';
import { toExportedDevice, writeDevicesJson } from '../../migration/files/devices-json.js';
import { deviceSelection, type Flags, requireFlag, UsageError } from '../args.js';
import { resolveSide } from '../sides.js';
import type { Output } from '../output.js';
import { EXIT } from './migrate.js';

export async function exportDevices(flags: Flags, out: Output): Promise<number> {
  const source = await resolveSide(flags, 'source');
  const appId = flags['source-app'] ?? source.appId ?? requireFlag(flags, 'source-app');
  const file = requireFlag(flags, 'out');
  const selection = deviceSelection(flags);
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
