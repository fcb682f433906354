// The run report (JSON and CSV, one row per device) and the ABP re-programming sheet.
import { join } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { redact, redactValue } from '../../logging/redact.js';
import type { StackClient } from '../../stack/client.js';
import { getAtPath } from '../../stack/paths.js';
import { readJournal } from '../journal.js';
import { toCsv } from './csv.js';

export const REPORT_COLUMNS = ['source_device_id', 'target_device_id', 'dev_eui', 'activation', 'outcome', 'last_step', 'retire_action', 'started_at', 'finished_at', 'duration_ms', 'error'] as const;

export interface ReportRow {
  source_device_id: string;
  target_device_id?: string;
  dev_eui?: string;
  activation?: string;
  outcome: string;
  last_step?: string;
  retire_action?: string;
  started_at?: string;
  finished_at?: string;
  duration_ms?: number;
  error?: string;
}

const OUTCOME_OF_STEP: Record<string, string> = {
  retired: 'migrated', joined: 'joined', 'awaiting-reprogram': 'awaiting re-programming', failed: 'failed', cancelled: 'cancelled', skipped: 'skipped',
};

/** Builds the report from the journal (the record of what happened) plus devices never started or blocked. */
export async function buildReport(journalPath: string, deviceIds: string[], extra: Map<string, { outcome: string; error?: string }> = new Map()): Promise<ReportRow[]> {
  const { devices } = await readJournal(journalPath);
  return deviceIds.map((id) => {
    const s = devices.get(id);
    const x = extra.get(id);
    if (!s) return { source_device_id: id, outcome: x?.outcome ?? 'not started', error: x?.error === undefined ? undefined : redact(x.error) };
    const first = s.history[0]?.at;
    const last = s.history[s.history.length - 1]?.at;
    return {
      source_device_id: id, target_device_id: s.facts.targetId, dev_eui: s.facts.devEui, activation: s.facts.activation,
      outcome: OUTCOME_OF_STEP[s.step ?? ''] ?? 'interrupted', last_step: s.step, retire_action: s.facts.retireAction,
      started_at: first ? new Date(first).toISOString() : undefined, finished_at: last ? new Date(last).toISOString() : undefined,
      duration_ms: first && last ? last - first : undefined, error: s.step === 'failed' && s.error !== undefined ? redact(s.error) : undefined,
    };
  });
}

export async function writeReport(runDir: string, rows: ReportRow[]): Promise<{ json: string; csv: string }> {
  const json = join(runDir, 'report.json');
  const csv = join(runDir, 'report.csv');
  // Owner-only and whole (atomic), like the journal; every value passed through redaction.
  const safe = redactValue(rows) as Record<string, unknown>[];
  await writeFileAtomic(json, JSON.stringify({ generatedAt: new Date().toISOString(), devices: safe }, null, 2));
  await writeFileAtomic(csv, toCsv(REPORT_COLUMNS, safe));
  return { json, csv };
}

export const SHEET_COLUMNS = ['device_id', 'dev_eui', 'join_eui', 'dev_addr', 'nwk_s_key', 'app_s_key', 's_nwk_s_int_key', 'nwk_s_enc_key', 'app_key', 'nwk_key'] as const;

/**
 * The re-programming sheet: for each device that needs it, the values to program, read back
 * from the target (so it can be made again after a crash). Holds keys: written with mode 0600.
 */
export async function writeReprogramSheet(path: string, target: { client: StackClient; appId: string }, targetIds: string[]): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  for (const id of targetIds) {
    const { device } = await target.client.getDevice(target.appId, id, ['session.dev_addr', 'session.keys', 'root_keys.app_key.key', 'root_keys.nwk_key.key']);
    const key = (p: string) => getAtPath(device, p);
    rows.push({
      device_id: id, dev_eui: device.ids.dev_eui, join_eui: device.ids.join_eui, dev_addr: key('session.dev_addr'),
      nwk_s_key: key('session.keys.f_nwk_s_int_key.key'), app_s_key: key('session.keys.app_s_key.key'),
      s_nwk_s_int_key: key('session.keys.s_nwk_s_int_key.key'), nwk_s_enc_key: key('session.keys.nwk_s_enc_key.key'),
      app_key: key('root_keys.app_key.key'), nwk_key: key('root_keys.nwk_key.key'),
    });
  }
  await writeFileAtomic(path, toCsv(SHEET_COLUMNS, rows), 0o600);
  return rows.length;
}
