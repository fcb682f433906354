// The benchmark driver: runs the suites asked for (all by default), prints one table and
// writes it as JSON and Markdown to bench-results/ (bench-<time>.{json,md} and latest.{json,md}).
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultsSuite, throughputSuite } from './migration.js';
import { rateLimitSuite } from './ratelimit.js';
import { arrivalsSuite } from './arrivals.js';
import { loadAverage, machine, type SuiteResult } from './lib/results.js';
import { SimHost } from './lib/sim-client.js';
import { markdownReport, terminalTable } from './lib/report.js';

const SUITES = ['throughput', 'ratelimit', 'faults', 'memory', 'renderer', 'arrivals'] as const;
type Suite = (typeof SUITES)[number];

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.resolve(here, '..');

/** Runs a suite bundle in a Node process of its own; it writes its SuiteResult to a file. */
async function childSuite(bundle: string, nodeArgs: string[]): Promise<SuiteResult> {
  const out = path.join(resultsDir, '.build', `${bundle}.result.json`);
  await rm(out, { force: true });
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', path.join(here, `${bundle}.mjs`), out], { stdio: 'inherit' });
    child.on('exit', resolve);
  });
  try {
    return JSON.parse(await readFile(out, 'utf8')) as SuiteResult;
  } catch {
    throw new Error(`the ${bundle} suite ended (exit ${code}) without results`);
  }
}

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(SUITES as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  const suites: Suite[] = asked.length > 0 ? (asked as Suite[]) : [...SUITES];
  const started = new Date();
  const loadAtStart = loadAverage();
  const results: SuiteResult[] = [];
  const errors: string[] = [];
  const host = suites.some((s) => ['throughput', 'ratelimit', 'faults', 'arrivals'].includes(s)) ? new SimHost() : undefined;
  try {
    for (const suite of suites) {
      console.log(`\n▶ ${suite}`);
      try {
        if (suite === 'throughput') results.push(await throughputSuite(host!));
        else if (suite === 'ratelimit') results.push(await rateLimitSuite(host!));
        else if (suite === 'faults') results.push(await faultsSuite(host!));
        else if (suite === 'memory') results.push(await childSuite('memory', ['--expose-gc']));
        else if (suite === 'renderer') results.push(await childSuite('renderer', []));
        else if (suite === 'arrivals') results.push(await arrivalsSuite(host!));
        console.log(`  (${results.at(-1)!.seconds.toFixed(0)} s)`);
      } catch (err) {
        const message = err instanceof Error ? err.stack ?? err.message : String(err);
        errors.push(`${suite}: ${message}`);
        console.error(`  ${suite} failed: ${message}`);
      }
    }
  } finally {
    await host?.stop();
  }

  const report = {
    startedAt: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000, machine: machine(),
    loadAverage: { start: loadAtStart, end: loadAverage() }, suites: results, errors,
  };
  console.log(`\n${terminalTable(report)}`);
  await mkdir(resultsDir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = markdownReport(report);
  await writeFile(path.join(resultsDir, `bench-${stamp}.json`), json);
  await writeFile(path.join(resultsDir, `bench-${stamp}.md`), md);
  await writeFile(path.join(resultsDir, 'latest.json'), json);
  await writeFile(path.join(resultsDir, 'latest.md'), md);
  console.log(`\nwritten: bench-results/bench-${stamp}.{json,md} (and latest.{json,md})`);
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
