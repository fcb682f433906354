// triggers:*: the re-join trigger command library (built-ins and the user's own, saved in the
// app's data folder), exported and imported as JSON through the native dialogs.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic-write.js';
import { BUILT_IN_TRIGGERS, mergeLibrary, type TriggerCommand } from '../triggers/commands.js';
import { libraryPath, mergeImported, parseLibrary, readUserLibrary, serializeLibrary, TriggerLibraryError, writeUserLibrary } from '../triggers/library-file.js';
import { invalid } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';

type Channels = 'triggers:list' | 'triggers:save' | 'triggers:export' | 'triggers:import';

export function triggerHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const file = libraryPath(ctx.deps.userDataDir);
  const userCommands = () => readUserLibrary(file).catch((err: unknown) => {
    throw invalid(err instanceof TriggerLibraryError ? `${err.message} Fix or remove the file to use your commands again.` : String(err));
  });
  const save = async (commands: TriggerCommand[]) => {
    const builtIn = new Set(BUILT_IN_TRIGGERS.map((c) => c.name));
    const names = new Set<string>();
    for (const c of commands) {
      if (names.has(c.name)) throw invalid(`Two commands are named "${c.name}": each name must be unique.`);
      names.add(c.name);
    }
    // A built-in entry sent back unchanged is not the user's.
    const own = commands.filter((c) => !(c.builtIn && builtIn.has(c.name))).map(({ builtIn: _b, ...c }) => c);
    await writeUserLibrary(file, own);
    return { commands: mergeLibrary(own) };
  };
  return {
    'triggers:list': async () => ({ commands: mergeLibrary(await userCommands()) }),
    'triggers:save': async ({ commands }) => save(commands),
    'triggers:export': async () => {
      const path = await ctx.deps.saveDialog({ defaultName: 'stack-migrator-trigger-commands.json', filters: [{ name: 'JSON', extensions: ['json'] }] });
      if (!path) return { cancelled: true };
      await writeFileAtomic(path, serializeLibrary(await userCommands()), 0o644);
      return { savedTo: path };
    },
    'triggers:import': async () => {
      const path = await ctx.deps.openDialog({ filters: [{ name: 'JSON', extensions: ['json'] }] });
      if (!path) return { cancelled: true };
      let imported: TriggerCommand[];
      try {
        imported = parseLibrary(await readFile(path, 'utf8'), path);
      } catch (err) {
        throw invalid(err instanceof TriggerLibraryError ? err.message : `${path} cannot be read.`);
      }
      return save(mergeImported(await userCommands(), imported));
    },
  };
}
