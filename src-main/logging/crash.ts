// Uncaught errors go to the log (redacted) instead of a dialog or stderr that would show
// their message — and whatever secret it holds — to the user.
import type { Logger } from './log-file.js';

type ProcessLike = Pick<NodeJS.Process, 'on' | 'off'>;

/** Logs uncaught exceptions and unhandled rejections; returns a function that removes the hooks. */
export function logUncaughtErrors(logger: Logger, proc: ProcessLike = process): () => void {
  const onException = (err: unknown) => logger.error('uncaught exception', err);
  const onRejection = (reason: unknown) => logger.error('unhandled promise rejection', reason);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
