// The journal after a crash: a torn last line is cut before the next record is appended (it
// would swallow it), an unreadable record before the end is corruption, and a resumed run
// whose journal is gone or damaged stops before writing anything (issue 10, points 3 and 4).
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, JournalCorruptError, readJournal } from '../../../src-main/migration/journal.js';
import { migrationOptionsSchema } from '../../../src-main/migration/options.js';
import { newRunId, writeManifest, type RunManifest } from '../../../src-main/migration/run-dir.js';
import { startRun } from '../../../src-main/migration/session.js';
import { startFleet, type Fleet } from '../../support/demo-sides.js';

const journalPath = () => join(mkdtempSync(join(tmpdir(), 'sm-ji-')), 'journal.jsonl');
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('journal integrity', () => {
  it('cuts a torn last line on open, so the next record is not swallowed by it', async () => {
    const path = journalPath();
    const j = await Journal.open(path);
    await j.step('a', 'quieting', { facts: { targetId: 'a', activation: 'otaa', lorawan11: false } });
    await j.close();
    appendFileSync(path, '{"t":"step","d":"a","s":"crea'); // the crash
    const again = await Journal.open(path);
    await again.step('a', 'creating');
    await again.close();
    const { devices } = await readJournal(path);
    expect(devices.get('a')?.history.map((h) => h.s)).toEqual(['quieting', 'creating']);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('an unreadable record before the end is corruption, said in words, not skipped', async () => {
    const path = journalPath();
    writeFileSync(path, [
      '{"t":"step","d":"a","s":"quieting","at":1}',
      '{"t":"step","d":"a","s":"cr#@!',
      '{"t":"step","d":"a","s":"verified","at":3}',
      '',
    ].join('\n'));
    const err = await readJournal(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalCorruptError);
    expect((err as Error).message).toMatch(/damaged at line 2.*Do not resume this run: start a new migration/);
  });

  it('a resumed run whose journal is missing or damaged stops before any write', async () => {
    fleet = await startFleet({ devices: 3, mix: 'otaa' });
    const sides = await fleet.sides();
    const runDir = mkdtempSync(join(tmpdir(), 'sm-ji-run-'));
    const manifest: RunManifest = { version: 1, runId: newRunId(), createdAt: new Date().toISOString(), ...fleet.manifestBase, options: migrationOptionsSchema.parse({}), deviceIds: fleet.source.listDeviceIds(fleet.sourceApp), blocked: [] };
    await writeManifest(runDir, manifest);
    fleet.source.resetCounters();
    const missing = await startRun({ runDir, manifest, sides, onEvent: () => undefined, resuming: true }).finished.catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/journal .* is missing/);
    writeFileSync(join(runDir, 'journal.jsonl'), 'garbage\n{"t":"step","d":"x","s":"quieting","at":1}\n');
    const damaged = await startRun({ runDir, manifest, sides, onEvent: () => undefined, resuming: true }).finished.catch((e: unknown) => e);
    expect(damaged).toBeInstanceOf(JournalCorruptError);
    sides.close();
    expect(fleet.source.writeCount() + fleet.target.writeCount()).toBe(0);
  });
});
