// The benchmark's results as a terminal table and as Markdown.
import type { RunRow } from '../migration.js';
import type { Figure, SuiteResult, machine } from './results.js';

export interface Report {
  startedAt: string;
  seconds: number;
  machine: ReturnType<typeof machine>;
  loadAverage: { start: number; end: number };
  suites: SuiteResult[];
  errors: string[];
}

export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  const digits = a >= 100 || Number.isInteger(v) ? 0 : a >= 10 ? 1 : 2;
  return v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const measured = (f: Figure) => `${formatNumber(f.measured)}${f.unit ? (f.unit === '%' || f.unit === '×' ? f.unit : ` ${f.unit}`) : ''}`;
const ratio = (f: Figure) => (f.ratio === null ? '' : f.ratio.toFixed(2));
const result = (f: Figure) => (f.status === 'info' ? '' : f.status);
const machineLine = (m: Report['machine']) => `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`;
const figures = (r: Report) => r.suites.flatMap((s) => s.figures);
const runs = (r: Report) => r.suites.flatMap((s) => ((s.details as { runs?: RunRow[] })?.runs ?? []));

function table(headers: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function runCells(r: RunRow): string[] {
  return [
    r.spec.label, String(r.spec.devices), r.rttMs.toFixed(2), (r.planMs / 1000).toFixed(1), (r.runMs / 1000).toFixed(1),
    r.devicesPerSecond.toFixed(1), `${r.requestsPerDevice.source.toFixed(1)}+${r.requestsPerDevice.target.toFixed(1)}`,
    r.criticalPathRoundTrips.toFixed(1), r.meanConcurrency.toFixed(1), r.bound.toFixed(1), `${(r.ofBound * 100).toFixed(0)}%`,
    r.official.toFixed(2), `${r.ofOfficial.toFixed(1)}×`, `${r.cpu.enginePercent.toFixed(0)}%/${r.cpu.simPercent.toFixed(0)}%`,
    r.cpu.engineRunQueuePercent === null ? 'n/a' : `${r.cpu.engineRunQueuePercent.toFixed(0)}%`,
    String(r.retries), `${r.verify.migrated}/${r.verify.expected}`,
  ];
}
const RUN_HEADERS = ['run', 'devices', 'RTT ms', 'plan s', 'run s', 'dev/s', 'req/dev src+tgt', 'RT/dev', 'mean C', 'bound/s', '×bound', 'official/s', '×official', 'CPU eng/sims', 'CPU wait', 'retries', 'verified'];

export function terminalTable(report: Report): string {
  const fs = figures(report);
  const out = [
    `Stack Migrator benchmark, ${report.startedAt} (${report.seconds.toFixed(0)} s) on ${machineLine(report.machine)}`,
    `Load average (1 min) ${report.loadAverage.start} at the start, ${report.loadAverage.end} at the end.`,
    '',
    table(['suite', 'figure', 'target', 'measured', 'ratio', 'result'],
      fs.map((f) => [f.suite, f.name, f.target, measured(f), ratio(f), result(f)]), ['l', 'l', 'l', 'r', 'r', 'l']),
  ];
  const rs = runs(report);
  if (rs.length > 0) {
    out.push('', 'Migration runs (only the run is timed; planning apart):', table(RUN_HEADERS, rs.map(runCells), ['l', ...RUN_HEADERS.slice(1).map(() => 'r' as const)]));
  }
  if (report.errors.length > 0) out.push('', 'Errors:', ...report.errors.map((e) => `  ${e.split('\n')[0]}`));
  return out.join('\n');
}

const mdRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
function mdTable(headers: string[], rows: string[][]): string {
  return [mdRow(headers), mdRow(headers.map(() => '---')), ...rows.map(mdRow)].join('\n');
}

export function markdownReport(report: Report): string {
  const parts = [
    `# Stack Migrator benchmark`,
    '',
    `${report.startedAt}, ${report.seconds.toFixed(0)} s, on ${machineLine(report.machine)}.`,
    `Load average (1 min): ${report.loadAverage.start} at the start, ${report.loadAverage.end} at the end (${report.machine.cores} cores; anything above the core count means other work competed for the CPU).`,
    'Simulators run in a child process of their own (their CPU time is reported apart); the engine runs in the benchmark process.',
    '',
    mdTable(['Suite', 'Figure', 'Target', 'Measured', 'Ratio', 'Result', 'Note'],
      figures(report).map((f) => [f.suite, f.name, f.target, measured(f), ratio(f), result(f), f.note ?? ''])),
  ];
  const rs = runs(report);
  if (rs.length > 0) {
    parts.push('', '## Migration runs', '',
      'RTT: median of a small authenticated request before the run. plan: planMigration (not in the run time). run: startRun to the run\'s end (report files excluded). ' +
      'req/dev: requests per device counted by both simulators (source + target). RT/dev: median time of one device, first read to source retired, in RTTs. ' +
      'bound: C/(6×RTT), C = 64 for adaptive; capped by a rate limit only on a key every device shares (application-wide or entity-less methods). official: 1/(9×RTT). CPU: share of one core, engine process / simulator process. ' +
      'CPU wait: share of the run the engine\'s main thread waited in the run queue for a core (other work on the machine).',
      '', mdTable(RUN_HEADERS, rs.map(runCells)));
    const routes = [...new Set(rs.flatMap((r) => Object.keys(r.requestsPerDevice.byRoute)))].sort();
    parts.push('', '### Requests per device, by route', '',
      mdTable(['run', ...routes], rs.map((r) => [r.spec.label, ...routes.map((k) => (r.requestsPerDevice.byRoute[k] ?? 0).toFixed(2))])));
  }
  for (const s of report.suites) {
    const d = s.details as { table?: { title: string; headers: string[]; rows: string[][] }[] } | undefined;
    for (const t of d?.table ?? []) parts.push('', `## ${t.title}`, '', mdTable(t.headers, t.rows));
  }
  if (report.errors.length > 0) parts.push('', '## Errors', '', ...report.errors.map((e) => `- ${e.split('\n')[0]}`));
  return `${parts.join('\n')}\n`;
}
