// app-plan: the application section of a plan alone — each setting new / same / differs /
// not available on the target, and what cannot be carried. Reads only.
import { planApplication } from '../../application/plan.js';
import { applicationOptionsSchema } from '../../application/options.js';
import { openSides } from '../../migration/session.js';
import { targetDeviceId } from '../../migration/options.js';
import { applicationFromFlags, applicationId, checkCommandFlags, deviceSelection, type Flags, requireFlag } from '../args.js';
import { resolveSide } from '../sides.js';
import type { Output } from '../output.js';
import { EXIT } from './migrate.js';

export async function appPlan(flags: Flags, out: Output): Promise<number> {
  checkCommandFlags('app-plan', flags);
  const options = applicationOptionsSchema.parse(applicationFromFlags({ ...flags, 'with-application': true }) ?? {});
  // Devices are optional here: with them, their own package associations are compared too.
  const selection = flags.all || flags.devices !== undefined ? deviceSelection(flags) : { ids: [] as string[] };
  const source = await resolveSide(flags, 'source');
  const target = await resolveSide(flags, 'target');
  const sourceApp = applicationId('source-app', flags['source-app'] ?? source.appId ?? requireFlag(flags, 'source-app'));
  const targetApp = applicationId('target-app', flags['target-app'] ?? target.appId ?? requireFlag(flags, 'target-app'));
  const sides = await openSides({ source: { kind: 'stack', ...source.target, appId: sourceApp }, target: { ...target.target, appId: targetApp } }, { source: source.apiKey, target: target.apiKey });
  try {
    const src = sides.source as Extract<typeof sides.source, { kind: 'stack' }>;
    const ids = 'all' in selection ? (await src.client.listDevices(sourceApp, { paths: [] })).devices.map((d) => d.ids.device_id) : selection.ids;
    const plan = await planApplication({
      source: { client: src.client, appId: sourceApp, rights: await src.client.applicationRights(sourceApp) },
      target: { client: sides.target.client, appId: targetApp, rights: await sides.target.client.applicationRights(targetApp).catch(() => [] as string[]) },
      devices: ids.map((sourceId) => ({ sourceId, targetId: targetDeviceId(sourceId, { kind: 'same' }) })), options,
    });
    out.application(plan);
    for (const b of plan.blockers) out.info(`blocker: ${b.message}`);
    for (const w of plan.warnings) out.info(`warning: ${w.message}`);
    return plan.blockers.length > 0 ? EXIT.usage : EXIT.ok;
  } finally {
    sides.close();
  }
}
