// The user's trigger commands, saved beside the connections in the app's data folder; exported
// and imported as JSON (triggerLibraryFileSchema). Built-ins are never written to the file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.js';
import { mergeLibrary, triggerCommandSchema, triggerLibraryFileSchema, type TriggerCommand } from './commands.js';

export const TRIGGER_LIBRARY_FILE = 'trigger-commands.json';

export class TriggerLibraryError extends Error {}

/** Parses an exported library; says in words what is wrong. */
export function parseLibrary(text: string, where: string): TriggerCommand[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TriggerLibraryError(`${where} is not JSON.`);
  }
  const parsed = triggerLibraryFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TriggerLibraryError(`${where} is not a Stack Migrator trigger library (${first ? `${first.path.join('.') || 'file'}: ${first.message}` : 'unknown shape'}).`);
  }
  const names = new Set<string>();
  for (const c of parsed.data.commands) {
    if (names.has(c.name)) throw new TriggerLibraryError(`${where} names the command "${c.name}" twice.`);
    names.add(c.name);
  }
  return parsed.data.commands.map((c) => ({ ...c, builtIn: false }));
}

export const serializeLibrary = (commands: readonly TriggerCommand[]) =>
  `${JSON.stringify({ format: 'stack-migrator-trigger-commands', version: 1, commands: commands.map(({ builtIn: _b, ...c }) => c) }, null, 2)}\n`;

/** Reads the user's commands (none yet: empty). */
export async function readUserLibrary(path: string): Promise<TriggerCommand[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseLibrary(text, path);
}

export async function writeUserLibrary(path: string, commands: readonly TriggerCommand[]): Promise<void> {
  const checked = z.array(triggerCommandSchema).max(500).parse(commands);
  await writeFileAtomic(path, serializeLibrary(checked));
}

/** Imported commands join the user's: same name replaces. */
export function mergeImported(current: readonly TriggerCommand[], imported: readonly TriggerCommand[]): TriggerCommand[] {
  const byName = new Map(current.map((c) => [c.name, c]));
  for (const c of imported) byName.set(c.name, c);
  return [...byName.values()];
}

export const libraryPath = (dir: string) => join(dir, TRIGGER_LIBRARY_FILE);
export const fullLibrary = async (dir: string) => mergeLibrary(await readUserLibrary(libraryPath(dir)));
