// The main process's log: <userData>/logs/main.log, rotated by size (main.log.1 … .N),
// every line passed through the redaction filter first. Writes are synchronous so that the
// last line before a crash reaches the disk.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  readonly path: string;
  readonly dir: string;
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

export interface LogFileOptions {
  dir: string;
  /** Size at which main.log is rotated (default 1 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides main.log (default 3). */
  keep?: number;
  now?: () => Date;
  /** Also echo lines to stderr (development). */
  echo?: boolean;
}

export const LOG_FILE_NAME = 'main.log';

/** One line of text for a value: errors with name, message and stack; the rest as JSON. */
export function describe(data: unknown): string {
  if (data instanceof Error) {
    const stack = data.stack ?? `${data.name}: ${data.message}`;
    const cause = data.cause === undefined ? '' : ` (cause: ${describe(data.cause)})`;
    return `${stack}${cause}`;
  }
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? String(data);
  } catch {
    return String(data);
  }
}

export function createLogger(opts: LogFileOptions): Logger {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 3);
  const path = join(opts.dir, LOG_FILE_NAME);
  const now = opts.now ?? (() => new Date());
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  let size = existsSync(path) ? statSync(path).size : 0;

  const rotate = () => {
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    if (existsSync(path)) renameSync(path, `${path}.1`);
    size = 0;
  };

  const write = (level: LogLevel, message: string, data?: unknown) => {
    const text = data === undefined ? message : `${message} ${describe(data)}`;
    const line = `${now().toISOString()} ${level.toUpperCase().padEnd(5)} ${redact(text).replace(/\r?\n/g, '\n    ')}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(path, line, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full disk or a removed folder must not take the app down with it.
    }
    if (opts.echo) process.stderr.write(line);
  };

  return {
    path,
    dir: opts.dir,
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

/** A logger that writes nothing (tests, and the time before the log folder is known). */
export const silentLogger: Logger = { path: '', dir: '', debug() {}, info() {}, warn() {}, error() {} };
