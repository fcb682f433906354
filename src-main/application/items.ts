// The application's settings as items a plan can show and a run can carry: each with a key,
// the source's value, the target's (if any), and whether they are the same. Secrets (webhook
// headers and downlink keys, pub/sub credentials, package data) are masked in everything
// shown; only the run's writes use the values.
import { isDeepStrictEqual } from 'node:util';
import type { ApplicationLink, PackageAssociation, PubSub, Webhook } from '../stack/application-api.js';

export type ItemKind = 'application' | 'formatters' | 'webhook' | 'pubsub' | 'package' | 'device-package';

export interface SourceItem {
  key: string;
  kind: ItemKind;
  label: string;
  value: Record<string, unknown>;
}

export const MASK = '••••••';

/** Paths (dot-separated, `*` for any key) whose values are secrets. */
const SECRET_PATHS: Record<ItemKind, string[]> = {
  application: [],
  formatters: [],
  webhook: ['headers.*', 'downlink_api_key', 'template_fields.*'],
  // The provider is a oneof: in JSON its member is a field of its own ("mqtt", "nats"), in masks "provider.mqtt".
  pubsub: ['mqtt.password', 'mqtt.tls_client_key', 'mqtt.headers.*', 'nats.server_url', 'aws_iot.access_key.secret_access_key', 'aws_iot.access_key.session_token'],
  package: ['data'],
  'device-package': ['data'],
};

/** A copy with every secret replaced by MASK (the keys of a header map stay: they are not secret). */
export function masked(kind: ItemKind, value: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(value);
  for (const path of SECRET_PATHS[kind]) maskPath(out, path.split('.'));
  return out;
}

function maskPath(node: unknown, parts: string[]): void {
  if (typeof node !== 'object' || node === null) return;
  const [head, ...rest] = parts;
  const obj = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(obj) : head !== undefined && head in obj ? [head] : [];
  for (const k of keys) {
    if (rest.length === 0) obj[k] = obj[k] === undefined || obj[k] === '' ? obj[k] : MASK;
    else maskPath(obj[k], rest);
  }
}

/** What the server adds or owns: never compared, never written. */
const SERVER_FIELDS = new Set(['ids', 'created_at', 'updated_at', 'health_status']);

export function comparable(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k, v]) => !SERVER_FIELDS.has(k) && v !== undefined && v !== null && v !== '' && v !== false));
}

export const sameSettings = (a: Record<string, unknown>, b: Record<string, unknown>) => isDeepStrictEqual(comparable(a), comparable(b));

/**
 * The differences in words, secrets masked: one line per top-level field; a formatter script
 * as the lines only one side has (at most `limit`).
 */
export function differenceLines(kind: ItemKind, source: Record<string, unknown>, target: Record<string, unknown>, limit = 12): string[] {
  const s = flatten(comparable(masked(kind, source)));
  const t = flatten(comparable(masked(kind, target)));
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(s), ...Object.keys(t)])].sort()) {
    if (isDeepStrictEqual(s[key], t[key])) continue;
    const a = s[key];
    const b = t[key];
    if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) {
      lines.push(`${key}: the scripts differ (+ source only, − target only)`);
      const inB = new Set(b.split('\n'));
      const inA = new Set(a.split('\n'));
      for (const l of a.split('\n').filter((x) => !inB.has(x))) lines.push(`  + ${l}`);
      for (const l of b.split('\n').filter((x) => !inA.has(x))) lines.push(`  − ${l}`);
    } else {
      lines.push(`${key}: ${show(b)} on the target, ${show(a)} on the source`);
    }
  }
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}

/** Nested settings as dotted paths, two levels deep (a formatter's script is one line of the diff). */
function flatten(value: Record<string, unknown>, prefix = '', depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (depth < 1 && typeof v === 'object' && v !== null && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, path, depth + 1));
    else out[path] = v;
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v).slice(0, 120));

/** The items of a source application as read (see read.ts). */
export function itemsOf(read: {
  application: { name?: string; description?: string; attributes?: Record<string, string> };
  link?: ApplicationLink;
  webhooks: Webhook[];
  pubsubs: PubSub[];
  packages: PackageAssociation[];
  devicePackages: { deviceId: string; associations: PackageAssociation[] }[];
}): SourceItem[] {
  const items: SourceItem[] = [{ key: 'application', kind: 'application', label: 'Name, description and attributes', value: read.application }];
  const formatters = read.link?.default_formatters;
  if (formatters && Object.keys(comparable(formatters)).length > 0) {
    items.push({ key: 'formatters', kind: 'formatters', label: 'Default payload formatters', value: { default_formatters: formatters } });
  }
  for (const w of read.webhooks) items.push({ key: `webhook:${w.ids.webhook_id}`, kind: 'webhook', label: `Webhook ${w.ids.webhook_id}`, value: w });
  for (const p of read.pubsubs) items.push({ key: `pubsub:${p.ids.pub_sub_id}`, kind: 'pubsub', label: `Pub/sub ${p.ids.pub_sub_id}`, value: p });
  for (const a of read.packages) {
    items.push({ key: `package:${a.ids.f_port}`, kind: 'package', label: `Package ${a.package_name ?? '?'} on FPort ${a.ids.f_port}`, value: a });
  }
  for (const d of read.devicePackages) {
    for (const a of d.associations) {
      items.push({ key: `device-package:${d.deviceId}:${a.ids.f_port}`, kind: 'device-package', label: `Package ${a.package_name ?? '?'} of device ${d.deviceId} on FPort ${a.ids.f_port}`, value: a });
    }
  }
  return items;
}

/** A pub/sub's provider: the oneof's member present in its JSON ("mqtt", "nats"). */
export const pubSubProvider = (item: SourceItem): 'mqtt' | 'nats' | undefined =>
  item.kind !== 'pubsub' ? undefined : item.value.mqtt !== undefined ? 'mqtt' : item.value.nats !== undefined ? 'nats' : undefined;

/** What is compared of an item: a webhook's downlink key differs by nature between deployments. */
export function settingsOf(item: SourceItem): Record<string, unknown> {
  if (item.kind !== 'webhook') return item.value;
  const { downlink_api_key: _k, ...rest } = item.value;
  return rest;
}

/** The key an item has on the target: a device's associations under its target device id. */
export const targetKeyOf = (item: SourceItem, targetIdOf: ReadonlyMap<string, string>) =>
  item.kind === 'device-package' ? item.key.replace(/^device-package:([^:]+):/, (_m, id: string) => `device-package:${targetIdOf.get(id) ?? id}:`) : item.key;
