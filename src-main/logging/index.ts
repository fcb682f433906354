// Logging of the main process: a rotated, redacted log file and the hook for uncaught errors.
export { createLogger, silentLogger, describe, LOG_FILE_NAME, type Logger, type LogLevel, type LogFileOptions } from './log-file.js';
export { redact, redactValue, registerSecret, forgetSecret } from './redact.js';
export { logUncaughtErrors } from './crash.js';
