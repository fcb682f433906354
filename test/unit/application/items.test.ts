import { describe, expect, it } from 'vitest';
import { differenceLines, itemsOf, MASK, masked, sameSettings } from '../../../src-main/application/items.js';
import { applicationFromFlags, parseCommandLine, UsageError } from '../../../src-main/cli/args.js';

const hook = {
  ids: { webhook_id: 'dashboard', application_ids: { application_id: 'a' } }, base_url: 'https://example.com/hook', format: 'json',
  headers: { Authorization: 'Bearer s3cret-token', 'X-Env': 'prod' }, downlink_api_key: 'NNSXS.SOURCEKEY', template_fields: { token: 'tpl-secret' },
  uplink_message: { path: '/up' }, created_at: '2026-01-01T00:00:00Z',
};

describe('application items', () => {
  it('masks every secret of a webhook, a pub/sub and a package, and keeps the header names', () => {
    const m = masked('webhook', hook);
    expect(m.headers).toEqual({ Authorization: MASK, 'X-Env': MASK });
    expect(m.downlink_api_key).toBe(MASK);
    expect(m.template_fields).toEqual({ token: MASK });
    expect(JSON.stringify(masked('pubsub', { mqtt: { server_url: 'mqtts://h', password: 'pw', tls_client_key: 'k' } }))).not.toMatch(/"pw"|"k"/);
    expect(masked('pubsub', { nats: { server_url: 'nats://user:pass@h' } }).nats).toEqual({ server_url: MASK });
    expect(masked('package', { package_name: 'lora-cloud', data: { token: 't' } }).data).toBe(MASK);
    expect(hook.headers.Authorization).toBe('Bearer s3cret-token'); // the value itself is not touched
  });

  it('compares without what the server adds, and says the differences in words, secrets masked', () => {
    expect(sameSettings(hook, { ...hook, ids: { webhook_id: 'dashboard' }, created_at: 'later', updated_at: 'x' })).toBe(true);
    const other = { ...hook, base_url: 'https://example.org/hook', headers: { Authorization: 'Bearer other' } };
    const lines = differenceLines('webhook', hook, other);
    expect(lines).toContain('base_url: "https://example.org/hook" on the target, "https://example.com/hook" on the source');
    expect(lines).toContain('headers.X-Env: none on the target, "••••••" on the source');
    expect(lines.join('\n')).not.toMatch(/s3cret|other"/);
    const f = (s: string) => ({ default_formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: s } });
    const scripts = differenceLines('formatters', f('function decodeUplink(i) {\n  return 1;\n}'), f('function decodeUplink(i) {\n  return 2;\n}'));
    expect(scripts).toEqual(['default_formatters.up_formatter_parameter: the scripts differ (+ source only, − target only)', '  +   return 1;', '  −   return 2;']);
  });

  it('lists the items of an application: its settings, formatters, each webhook, pub/sub and association', () => {
    const items = itemsOf({
      application: { name: 'Fleet' }, link: { default_formatters: { up_formatter: 'FORMATTER_JAVASCRIPT', up_formatter_parameter: 'x' } },
      webhooks: [hook], pubsubs: [{ ids: { pub_sub_id: 'mqtt-out' } }], packages: [{ ids: { f_port: 199 }, package_name: 'lora-cloud-device-management-v1' }],
      devicePackages: [{ deviceId: 'dev-1', associations: [{ ids: { f_port: 200 }, package_name: 'lora-cloud-geolocation-v3' }] }],
    });
    expect(items.map((i) => i.key)).toEqual(['application', 'formatters', 'webhook:dashboard', 'pubsub:mqtt-out', 'package:199', 'device-package:dev-1:200']);
    expect(itemsOf({ application: {}, link: { default_formatters: {} }, webhooks: [], pubsubs: [], packages: [], devicePackages: [] }).map((i) => i.key)).toEqual(['application']);
  });
});

describe('the CLI application flags', () => {
  const flags = (...a: string[]) => parseCommandLine(['migrate', ...a]).flags;
  it('reads the owner, the webhook keys choice and the items to overwrite', () => {
    expect(applicationFromFlags(flags())).toBeUndefined();
    expect(applicationFromFlags(flags('--with-application', '--create-target-app', 'org:acme', '--webhook-downlink-keys', 'leave-empty', '--overwrite-app-items', 'formatters, webhook:dashboard'))).toEqual({
      createTarget: { kind: 'organization', id: 'acme' }, webhookDownlinkKeys: 'leave-empty', overwrite: ['formatters', 'webhook:dashboard'],
    });
  });
  it('says which input is wrong', () => {
    expect(() => applicationFromFlags(flags('--create-target-app', 'user:alice'))).toThrow(/needs --with-application/);
    expect(() => applicationFromFlags(flags('--with-application', '--create-target-app', 'alice'))).toThrow(UsageError);
    expect(() => applicationFromFlags(flags('--with-application', '--webhook-downlink-keys', 'maybe'))).toThrow(/create or leave-empty/);
  });
});
