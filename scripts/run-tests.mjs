#!/usr/bin/env node
// `npm test`: builds, runs every test runner (vitest, then Playwright) and ends
// with ONE plain line that CI reads: `N passed, N failed[, N skipped]`.
// Exits non-zero if any test failed or any runner crashed.
//
//   npm test                  everything
//   npm test -- <vitest args> only vitest, narrowed (e.g. `npm test -- window`)
//
// On Linux without a reachable Secret Service (no session bus, as on CI), the
// whole run re-executes inside a private D-Bus session with an unlocked, empty
// gnome-keyring, so keychain tests always run against a real keychain.
// STACK_MIGRATOR_PRIVATE_KEYRING=1 forces that even on a desktop session.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = path.join(ROOT, 'test-output', 'reports');
const IN_KEYRING_SESSION = 'STACK_MIGRATOR_KEYRING_SESSION';
const RUNNER_TIMEOUT_MS = Number(process.env.STACK_MIGRATOR_RUNNER_TIMEOUT_MS ?? 15 * 60_000);
const args = process.argv.slice(2);

/** Set when Ctrl-C or SIGTERM arrives: the current runner is stopped and no other starts. */
let interrupted;

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function secretServiceReachable() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  if (!commandExists('dbus-send')) return true; // cannot ask; trust the bus
  // Running, not merely activatable: an activated gnome-keyring has no unlocked
  // keyring and would need a password prompt.
  const reply = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ],
    { encoding: 'utf8', timeout: 5_000 },
  );
  return /boolean true/.test(reply.stdout ?? '');
}

/** Re-runs this script inside `dbus-run-session` with a fresh, unlocked keyring; returns its exit code. */
function runInsidePrivateKeyring(secretServiceMissing) {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((name) => !commandExists(name));
  if (missing.length > 0) {
    console.error(
      `run-tests: no Secret Service is reachable and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed.\n` +
        'Keychain tests need a real keychain. On Debian/Ubuntu install the packages:\n' +
        '  apt-get install -y dbus gnome-keyring libsecret-1-dev',
    );
    console.log('0 passed, 1 failed');
    return 1;
  }
  // A fresh keyring directory every run: a keyring left by an earlier run with
  // another password would stay locked.
  const dataHome = mkdtempSync(path.join(tmpdir(), 'stack-migrator-keyring-'));
  const why = secretServiceMissing ? 'no Secret Service reachable' : 'private keyring requested';
  console.log(`run-tests: ${why}; starting a private D-Bus session with gnome-keyring (XDG_DATA_HOME=${dataHome})`);
  const script =
    'printf %s "$STACK_MIGRATOR_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ' +
    'unset STACK_MIGRATOR_KEYRING_PASSWORD; ' +
    'exec "$0" "$@"';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', script, process.execPath, fileURLToPath(import.meta.url), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true, // own process group: a signal to this process reaches the whole session
    env: {
      ...process.env,
      XDG_DATA_HOME: dataHome,
      [IN_KEYRING_SESSION]: '1',
      STACK_MIGRATOR_KEYRING_PASSWORD: randomBytes(18).toString('base64url'),
    },
  });
  const forward = (signal) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    const finish = (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      rmSync(dataHome, { recursive: true, force: true });
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`run-tests: cannot start dbus-run-session: ${error.message}`);
      finish(1);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 130 : 1)));
  });
}

/**
 * Runs one runner, streaming its output and keeping the tail in case it crashes.
 * Resolves with its exit code (or null when killed) and that tail.
 */
function run(label, command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, {
      cwd: ROOT,
      env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // own process group, so a timeout ends the whole tree
    });
    let tail = '';
    const keep = (chunk, stream) => {
      stream.write(chunk);
      tail = (tail + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', (chunk) => keep(chunk, process.stdout));
    child.stderr.on('data', (chunk) => keep(chunk, process.stderr));
    const killTree = (signal) => {
      try {
        if (child.pid) process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      console.error(`\nrun-tests: ${label} still running after ${RUNNER_TIMEOUT_MS / 1000} s; stopping it`);
      killTree('SIGKILL');
    }, RUNNER_TIMEOUT_MS);
    const forward = (signal) => {
      interrupted = signal;
      killTree(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const finish = (code, error) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (error) tail += `\n${error.message}`;
      resolve({ code, tail, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function crashed(runner, result, why) {
  if (interrupted) return;
  console.error(`\nrun-tests: ${runner} ${why} (exit code ${result.code ?? 'none'}). Its last output:`);
  console.error(result.tail.trim() ? result.tail.trimEnd() : '(no output)');
}

const tally = (passed = 0, failed = 0, skipped = 0, notes = []) => ({ passed, failed, skipped, notes });

async function runBuild() {
  console.log('\n== build (npm run build)');
  const result = await run('build', process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')]);
  if (result.code === 0) return { ok: true, counts: tally() };
  crashed('the build', result, 'failed');
  return { ok: false, counts: tally(0, 1, 0, ['build failed: Playwright tests were not run']) };
}

async function runVitest() {
  console.log('\n== vitest');
  const report = path.join(REPORTS, 'vitest.json');
  const result = await run('vitest', process.execPath, [
    path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args,
  ]);
  const json = readJson(report);
  if (!json) {
    crashed('vitest', result, 'ended without a JSON report');
    return tally(0, 1, 0, ['vitest crashed']);
  }
  const counts = tally(
    json.numPassedTests ?? 0,
    json.numFailedTests ?? 0,
    (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
  );
  for (const file of json.testResults ?? []) {
    const relative = path.relative(ROOT, file.name ?? '');
    const assertions = file.assertionResults ?? [];
    // A file that fails to load or throws outside a test has no failed test in it.
    if (file.status === 'failed' && !assertions.some((a) => a.status === 'failed')) {
      counts.failed += 1;
      counts.notes.push(`vitest: ${relative} failed outside any test: ${String(file.message ?? '').split('\n')[0]}`);
    }
    for (const a of assertions) {
      if (['skipped', 'pending', 'todo'].includes(a.status)) {
        counts.notes.push(`skipped: ${relative} › ${a.fullName ?? a.title}`);
      }
    }
  }
  if (result.code !== 0 && counts.failed === 0) {
    // e.g. unhandled errors or rejections between tests
    counts.failed += 1;
    counts.notes.push(`vitest exited with code ${result.code} although no test failed (see its output above)`);
  }
  return counts;
}

function findElectronBinary() {
  const pathFile = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Every test in a Playwright JSON suite tree, with its file and describe/spec titles. */
function* playwrightTests(suite, titles = []) {
  // The top-level suites are files, titled relative to the config's testDir: report the file instead.
  const here = suite.file && suite.title === suite.file ? titles : [...titles, suite.title];
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) yield { file: spec.file, titles: [...here, spec.title], test };
  }
  for (const child of suite.suites ?? []) yield* playwrightTests(child, here);
}

/** A loopback port free right now, so parallel test runs do not share one preview server. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function runPlaywright() {
  console.log('\n== playwright');
  const report = path.join(REPORTS, 'playwright.json');
  const cli = [path.join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=list,json'];
  // Electron needs a display; Chromium runs headless without one.
  const needsDisplay =
    process.platform === 'linux' && !process.env.DISPLAY && findElectronBinary() !== undefined && commandExists('xvfb-run');
  const [command, commandArgs] = needsDisplay
    ? ['xvfb-run', ['-a', process.execPath, ...cli]]
    : [process.execPath, cli];
  const result = await run('playwright', command, commandArgs, {
    PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    E2E_PORT: process.env.E2E_PORT ?? String(await freePort()),
  });
  const json = readJson(report);
  if (!json?.stats) {
    crashed('Playwright', result, 'ended without a JSON report');
    return tally(0, 1, 0, ['playwright crashed']);
  }
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = json.stats;
  const counts = tally(expected + flaky, unexpected, skipped);
  const rootDir = json.config?.rootDir ?? ROOT;
  for (const suite of json.suites ?? []) {
    for (const { file, titles, test } of playwrightTests(suite)) {
      if (test.status !== 'skipped') continue;
      const where = path.relative(ROOT, path.resolve(rootDir, file ?? ''));
      const reason = (test.annotations ?? []).find((a) => a.type === 'skip' || a.type === 'fixme')?.description;
      counts.notes.push(`skipped: [${test.projectName}] ${[where, ...titles].join(' › ')}${reason ? ` — ${reason}` : ''}`);
    }
  }
  for (const error of json.errors ?? []) {
    counts.notes.push(`playwright: ${String(error.message ?? error.value ?? '').split('\n')[0]}`);
  }
  if (result.code !== 0 && counts.failed === 0) {
    counts.failed += 1;
    counts.notes.push(`playwright exited with code ${result.code} although no test failed (see its output above)`);
  }
  return counts;
}

async function main() {
  if (process.platform === 'linux' && !process.env[IN_KEYRING_SESSION]) {
    const missing = !secretServiceReachable();
    if (missing || process.env.STACK_MIGRATOR_PRIVATE_KEYRING === '1') return runInsidePrivateKeyring(missing);
  }

  const started = performance.now();
  rmSync(REPORTS, { recursive: true, force: true }); // a stale report must never pass for a fresh one
  mkdirSync(REPORTS, { recursive: true });

  const results = [];
  const build = await runBuild();
  results.push(['build', build.counts]);
  if (!interrupted) results.push(['vitest', await runVitest()]);
  if (args.length > 0) {
    results.push(['playwright', { ...tally(), notRun: 'arguments narrowed the run to vitest' }]);
  } else if (build.ok && !interrupted) {
    results.push(['playwright', await runPlaywright()]);
  }
  if (interrupted) {
    console.error(`\nrun-tests: interrupted by ${interrupted}`);
    return 130;
  }

  const total = tally();
  console.log('\n== summary');
  for (const [name, counts] of results) {
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    if (counts.notRun) {
      console.log(`${name}: not run (${counts.notRun})`);
    } else if (name !== 'build' || counts.failed > 0) {
      console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    }
    for (const note of counts.notes) console.log(`  ${note}`);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`);
  return total.failed > 0 ? 1 : 0;
}

process.exitCode = await main();
