// Rolling a gateway back: the source gateway gets exactly the Gateway Server address and LNS key
// it had before the re-point (saved once, before the first write), and the target LNS key the
// run minted is revoked; the target registration stays (deleting it would keep its id taken).
import { StackError } from '../stack/errors.js';
import { GatewayApi, REPOINT_PATHS } from '../stack/gateway-api.js';
import { Journal, readJournal } from '../migration/journal.js';
import { runFiles } from '../migration/run-dir.js';
import type { GatewaySecrets } from './secrets.js';
import type { GatewaySides } from './session.js';
import { readGatewayRun } from './session.js';
import { recordOf } from './status.js';

export async function rollbackGateways(runDir: string, ids: string[], sides: GatewaySides & { secrets: (runId: string) => GatewaySecrets; signal?: AbortSignal }): Promise<{ restored: string[]; failed: { id: string; error: string }[] }> {
  const m = await readGatewayRun(runDir);
  const records = (await readJournal(runFiles(runDir).journal)).devices;
  const secrets = sides.secrets(m.runId);
  const src = new GatewayApi(sides.source);
  const tgt = new GatewayApi(sides.target);
  const opts = { signal: sides.signal };
  const restored: string[] = [];
  const failed: { id: string; error: string }[] = [];
  const journal = await Journal.open(runFiles(runDir).journal);
  try {
    for (const id of ids) {
      const rec = records.get(recordOf(id));
      try {
        if (!m.plan.gateways.some((g) => g.id === id)) throw new Error('not a gateway of this run');
        if (!rec?.step) throw new Error('nothing was done to it in this run');
        if (rec.step === 'gw-rolled-back') {
          restored.push(id);
          continue;
        }
        if (rec.history.some((h) => h.s === 'gw-claiming')) throw new Error('a claimed gateway cannot be rolled back here: unclaim it on the target and claim it again on the source with its owner token');
        const gw = rec.gw ?? {};
        if (gw.addressBefore !== undefined) {
          const secret = gw.lnsSecretBefore ? await secrets.lnsBefore(id) : undefined;
          if (gw.lnsSecretBefore && !secret) throw new Error('the source\'s earlier LNS key is not in this computer\'s keychain: set it back on the source by hand');
          await src.update(id, {
            ...(gw.addressBefore !== null ? { gateway_server_address: gw.addressBefore } : {}),
            ...(secret ? { lbs_lns_secret: { value: secret } } : {}),
          }, REPOINT_PATHS, opts);
        }
        if (gw.keyName) {
          const keys = gw.keyId ? [{ id: gw.keyId, name: gw.keyName }] : (await tgt.listApiKeys(gw.targetId ?? id, opts)).filter((k) => k.name === gw.keyName);
          for (const k of keys) await tgt.deleteApiKey(gw.targetId ?? id, k.id, opts);
        }
        await journal.step(recordOf(id), 'gw-rolled-back');
        await secrets.forget(id);
        restored.push(id);
      } catch (err) {
        failed.push({ id, error: err instanceof StackError || err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await journal.close();
  }
  return { restored, failed };
}
