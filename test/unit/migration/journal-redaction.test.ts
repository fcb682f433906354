// The journal holds no secret, whatever an error's text says: errors are redacted before
// they are appended (the same filter as logs, reports and the CLI's output).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../../src-main/migration/journal.js';
import { forgetSecret, registerSecret } from '../../../src-main/logging/redact.js';

describe('journal errors', () => {
  it('are redacted before they reach the disk, and the rest of the record is kept', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sm-journal-')), 'journal.jsonl');
    const apiKey = 'opaque-registered-key-value-77';
    registerSecret(apiKey);
    try {
      const journal = await Journal.open(path);
      const hex = '00112233445566778899AABBCCDDEEFF';
      await journal.step('dev-1', 'failed', {
        error: `server said: Authorization: Bearer NNSXS.ABCDEFGH.IJKLMNOP ${apiKey} {"root_keys":{"app_key":{"key":"${hex}"}}} ${hex.toLowerCase()}`,
        rolledBack: true,
      });
      await journal.close();
      const text = readFileSync(path, 'utf8');
      for (const secret of ['NNSXS.ABCDEFGH', apiKey, hex, hex.toLowerCase()]) expect(text).not.toContain(secret);
      const { devices } = await readJournal(path);
      expect(devices.get('dev-1')).toMatchObject({ step: 'failed', rolledBack: true, error: expect.stringMatching(/^server said: Authorization: Bearer \[redacted\]/) });
    } finally {
      forgetSecret(apiKey);
    }
  });
});
