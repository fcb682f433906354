// Errors as data: every failure a handler raises becomes the contract's IpcError, with a
// message written for a person, never a stack trace, and redacted of every known secret.
import { StackError } from '../stack/errors.js';
import { ConnectionsFileError } from '../credentials/connections-file.js';
import { KeychainUnavailableError } from '../credentials/secret-store.js';
import { redact, redactValue } from '../logging/redact.js';
import type { IpcError } from './contract.js';

export type IpcErrorCode = IpcError['code'];

/** A failure a handler raises on purpose: its message is shown to the user as is. */
export class IpcFailure extends Error {
  override readonly name = 'IpcFailure';
  constructor(readonly code: IpcErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export const notFound = (message: string) => new IpcFailure('not-found', message);
export const conflict = (message: string) => new IpcFailure('conflict', message);
export const invalid = (message: string) => new IpcFailure('invalid-request', message);

export const INTERNAL_MESSAGE = 'Something went wrong in Stack Migrator. The details are in the log file (Help → Open log folder).';

/** The envelope's error for anything thrown; `expected` tells whether it was a known kind. */
export function toIpcError(err: unknown): { error: IpcError; expected: boolean } {
  const safe = (e: IpcError): IpcError => {
    const out: IpcError = { code: e.code, message: redact(e.message) };
    if (e.details) out.details = redactValue(e.details) as Record<string, unknown>;
    return out;
  };
  if (err instanceof IpcFailure) return { error: safe({ code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }), expected: true };
  if (err instanceof StackError) {
    // toJSON is the error's safe, serializable shape (no cause, no stack).
    return { error: safe({ code: 'server', message: err.message, details: JSON.parse(JSON.stringify(err.toJSON())) as Record<string, unknown> }), expected: true };
  }
  if (err instanceof KeychainUnavailableError) return { error: safe({ code: 'keychain-unavailable', message: err.message }), expected: true };
  if (err instanceof ConnectionsFileError) return { error: safe({ code: 'conflict', message: err.message }), expected: true };
  return { error: { code: 'internal', message: INTERNAL_MESSAGE }, expected: false };
}
