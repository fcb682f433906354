// What every suite reports: figures against targets, and the details behind them.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export type Status = 'pass' | 'short' | 'info' | 'todo';

export interface Figure {
  suite: string;
  name: string;
  /** In words, with the comparison: "≥ 20×", "< 300 MB"; "—" when there is none. */
  target: string;
  measured: number | null;
  unit: string;
  /** measured ÷ target value (whatever the direction of the target); null without a target. */
  ratio: number | null;
  status: Status;
  note?: string;
}

export interface SuiteResult {
  suite: string;
  seconds: number;
  figures: Figure[];
  details: unknown;
}

/** A figure checked against `at least` (≥) or `below` (<) a target value. */
export function figure(
  suite: string, name: string, measured: number | null, unit: string,
  target?: { atLeast?: number; below?: number; label?: string }, note?: string,
): Figure {
  const value = target?.atLeast ?? target?.below;
  if (value === undefined || measured === null || !Number.isFinite(measured)) {
    return { suite, name, target: target?.label ?? '—', measured, unit, ratio: null, status: value === undefined ? 'info' : 'short', ...(note ? { note } : {}) };
  }
  const pass = target?.atLeast !== undefined ? measured >= target.atLeast : measured < value;
  const label = target?.label ?? `${target?.atLeast !== undefined ? '≥' : '<'} ${value} ${unit}`.trim();
  return { suite, name, target: label, measured, unit, ratio: measured / value, status: pass ? 'pass' : 'short', ...(note ? { note } : {}) };
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const round = (v: number, digits = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

/**
 * Time this process's main thread spent running and waiting in the run queue (Linux), in ms.
 * Waiting time is CPU the thread wanted and did not get: the share of contention on a busy machine.
 */
export function schedStat(): { runMs: number; waitMs: number } | undefined {
  try {
    const text = readFileSync('/proc/self/schedstat', 'utf8');
    const [run, wait] = text.trim().split(/\s+/).map(Number);
    return run === undefined || wait === undefined ? undefined : { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}

/** 1-minute load average (other work on the machine shares its cores with the benchmark). */
export const loadAverage = () => round(os.loadavg()[0] ?? NaN, 2);
