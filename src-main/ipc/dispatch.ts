// The one chokepoint between the renderer and the handlers: a trusted sender, a known
// channel, a request valid against the contract, a response shaped by the contract (which
// strips anything a handler added by mistake), and errors as the typed envelope.
import type { z } from 'zod';
import { invokeChannels, type InvokeChannel, type IpcResult } from './contract.js';
import type { createIpcHandlers } from './handlers.js';
import { toIpcError } from './errors.js';
import { redact } from '../logging/redact.js';

type Handlers = ReturnType<typeof createIpcHandlers>['handlers'];

export const isInvokeChannel = (channel: unknown): channel is InvokeChannel =>
  typeof channel === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, channel);

/** A readable one-paragraph account of what is wrong with a request. */
export function describeInvalidRequest(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'request'}: ${i.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return redact(`Invalid request — ${issues.join('; ')}${more}.`);
}

export async function dispatchInvoke(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
  sender: { url: string },
  isTrustedUrl: (url: string) => boolean,
  /** Told about failures that were not expected (they reach the user only as a generic message). */
  onUnexpectedError?: (channel: string, err: unknown) => void,
): Promise<IpcResult<unknown>> {
  let trusted = false;
  try {
    trusted = typeof sender?.url === 'string' && sender.url !== '' && isTrustedUrl(sender.url);
  } catch {
    trusted = false;
  }
  if (!trusted) return { ok: false, error: { code: 'forbidden-sender', message: 'This request did not come from Stack Migrator’s own window.' } };
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: 'unknown-channel', message: `Unknown channel ${JSON.stringify(redact(String(channel).slice(0, 80)))}.` } };
  }
  const spec = invokeChannels[channel];
  const parsed = (spec.request as z.ZodType).safeParse(payload);
  if (!parsed.success) return { ok: false, error: { code: 'invalid-request', message: describeInvalidRequest(parsed.error) } };
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    const data = await handler(parsed.data);
    return { ok: true, data: (spec.response as z.ZodType).parse(data) };
  } catch (err) {
    const { error, expected } = toIpcError(err);
    if (!expected) onUnexpectedError?.(channel, err);
    return { ok: false, error };
  }
}
