// "What to update" after a run that carried the application: the new MQTT username and host,
// the webhooks whose receivers must accept the target, the API keys to recreate, and the
// items that failed. Markdown, written into the run folder; no secret in it.
import type { StackClient } from '../stack/client.js';
import { ApplicationApi } from '../stack/application-api.js';
import type { DeviceJournalState } from '../migration/journal.js';
import { redact } from '../logging/redact.js';

export const UPDATE_SHEET_FILE = 'what-to-update.md';

interface Side {
  client: StackClient;
  appId: string;
}

const tolerate = <T>(p: Promise<T>, fallback: T) => p.catch(() => fallback);

export async function buildUpdateSheet(args: { source: Side; target: Side; journal: ReadonlyMap<string, DeviceJournalState>; webhookDownlinkKeys: 'create' | 'leave-empty' }): Promise<string> {
  const { source, target, journal } = args;
  const src = new ApplicationApi(source.client);
  const tgt = new ApplicationApi(target.client);
  const [mqttBefore, mqttAfter, keys, webhooks] = await Promise.all([
    tolerate(src.mqttConnectionInfo(source.appId), undefined), tolerate(tgt.mqttConnectionInfo(target.appId), undefined),
    tolerate(src.listApiKeys(source.appId), [] as { id: string; name?: string }[]), tolerate(tgt.listWebhooks(target.appId), []),
  ]);
  const records = [...journal].filter(([id]) => id.startsWith('@app:'));
  const failed = records.filter(([, r]) => r.step === 'app-failed');
  const lines = [
    `# What to update after moving application "${source.appId}" to "${target.appId}"`, '',
    '## The built-in MQTT server', '',
    `- Username: \`${mqttBefore?.username ?? source.appId}\` → \`${mqttAfter?.username ?? `${target.appId}@<tenant>`}\``,
    `- Host: \`${mqttBefore?.public_tls_address ?? mqttBefore?.public_address ?? 'the source'}\` → \`${mqttAfter?.public_tls_address ?? mqttAfter?.public_address ?? 'the target'}\``,
    '- Password: a new API key of the target application (keys are never carried).', '',
    '## Webhooks', '',
    ...(webhooks.length === 0 ? ['- None on the target.'] : webhooks.map((w) => {
      const key = w.downlink_api_key ? 'has a new target downlink key' : args.webhookDownlinkKeys === 'leave-empty' ? 'has **no downlink key**: give it a target key with the downlink right' : 'has no downlink key';
      return `- \`${w.ids.webhook_id}\` → \`${String(w.base_url ?? '')}\`: its receiver must accept requests from the target (X-Tts-Domain header); it ${key}.`;
    })), '',
    '## API keys to recreate on the target', '',
    ...(keys.length === 0 ? ['- None could be listed on the source (or it has none).'] : keys.map((k) => `- ${k.name ? `"${k.name}"` : k.id}: create a key with the same rights on the target and update every consumer.`)), '',
    '## Collaborators', '', '- Add the target\u2019s users and organizations to the application by hand (accounts differ between deployments).', '',
  ];
  if (failed.length > 0) {
    lines.push('## Not carried (failed)', '', ...failed.map(([id, r]) => `- ${id.slice('@app:'.length)}: ${redact(r.error ?? 'failed')}`), '');
  }
  return `${lines.join('\n')}\n`;
}
