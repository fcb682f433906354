// --trigger-rejoin and its choice of command: --trigger-command NAME (from the library: the
// built-ins, the app's saved commands, or --trigger-library FILE), or --trigger-fport N with
// --trigger-payload HEX for every device; without either, each device gets its model's command.
import { readFile } from 'node:fs/promises';
import { type z } from 'zod';
import { userDataDir } from '../migration/run-dir.js';
import { mergeLibrary, TRIGGER_PAYLOAD_PATTERN, type triggerOptionsSchema, type TriggerCommand } from '../triggers/commands.js';
import { libraryPath, parseLibrary, readUserLibrary, TriggerLibraryError } from '../triggers/library-file.js';
import { intFlag, UsageError, type Flags } from './args.js';

/** The longest --trigger-wait: a week (as the plan's option). */
const MAX_TRIGGER_WAIT = 7 * 24 * 3600;

export async function triggerFromFlags(flags: Flags, env = process.env): Promise<z.input<typeof triggerOptionsSchema> | undefined> {
  const given = ['trigger-command', 'trigger-fport', 'trigger-payload', 'trigger-wait', 'trigger-library'].filter((f) => flags[f as keyof Flags] !== undefined);
  if (!flags['trigger-rejoin']) {
    if (given.length > 0) throw new UsageError(`${given.map((f) => `--${f}`).join(', ')} need${given.length === 1 ? 's' : ''} --trigger-rejoin`);
    return undefined;
  }
  const waitSeconds = intFlag('trigger-wait', flags['trigger-wait'], 5, MAX_TRIGGER_WAIT) ?? 900;
  const library = await libraryOf(flags, env);
  const byName = flags['trigger-command'];
  const fPort = flags['trigger-fport'];
  const payload = flags['trigger-payload'];
  if (byName !== undefined && (fPort !== undefined || payload !== undefined)) throw new UsageError('give either --trigger-command or --trigger-fport with --trigger-payload, not both');
  if ((fPort === undefined) !== (payload === undefined)) throw new UsageError('--trigger-fport and --trigger-payload go together');
  let fixed: TriggerCommand | undefined;
  if (byName !== undefined) {
    fixed = library.find((c) => c.name === byName);
    if (!fixed) throw new UsageError(`--trigger-command: no command "${byName}" in the library (known: ${library.map((c) => c.name).join(', ') || 'none'})`);
  } else if (fPort !== undefined && payload !== undefined) {
    const port = intFlag('trigger-fport', fPort, 1, 223)!;
    const hex = payload.replace(/^0x/i, '').replace(/\s+/g, '');
    if (!TRIGGER_PAYLOAD_PATTERN.test(hex)) throw new UsageError('--trigger-payload must be hex bytes, e.g. ff10ff (at most 51 bytes)');
    fixed = { name: `fport-${port}-${hex.toLowerCase()}`, fPort: port, payloadHex: hex.toLowerCase() };
  }
  return { waitSeconds, library, ...(fixed ? { fixed } : {}) };
}

async function libraryOf(flags: Flags, env: NodeJS.ProcessEnv): Promise<TriggerCommand[]> {
  try {
    const file = flags['trigger-library'];
    if (file !== undefined) return mergeLibrary(parseLibrary(await readFile(file, 'utf8').catch(() => {
      throw new TriggerLibraryError(`cannot read ${file}`);
    }), file));
    return mergeLibrary(await readUserLibrary(libraryPath(userDataDir(env))));
  } catch (err) {
    if (err instanceof TriggerLibraryError) throw new UsageError(`--trigger-library: ${err.message}`);
    throw err;
  }
}
