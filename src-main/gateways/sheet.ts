// The gateway sheet the user saves: per gateway what to set on it by hand — the UDP server
// address and ports, or tc.uri and tc.key for an LNS-only Basic Station (the key comes from the
// keychain: this sheet holds secrets, and exists only where the user saves it).
import { readJournal } from '../migration/journal.js';
import { runFiles } from '../migration/run-dir.js';
import { KIND_LABELS } from './schema.js';
import type { GatewaySecrets } from './secrets.js';
import { readGatewayRun } from './session.js';
import { gatewayStatus, recordOf } from './status.js';
import { manualSteps } from './words.js';

export async function gatewaySheet(runDir: string, secrets: (runId: string) => GatewaySecrets): Promise<string> {
  const m = await readGatewayRun(runDir);
  const records = (await readJournal(runFiles(runDir).journal).catch(() => ({ devices: new Map() }))).devices;
  const store = secrets(m.runId);
  const address = m.plan.targetServerAddress;
  const lines = [
    `# Gateways moved to ${address}`, '',
    `Run ${m.runId}, planned ${m.plan.createdAt}.`, '',
    '> This sheet may hold LNS keys (tc.key): keep it safe and delete it once the gateways are connected.', '',
    '## Packet Broker', '', m.plan.packetBroker, '',
  ];
  for (const entry of m.plan.gateways) {
    const rec = records.get(recordOf(entry.id));
    const s = gatewayStatus(entry, rec);
    lines.push(`## ${entry.name ? `${entry.name} (${entry.id})` : entry.id}`, '', `- EUI: ${entry.eui ?? '—'}`, `- Kind: ${KIND_LABELS[entry.kind]}`, `- State: ${s.state}${s.error ? ` — ${s.error}` : ''}`, '');
    if (s.state === 'failed' || s.state === 'pending' || s.state === 'rolled-back') continue;
    if (entry.action === 'lns-files') {
      const key = await store.lnsKey(entry.id);
      lines.push(`tc.uri:`, '', '```', `wss://${address}:8887`, '```', '', 'tc.key:', '', '```', key ? `Authorization: Bearer ${key}` : '(the key is not in this computer\'s keychain: make a gateway API key with the link right on the target)', '```', '');
    }
    for (const step of manualSteps(entry.action, entry.kind, address)) lines.push(`- ${step}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
