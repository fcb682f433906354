// The arrivals check as CSV (one row per device, stragglers first) for spreadsheets and tickets.
import { toCsv } from '../migration/files/csv.js';
import type { ArrivalsReport } from './schema.js';

export const ARRIVAL_COLUMNS = [
  'source_device_id', 'target_device_id', 'dev_eui', 'status', 'moved_at', 'joined_at', 'last_seen_source', 'last_seen_target',
  'source_heard_since_move', 'trigger', 'trigger_state', 'trigger_queued_at', 'trigger_sent_at', 'advice', 'what_to_do',
] as const;

export function arrivalsCsv(report: ArrivalsReport): string {
  return toCsv(ARRIVAL_COLUMNS, report.rows.map((r) => ({
    source_device_id: r.sourceId, target_device_id: r.targetId, dev_eui: r.devEui, status: r.status, moved_at: r.movedAt, joined_at: r.joinedAt,
    last_seen_source: r.lastSeenSource, last_seen_target: r.lastSeenTarget, source_heard_since_move: r.sourceHeardSinceMove ? 'yes' : 'no',
    trigger: r.trigger?.name, trigger_state: r.trigger?.state, trigger_queued_at: r.trigger?.queuedAt, trigger_sent_at: r.trigger?.sentAt,
    advice: r.advice, what_to_do: r.adviceText,
  })));
}

/** A few lines for a terminal: counts, then each straggler with what to do. */
export function arrivalsText(report: ArrivalsReport, limit = 50): string[] {
  const lines = [`${report.counts.joined} joined the target, ${report.counts.stragglers} not yet${report.counts.notExpected ? `, ${report.counts.notExpected} not expected to` : ''} (checked ${report.checkedAt}).`];
  const stragglers = report.rows.filter((r) => r.status === 'straggler');
  for (const r of stragglers.slice(0, limit)) {
    const heard = r.lastSeenSource ? `last heard on the source ${r.lastSeenSource}` : 'not heard on the source';
    lines.push(`  ${r.sourceId}: ${heard}${r.trigger ? `, trigger ${r.trigger.state}` : ''} — ${r.adviceText}`);
  }
  if (stragglers.length > limit) lines.push(`  … and ${stragglers.length - limit} more (use --json or the CSV).`);
  lines.push(...report.problems.map((p) => `Warning: ${p}`));
  return lines;
}
