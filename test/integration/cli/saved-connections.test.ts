// The CLI takes a deployment and its key from a connection saved by the app: URLs from
// connections.json, the key from the real OS keychain (the test run's private keyring).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keytarSecretStore } from '../../../src-main/credentials/index.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';
import { buildCli, runCli } from '../../support/cli-process.js';

const SERVICE = `org.stackmigrator.test-cli-${process.pid}`;
const secrets = keytarSecretStore(SERVICE);
let cli: string;
let fleet: Fleet | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  await secrets.delete('conn-source');
  await secrets.delete('conn-target');
  await fleet?.close();
});

function saveConnections(dataDir: string, f: Fleet) {
  const conn = (id: string, name: string, url: string, app: string) => ({
    id, name, preset: { kind: 'custom', isUrl: url, clusterUrl: url }, isUrl: url, clusterUrl: url, applicationId: app, rights: ['RIGHT_APPLICATION_ALL'], createdAt: new Date().toISOString(),
  });
  writeFileSync(join(dataDir, 'connections.json'), JSON.stringify({ version: 1, connections: [
    conn('conn-source', 'Community Edition', f.source.url, f.sourceApp), conn('conn-target', 'Cloud', f.target.url, f.targetApp),
  ] }), { mode: 0o600 });
}

describe('saved connections', () => {
  it('plans with both sides taken from saved connections and the keychain', async () => {
    fleet = await startFleet({ devices: 5, mix: 'otaa' });
    const dataDir = mkdtempSync(join(tmpdir(), 'sm-saved-'));
    saveConnections(dataDir, fleet);
    await secrets.set('conn-source', fleet.sourceKey);
    await secrets.set('conn-target', fleet.targetKey);
    const env = { STACK_MIGRATOR_DATA_DIR: dataDir, STACK_MIGRATOR_KEYCHAIN_SERVICE: SERVICE };
    const r = await runCli(cli, ['plan', '--source-connection', 'Community Edition', '--target-connection', 'Cloud', '--all', '--generate-keys'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Plan: 5 device\(s\): 5 ready/);
    expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
  });

  it('names the saved connections when the one asked for is unknown, and refuses a missing key', async () => {
    fleet = await startFleet({ devices: 1 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sm-saved-'));
    saveConnections(dataDir, fleet);
    const env = { STACK_MIGRATOR_DATA_DIR: dataDir, STACK_MIGRATOR_KEYCHAIN_SERVICE: SERVICE };
    const unknown = await runCli(cli, ['plan', '--source-connection', 'Nope', '--target-connection', 'Cloud', '--all'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no saved connection "Nope" .*\(saved: "Community Edition", "Cloud"\)/);
    const noKey = await runCli(cli, ['plan', '--source-connection', 'Community Edition', '--target-connection', 'Cloud', '--all'], env);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/keychain holds no API key for the connection "Community Edition"/);
  });
});
