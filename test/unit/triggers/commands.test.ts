import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TRIGGERS, chooseTrigger, mergeLibrary, triggerCommandSchema, triggerOptionsSchema } from '../../../src-main/triggers/commands.js';
import { payloadBase64 } from '../../../src-main/migration/trigger.js';
import { mergeImported, parseLibrary, readUserLibrary, serializeLibrary, TriggerLibraryError, writeUserLibrary } from '../../../src-main/triggers/library-file.js';
import { triggerFromFlags } from '../../../src-main/cli/trigger-flags.js';
import { parseCommandLine, UsageError } from '../../../src-main/cli/args.js';

const mine = triggerCommandSchema.parse({ name: 'dragino-reset', brandId: 'dragino', modelId: 'lht65', fPort: 2, payloadHex: '04FF', notes: 'from our own tests' });

describe('the trigger library', () => {
  it('gives every built-in a maker document and a valid command', () => {
    expect(BUILT_IN_TRIGGERS.length).toBeGreaterThan(0);
    for (const c of BUILT_IN_TRIGGERS) {
      expect(triggerCommandSchema.safeParse(c).success, c.name).toBe(true);
      expect(c.source, c.name).toMatch(/^https:\/\/www\.milesight\.com\//);
      expect(c.builtIn).toBe(true);
    }
  });

  it('chooses by brand and model, the user before the built-in, and a fixed command over both', () => {
    const em320 = { brand_id: 'milesight-iot', model_id: 'em320-th' };
    const library = mergeLibrary([mine]);
    expect(chooseTrigger({ library }, em320)?.name).toBe('milesight-em320-th-reboot');
    expect(chooseTrigger({ library }, { brand_id: 'dragino', model_id: 'lht65' })?.payloadHex).toBe('04ff');
    expect(chooseTrigger({ library }, { brand_id: 'the-things-industries', model_id: 'generic-node-sensor-edition' })).toBeUndefined();
    expect(chooseTrigger({ library }, undefined)).toBeUndefined();
    const override = { ...mine, name: 'my-em320', brandId: 'milesight-iot', modelId: 'em320-th' };
    expect(chooseTrigger({ library: mergeLibrary([override]) }, em320)?.name).toBe('my-em320');
    expect(chooseTrigger({ library, fixed: mine }, em320)?.name).toBe('dragino-reset');
  });

  it('refuses FPorts and payloads the network cannot carry', () => {
    for (const bad of [{ fPort: 0 }, { fPort: 224 }, { payloadHex: 'f' }, { payloadHex: 'zz' }, { payloadHex: 'ab'.repeat(52) }, { name: '' }]) {
      expect(triggerCommandSchema.safeParse({ ...mine, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(payloadBase64({ payloadHex: 'ff10ff' })).toBe('/xD/');
    expect(triggerOptionsSchema.parse({}).waitSeconds).toBe(900);
  });

  it('round-trips the user\u2019s commands through export and import, never the built-ins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-triggers-'));
    const file = join(dir, 'trigger-commands.json');
    expect(await readUserLibrary(file)).toEqual([]);
    await writeUserLibrary(file, [mine]);
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'stack-migrator-trigger-commands', version: 1, commands: [{ name: 'dragino-reset' }] });
    expect(text).not.toContain('milesight');
    expect(parseLibrary(serializeLibrary([mine]), 'x')).toEqual([{ ...mine, builtIn: false }]);
    expect(mergeImported([mine], [{ ...mine, fPort: 3 }])).toEqual([{ ...mine, fPort: 3 }]);
  });

  it('says what is wrong with a file that is not a library', async () => {
    expect(() => parseLibrary('{', 'a.json')).toThrow(/a.json is not JSON/);
    expect(() => parseLibrary('{"format":"other"}', 'b.json')).toThrow(TriggerLibraryError);
    const twice = JSON.stringify({ format: 'stack-migrator-trigger-commands', version: 1, commands: [mine, mine] });
    expect(() => parseLibrary(twice, 'c.json')).toThrow(/twice/);
  });
});

describe('the CLI trigger flags', () => {
  const flags = (...args: string[]) => parseCommandLine(['migrate', ...args]).flags;
  const env = { STACK_MIGRATOR_DATA_DIR: '/nonexistent-stack-migrator-dir' };

  it('triggers nothing without --trigger-rejoin, and refuses its companions alone', async () => {
    expect(await triggerFromFlags(flags(), env)).toBeUndefined();
    await expect(triggerFromFlags(flags('--trigger-wait', '60'), env)).rejects.toThrow(/need.* --trigger-rejoin/);
  });

  it('chooses per model, by name, or one FPort + payload for all', async () => {
    expect(await triggerFromFlags(flags('--trigger-rejoin'), env)).toMatchObject({ waitSeconds: 900, library: BUILT_IN_TRIGGERS.map((c) => ({ name: c.name })) });
    expect((await triggerFromFlags(flags('--trigger-rejoin', '--trigger-command', 'milesight-em320-th-reboot'), env))?.fixed).toMatchObject({ fPort: 85, payloadHex: 'ff10ff' });
    expect((await triggerFromFlags(flags('--trigger-rejoin', '--trigger-fport', '2', '--trigger-payload', '0x04FF', '--trigger-wait', '120'), env))).toMatchObject({
      waitSeconds: 120, fixed: { fPort: 2, payloadHex: '04ff' },
    });
  });

  it('says which input is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['--trigger-command', 'nope'], /no command "nope"/],
      [['--trigger-fport', '2'], /go together/],
      [['--trigger-fport', '0', '--trigger-payload', 'ff'], /--trigger-fport must be a whole number from 1 to 223/],
      [['--trigger-fport', '2', '--trigger-payload', 'xyz'], /hex bytes/],
      [['--trigger-command', 'a', '--trigger-fport', '2', '--trigger-payload', 'ff'], /either/],
      [['--trigger-wait', '1'], /--trigger-wait/],
      [['--trigger-library', '/nonexistent/lib.json'], /cannot read/],
    ];
    for (const [args, message] of cases) {
      await expect(triggerFromFlags(flags('--trigger-rejoin', ...args), env), args.join(' ')).rejects.toThrow(UsageError);
      await expect(triggerFromFlags(flags('--trigger-rejoin', ...args), env)).rejects.toThrow(message);
    }
  });

  it('reads a library file given with --trigger-library', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-triggers-'));
    const file = join(dir, 'lib.json');
    await writeFile(file, serializeLibrary([mine]));
    expect((await triggerFromFlags(flags('--trigger-rejoin', '--trigger-library', file, '--trigger-command', 'dragino-reset'), env))?.fixed?.fPort).toBe(2);
  });
});
