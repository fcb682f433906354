// The arrivals check of a run: for every device the run moved, did it join the target, and is
// the source still hearing it (then it has not re-joined yet: it still uses its old session).
// Evidence, cheapest first: the journal ("joined"), one listing of each side's last-seen
// times, then the target's Network Server session of the devices not proven yet.
import type { StackClient } from '../stack/client.js';
import { getAtPath } from '../stack/paths.js';
import { mapLimit } from '../migration/concurrency.js';
import type { DeviceJournalState } from '../migration/journal.js';
import type { ArrivalAdvice, ArrivalRow, ArrivalsReport } from './schema.js';

export interface ArrivalSides {
  /** The source while it exists (a file source has none). */
  source?: { client: StackClient; appId: string };
  target: { client: StackClient; appId: string };
}

export interface ArrivalInput {
  runDir: string;
  deviceIds: readonly string[];
  journal: ReadonlyMap<string, DeviceJournalState>;
  sides: ArrivalSides;
  signal?: AbortSignal;
  /** Devices moved less than this long ago are given time before they count as stragglers (default 10 min). */
  graceMs?: number;
  now?: number;
  concurrency?: number;
}

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
const at = (d: DeviceJournalState, s: string) => [...d.history].reverse().find((h) => h.s === s)?.at;

const ADVICE_TEXT: Record<ArrivalAdvice, string> = {
  none: 'Joined the target.',
  wait: 'Moved a short while ago: it joins the target at its next re-join (its trigger is on its way, or it restarts by itself). Check again later.',
  'trigger-again': 'Still talking to the source and its trigger was not sent: send the trigger again.',
  'power-cycle': 'Still talking to the source: it did not re-join (no trigger known for it, or it ignored the trigger). Power-cycle it.',
  'check-coverage': 'Heard by neither side since the move: check that a gateway in its reach forwards to the target (or to Packet Broker), and that it has power.',
  reprogram: 'Has new keys on the target: it joins once it is re-programmed with them (re-programming sheet).',
};

/** Each side's last-seen times in one paged listing (10,000 devices: ten requests). */
async function lastSeen(side: { client: StackClient; appId: string } | undefined, signal?: AbortSignal): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!side) return out;
  const { devices } = await side.client.listDevices(side.appId, { paths: ['last_seen_at'], signal });
  for (const d of devices) {
    const t = typeof d.last_seen_at === 'string' ? Date.parse(d.last_seen_at) : NaN;
    if (!Number.isNaN(t)) out.set(d.ids.device_id, t);
  }
  return out;
}

export async function checkArrivals(input: ArrivalInput): Promise<ArrivalsReport> {
  const now = input.now ?? Date.now();
  const grace = input.graceMs ?? 10 * 60_000;
  const problems: string[] = [];
  const seen = async (name: string, side: ArrivalSides['source']) => {
    try {
      return await lastSeen(side, input.signal);
    } catch (err) {
      problems.push(`The ${name}'s devices could not be listed (${err instanceof Error ? err.message : String(err)}): its last-seen times are missing.`);
      return new Map<string, number>();
    }
  };
  const [sourceSeen, targetSeen] = await Promise.all([seen('source', input.sides.source), seen('target', input.sides.target)]);

  const moved = input.deviceIds.filter((id) => {
    const step = input.journal.get(id)?.step;
    return step === 'retired' || step === 'joined' || step === 'awaiting-reprogram' || (step?.startsWith('trigger-') ?? false);
  });
  // A device seen on the target since its move joined; the others' NS sessions tell the rest.
  const movedAt = (d: DeviceJournalState) => at(d, 'retired') ?? at(d, 'trigger-queued') ?? at(d, 'verified');
  const unproven = moved.filter((id) => {
    const d = input.journal.get(id)!;
    const t = targetSeen.get(d.facts.targetId ?? id);
    return at(d, 'joined') === undefined && !(t !== undefined && t >= (movedAt(d) ?? 0)) && !d.facts.multicast;
  });
  const sessions = new Map<string, boolean>();
  await mapLimit(unproven, input.concurrency ?? 32, async (id) => {
    const targetId = input.journal.get(id)!.facts.targetId ?? id;
    try {
      const ns = await input.sides.target.client.getDevicePart('ns', input.sides.target.appId, targetId, ['session.dev_addr', 'pending_session.dev_addr'], { tolerateNotFound: true, signal: input.signal });
      sessions.set(id, Boolean(ns && (getAtPath(ns, 'session.dev_addr') || getAtPath(ns, 'pending_session.dev_addr'))));
    } catch (err) {
      if (problems.length < 5) problems.push(`The target's session of ${targetId} could not be read (${err instanceof Error ? err.message : String(err)}).`);
    }
  }, input.signal);

  const rows: ArrivalRow[] = input.deviceIds.map((id) => rowOf(id, input.journal.get(id), { sourceSeen, targetSeen, sessions, now, grace, movedAt }));
  // Stragglers first: what the user has to act on.
  const rank = { straggler: 0, joined: 1, 'not-expected': 2 } as const;
  rows.sort((a, b) => rank[a.status] - rank[b.status] || a.sourceId.localeCompare(b.sourceId));
  const count = (s: ArrivalRow['status']) => rows.filter((r) => r.status === s).length;
  return {
    runDir: input.runDir, checkedAt: new Date(now).toISOString(), problems, rows,
    counts: { joined: count('joined'), stragglers: count('straggler'), notExpected: count('not-expected') },
  };
}

interface Evidence {
  sourceSeen: Map<string, number>;
  targetSeen: Map<string, number>;
  sessions: Map<string, boolean>;
  now: number;
  grace: number;
  movedAt(d: DeviceJournalState): number | undefined;
}

function rowOf(sourceId: string, d: DeviceJournalState | undefined, e: Evidence): ArrivalRow {
  const targetId = d?.facts.targetId ?? sourceId;
  const base = {
    sourceId, targetId, ...(d?.facts.devEui ? { devEui: d.facts.devEui } : {}),
    lastSeenSource: iso(e.sourceSeen.get(sourceId)), lastSeenTarget: iso(e.targetSeen.get(targetId)),
  };
  const step = d?.step;
  const moved = step === 'retired' || step === 'joined' || step === 'awaiting-reprogram' || (step?.startsWith('trigger-') ?? false);
  if (!d || !moved) {
    return { ...base, status: 'not-expected', sourceHeardSinceMove: false, advice: 'none', adviceText: step === 'failed' ? 'Not moved: this run failed for it (see the report).' : 'Not moved by this run.' };
  }
  const movedAt = e.movedAt(d);
  const sourceHeard = movedAt !== undefined && (e.sourceSeen.get(sourceId) ?? 0) > movedAt;
  const trigger = d.facts.trigger ? {
    name: d.facts.trigger.name,
    state: at(d, 'trigger-sent') !== undefined ? 'sent' as const : d.facts.triggerNotSent || step === 'retired' || step === 'joined' ? 'not-sent' as const : 'queued' as const,
    ...(at(d, 'trigger-queued') !== undefined ? { queuedAt: iso(at(d, 'trigger-queued')) } : {}),
    ...(at(d, 'trigger-sent') !== undefined ? { sentAt: iso(at(d, 'trigger-sent')) } : {}),
  } : undefined;
  const row = { ...base, movedAt: iso(movedAt), sourceHeardSinceMove: sourceHeard, ...(trigger ? { trigger } : {}) };
  if (d.facts.multicast) return { ...row, status: 'not-expected', advice: 'none', adviceText: 'A multicast group sends no uplinks: nothing to wait for.' };
  const targetSeenAt = e.targetSeen.get(targetId);
  const joinedAt = at(d, 'joined') ?? (targetSeenAt !== undefined && targetSeenAt >= (movedAt ?? 0) ? targetSeenAt : undefined);
  if (joinedAt !== undefined || e.sessions.get(sourceId)) {
    return { ...row, status: 'joined', ...(joinedAt !== undefined ? { joinedAt: iso(joinedAt) } : {}), advice: 'none', adviceText: ADVICE_TEXT.none };
  }
  const advice = adviceFor(d, trigger?.state, sourceHeard, movedAt, e);
  return { ...row, status: 'straggler', advice, adviceText: ADVICE_TEXT[advice] };
}

function adviceFor(d: DeviceJournalState, trigger: 'queued' | 'sent' | 'not-sent' | undefined, sourceHeard: boolean, movedAt: number | undefined, e: Evidence): ArrivalAdvice {
  if (d.facts.reprogram || d.step === 'awaiting-reprogram') return 'reprogram';
  if (trigger === 'queued') return 'wait';
  if (sourceHeard) return trigger === 'not-sent' ? 'trigger-again' : 'power-cycle';
  if (movedAt !== undefined && e.now - movedAt < e.grace) return 'wait';
  return 'check-coverage';
}
