// A gateway run killed at each durable point: either right after a step was journaled (before the
// write it announces), or right after that write reached the server but before the next step was
// journaled. The run is stopped there (the next record is cut from the journal, as a kill -9 would
// leave it), resumed, and the result must be as if nothing had happened: one target gateway, one
// LNS key (the one in the keychain, which the station connects with), and a rollback that restores
// the source exactly as it was before the first re-point.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keytarSecretStore } from '../../../src-main/credentials/index.js';
import { StackClient } from '../../../src-main/stack/client.js';
import { planGateways } from '../../../src-main/gateways/plan.js';
import { GatewaySecrets } from '../../../src-main/gateways/secrets.js';
import { resumeGatewayRun, startGatewayRun } from '../../../src-main/gateways/session.js';
import { rollbackGateways } from '../../../src-main/gateways/rollback.js';
import { eventually, startGatewayFleet, type GatewayFleet } from '../../support/gateway-fleet.js';

const store = keytarSecretStore(`org.stackmigrator.test-gw-crash-${process.pid}`);
let fleet: GatewayFleet | undefined;
const clients: StackClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await fleet?.close();
  fleet = undefined;
});

const journalLines = (runDir: string) => readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean);

/** The journal as a kill leaves it: up to `step`'s record, with it (`kept`) or without it (`lost`). */
function cutAt(runDir: string, step: string, mode: 'kept' | 'lost'): void {
  const lines = journalLines(runDir);
  const i = lines.findIndex((l) => l.includes(`"s":"${step}"`));
  expect(i, `${step} journaled`).toBeGreaterThan(0);
  writeFileSync(join(runDir, 'journal.jsonl'), `${lines.slice(0, mode === 'kept' ? i + 1 : i).join('\n')}\n`);
}

// [step, mode]: "kept" = killed after the record, before its write; "lost" = killed after the write before it, before the record.
const POINTS: [string, 'kept' | 'lost'][] = [
  ['gw-creating', 'kept'], ['gw-created', 'lost'], ['gw-key-creating', 'kept'], ['gw-key-stored', 'lost'],
  ['gw-repointing', 'kept'], ['gw-repointed', 'lost'],
];

describe('gateway run: a crash after each durable point', () => {
  it.each(POINTS)('killed at %s (%s): resumed, nothing doubled, rollback exact', async (step, mode) => {
    fleet = await startGatewayFleet({ gateways: { cups: 1 }, cupsEveryMs: 100 });
    const f = fleet;
    const gw = f.gateways[0]!;
    const source = new StackClient({ isUrl: f.source.url, clusterUrl: f.source.clusterUrl, apiKey: f.sourceKey });
    const target = new StackClient({ isUrl: f.target.url, clusterUrl: f.target.clusterUrl, apiKey: f.targetKey });
    clients.push(source, target);
    const secrets = (id: string) => new GatewaySecrets(store, id);
    const plan = await planGateways({ source, target, ids: [gw.id], options: { waitSeconds: 10 } });
    const runDir = mkdtempSync(join(tmpdir(), 'sm-gw-crash-'));
    // The "kill": the run stops at the step's record (nothing is written after it), then the journal is cut.
    const { runId } = await startGatewayRun(plan, {
      source, target, runDir, pollMs: 100, secrets, noWait: true,
      onStatus: () => {
        if (journalLines(runDir).at(-1)?.includes(`"s":"${step}"`)) throw new Error('killed');
      },
    });
    cutAt(runDir, step, mode);
    const status = await resumeGatewayRun(runDir, { source, target, secrets, pollMs: 100 });
    expect(status.gateways[0]?.state).toBe('connected');
    expect(f.target.listGatewayIds()).toEqual([gw.id]);
    expect(f.target.gatewayApiKeys(gw.id).length).toBe(1);
    // The key in the keychain is the one that works: the station connected with it.
    await eventually(() => f.stations.view(gw.eui)?.connectedTo === f.target.clusterHost, 5000, 'on the target');
    const r = await rollbackGateways(runDir, [gw.id], { source, target, secrets });
    expect(r.failed).toEqual([]);
    const now = f.source.inspectGateway(gw.id)!;
    expect({ gateway_server_address: now.gateway_server_address, lbs_lns_secret: now.lbs_lns_secret }).toEqual(f.before.get(gw.id));
    expect(f.target.gatewayApiKeys(gw.id)).toEqual([]);
    await secrets(runId).forget(gw.id);
  }, 30_000);
});
