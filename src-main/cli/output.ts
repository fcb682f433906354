// What the CLI prints: progress for people (one updating line on a terminal) or, with
// --json, one JSON object per line for scripts. Everything printed passes redaction: a
// server's error text may echo a key.
import { redact, redactValue } from '../logging/redact.js';
import type { ProgressEvent } from '../migration/progress.js';
import type { Plan } from '../migration/planner.js';
import type { ApplicationPlan } from '../application/plan.js';

export interface Output {
  event(e: ProgressEvent): void;
  info(message: string): void;
  plan(plan: Plan): void;
  application(plan: ApplicationPlan): void;
  summary(s: { migrated: number; failed: number; skipped: number; blocked: number; runDir: string; [k: string]: unknown }): void;
}

/**
 * Application items with their key as "item": every printed line passes redaction, which
 * drops the value of any field named like a key (as a device's "key" is).
 */
const namedItems = (a: ApplicationPlan) => ({ ...a, items: a.items.map(({ key, ...rest }) => ({ item: key, ...rest })) });

export function jsonOutput(write = (s: string) => process.stdout.write(s)): Output {
  const line = (o: unknown) => write(`${JSON.stringify(redactValue(o))}\n`);
  return {
    event: (e) => line(e),
    info: (message) => line({ type: 'notice', level: 'info', message, at: Date.now() }),
    plan: (plan) => line({ type: 'plan', plan: plan.application ? { ...plan, application: namedItems(plan.application) } : plan }),
    application: (application) => line({ type: 'application-plan', application: namedItems(application) }),
    summary: (s) => line({ summary: s }),
  };
}

const fmtEta = (s: number | null) => (s === null ? '–' : s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);

export function humanOutput(stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = stream.isTTY === true;
  // Free text (errors, messages) is redacted; identifiers and the run folder are printed as they are.
  let lastPrinted = 0;
  return {
    event(e) {
      if (e.type === 'device' && (e.state === 'failed' || e.state === 'rolled-back')) {
        stream.write(`${tty ? '\r\x1b[K' : ''}✗ ${e.deviceId}: ${redact(e.error ?? e.state)}${e.state === 'rolled-back' ? ' (rolled back: the device stays on the source)' : ''}\n`);
      } else if (e.type === 'totals') {
        const now = Date.now();
        if (!tty && now - lastPrinted < 2000 && e.done < e.total) return;
        lastPrinted = now;
        const c = e.counts;
        const text = `${e.done}/${e.total} done · ${(c['waiting-join'] ?? 0) + (c.moved ?? 0) + (c.joined ?? 0)} migrated · ${c.joined ?? 0} joined · ${(c.failed ?? 0) + (c['rolled-back'] ?? 0)} failed · ${e.devicesPerSecond.toFixed(1)}/s · ETA ${fmtEta(e.etaSeconds)} · ${e.concurrency} at once`;
        stream.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
      } else if (e.type === 'notice') {
        stream.write(`${tty ? '\r\x1b[K' : ''}${e.level === 'info' ? '' : `${e.level}: `}${redact(e.message)}\n`);
      } else if (e.type === 'application' && e.state !== 'writing') {
        const mark = { written: '✓', kept: '=', failed: '✗' }[e.state];
        stream.write(`${tty ? '\r\x1b[K' : ''}${mark} ${e.label}${e.state === 'kept' ? ' (kept as it is on the target)' : ''}${e.error ? `: ${redact(e.error)}` : ''}\n`);
      } else if (e.type === 'run' && (e.state === 'paused' || e.state === 'cancelling')) {
        stream.write(`${tty ? '\r\x1b[K' : ''}${e.state}…\n`);
      }
    },
    info: (message) => stream.write(`${tty ? '\r\x1b[K' : ''}${redact(message)}\n`),
    plan(plan) {
      const c = plan.counts;
      stream.write(`Plan: ${plan.devices.length} device(s): ${c.ready} ready, ${c.blocked} blocked, ${c.alreadyMigrated} already on the target (${c.otaa} OTAA, ${c.abp} ABP).\n`);
      if (plan.options.trigger) {
        // Which command goes to how many devices, and how many have none (to be power-cycled).
        const byName = new Map<string, number>();
        for (const d of plan.devices) if (d.status === 'ready' && d.trigger) byName.set(d.trigger.name, (byName.get(d.trigger.name) ?? 0) + 1);
        const sent = [...byName].map(([name, n]) => `${name} × ${n}`).join(', ');
        stream.write(`Re-join triggers: ${c.triggerKnown ?? 0} device(s) get one${sent ? ` (${sent})` : ''}; ${c.triggerUnknown ?? 0} with no trigger known (power-cycle them).\n`);
      }
      if (plan.application) stream.write(applicationLines(plan.application).join('\n') + '\n');
      for (const b of plan.blockers) stream.write(`  blocker: ${redact(b.message)}\n`);
      for (const w of plan.warnings) stream.write(`  warning: ${redact(w.message)}\n`);
      const shown = new Set<string>();
      for (const d of plan.devices) {
        for (const b of d.blockers) stream.write(`  ${d.sourceId}: blocked: ${redact(b.message)}\n`);
        for (const w of d.warnings) {
          if (shown.has(w.code)) continue; // the same warning for every device is said once
          shown.add(w.code);
          stream.write(`  note (${d.activation?.toUpperCase()}): ${redact(w.message)}\n`);
        }
      }
    },
    application(a) {
      stream.write(applicationLines(a).join('\n') + '\n');
    },
    summary(s) {
      stream.write(`${tty ? '\r\x1b[K' : ''}Done: ${s.migrated} migrated, ${s.failed} failed, ${s.skipped} skipped, ${s.blocked} blocked. Run folder: ${s.runDir}\n`);
    },
  };
}

const STATUS_WORDS = { new: 'new', same: 'same', differs: 'differs', 'not-available': 'not available' } as const;

/** The application section in words: each item, its differences (secrets masked), and what cannot be carried. */
export function applicationLines(a: ApplicationPlan): string[] {
  const lines = [`Application: ${a.targetExists ? 'the target application exists' : 'the target application is created by the run'}; ${a.items.filter((i) => i.action === 'write').length} item(s) to write.`];
  for (const i of a.items) {
    const action = i.status === 'differs' ? (i.action === 'write' ? ' → overwritten' : ` → kept (--overwrite-app-items ${i.key} to replace it)`) : '';
    lines.push(`  ${STATUS_WORDS[i.status].padEnd(13)} ${i.label}${action}`);
    for (const d of i.diff) lines.push(`      ${redact(d)}`);
    for (const n of i.notes) lines.push(`      note: ${redact(n)}`);
  }
  lines.push('  Cannot be carried:');
  for (const c of a.cannotCarry) lines.push(`    ${c.what}: ${c.todo}`);
  return lines;
}
