import { describe, expect, it, vi } from 'vitest';
import { dispatchInvoke } from '../../../src-main/ipc/dispatch';
import { IpcFailure, INTERNAL_MESSAGE } from '../../../src-main/ipc/errors';
import { invokeChannels, ipcErrorSchema } from '../../../src-main/ipc/contract';
import type { Handlers } from '../../../src-main/ipc/handlers';
import { StackError } from '../../../src-main/stack/errors';
import { KeychainUnavailableError } from '../../../src-main/credentials';
import { registerSecret } from '../../../src-main/logging';

const TRUSTED = 'file:///app/dist/renderer/index.html';
const isTrusted = (url: string) => url === TRUSTED;
const API_KEY = 'NNSXS.DISPATCHKEYID.DISPATCHSECRETDISPATCHSECRETDISPATCHSECRET';
const DEVICE_KEY = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';

/** Handlers that fail the test if called, except those given. */
function handlersWith(overrides: Partial<Handlers> = {}): Handlers {
  const all = Object.fromEntries(Object.keys(invokeChannels).map((c) => [c, vi.fn(async () => { throw new Error(`handler ${c} must not be called`); })]));
  return { ...all, ...overrides } as unknown as Handlers;
}

const call = (handlers: Handlers, channel: unknown, payload: unknown, url = TRUSTED) => dispatchInvoke(handlers, channel, payload, { url }, isTrusted);

describe('dispatchInvoke', () => {
  it('answers a valid request with the handler’s data', async () => {
    const handlers = handlersWith({ 'connections:list': async () => ({ connections: [] }) });
    expect(await call(handlers, 'connections:list', {})).toEqual({ ok: true, data: { connections: [] } });
  });

  it('passes the parsed request (defaults applied) to the handler', async () => {
    const seen = vi.fn(async () => ({ devices: [] }));
    const handlers = handlersWith({ 'devices:details': seen });
    await call(handlers, 'devices:details', { connectionId: 'c', applicationId: 'app-1', deviceIds: ['dev-1'] });
    expect(seen).toHaveBeenCalledWith({ connectionId: 'c', applicationId: 'app-1', deviceIds: ['dev-1'] });
  });

  it.each(['https://evil.example/', 'file:///tmp/other.html', '', 'devtools://devtools/bundled/x.html'])('refuses a foreign sender (%s) before looking at anything else', async (url) => {
    const handlers = handlersWith();
    const result = await call(handlers, 'connections:remove', { id: 'x' }, url);
    expect(result).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
    expect(await call(handlers, 'no:such', 42, url)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(handlers['connections:remove']).not.toHaveBeenCalled();
  });

  it('refuses a sender whose check throws', async () => {
    const result = await dispatchInvoke(handlersWith(), 'app:info', {}, { url: TRUSTED }, () => { throw new Error('x'); });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it.each([['no:such'], ['__proto__'], ['constructor'], ['toString'], [42], [null], [{ channel: 'app:info' }]])('refuses an unknown channel %j', async (channel) => {
    expect(await call(handlersWith(), channel, {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses an invalid request with a readable message naming the field', async () => {
    const handlers = handlersWith();
    const result = await call(handlers, 'connections:add', { name: '', preset: { kind: 'ttn', region: 'mars' }, apiKey: 'short' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-request');
    expect(result.error.message).toMatch(/^Invalid request — /);
    expect(result.error.message).toMatch(/name/);
    expect(result.error.message).toMatch(/apiKey/);
    expect(handlers['connections:add']).not.toHaveBeenCalled();
  });

  it('does not echo a secret given in an invalid request', async () => {
    const result = await call(handlersWith(), 'connections:list', { [API_KEY]: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(JSON.stringify(result)).not.toContain('DISPATCHSECRET');
  });

  it('shapes the response by the contract: fields a handler adds by mistake never cross', async () => {
    const handlers = handlersWith({
      'connections:list': async () => ({ connections: [], apiKey: API_KEY } as never),
    });
    const result = await call(handlers, 'connections:list', {});
    expect(result).toEqual({ ok: true, data: { connections: [] } });
  });

  it('turns a response that breaks the contract into an internal error', async () => {
    const onError = vi.fn();
    const handlers = handlersWith({ 'app:info': async () => ({ version: 1 } as never) });
    const result = await dispatchInvoke(handlers, 'app:info', {}, { url: TRUSTED }, isTrusted, onError);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE } });
    expect(onError).toHaveBeenCalledOnce();
  });

  it('maps the error kinds to codes', async () => {
    const cases: [unknown, string][] = [
      [new IpcFailure('not-found', 'There is no run "x".'), 'not-found'],
      [new IpcFailure('conflict', 'busy'), 'conflict'],
      [new StackError({ kind: 'api', message: 'Check the API key: not accepted', operation: 'Check the API key', grpcCode: 16, httpStatus: 401 }), 'server'],
      [new KeychainUnavailableError('No keychain is available'), 'keychain-unavailable'],
      [new TypeError('x is undefined'), 'internal'],
      ['a string', 'internal'],
    ];
    for (const [err, code] of cases) {
      const handlers = handlersWith({ 'connections:list': async () => { throw err; } });
      const result = await call(handlers, 'connections:list', {});
      expect(result).toMatchObject({ ok: false, error: { code } });
      if (!result.ok) expect(ipcErrorSchema.safeParse(result.error).success).toBe(true);
    }
  });

  it('gives server errors the typed error’s safe fields, without stack or cause', async () => {
    const err = new StackError({
      kind: 'api', message: 'Read application "x": not found', operation: 'Read application "x"', grpcCode: 5, httpStatus: 404,
      url: 'http://127.0.0.1:1/api/v3/applications/x', correlationId: 'abc', cause: new Error('inner'),
    });
    const result = await call(handlersWith({ 'connections:list': async () => { throw err; } }), 'connections:list', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'server', message: 'Read application "x": not found',
        details: expect.objectContaining({ kind: 'api', codeName: 'NotFound', httpStatus: 404, correlationId: 'abc' }),
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/inner|\bat \//);
  });

  it('never puts an internal error’s message or stack in the envelope', async () => {
    const onError = vi.fn();
    const handlers = handlersWith({ 'connections:list': async () => { throw new Error('ENOENT /home/me/secret/path'); } });
    const result = await dispatchInvoke(handlers, 'connections:list', {}, { url: TRUSTED }, isTrusted, onError);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE } });
    expect(onError).toHaveBeenCalledWith('connections:list', expect.any(Error));
  });

  describe('no secret ever leaves in an error envelope', () => {
    const registered = 'registered-secret-of-a-custom-deployment';
    registerSecret(registered);
    const throwers: [string, () => unknown][] = [
      ['plain Error with an API key', () => new Error(`auth failed for ${API_KEY}`)],
      ['IpcFailure with an API key', () => new IpcFailure('conflict', `key ${API_KEY} cannot do this`)],
      ['IpcFailure with details holding keys', () => new IpcFailure('conflict', 'nope', { apiKey: API_KEY, device: { root_keys: { app_key: { key: DEVICE_KEY } } } })],
      ['StackError with the key in message and attributes', () => new StackError({
        kind: 'api', message: `Check the API key ${API_KEY}: refused`, operation: `Check ${API_KEY}`, grpcCode: 16,
        attributes: { token: API_KEY, value: `app_key=${DEVICE_KEY}`, nested: [{ key: DEVICE_KEY }] }, serverMessage: API_KEY,
        url: `http://host/api/v3?key=${API_KEY}`,
      })],
      ['StackError with a device key in the server message', () => new StackError({ kind: 'api', message: `invalid "key":"${DEVICE_KEY}"`, operation: 'x' })],
      ['KeychainUnavailableError with a key', () => new KeychainUnavailableError(`cannot store ${API_KEY}`)],
      ['a registered secret of any shape', () => new IpcFailure('not-found', `no such thing: ${registered}`)],
      ['an error whose cause holds the key', () => new Error('outer', { cause: new Error(API_KEY) })],
    ];
    it.each(throwers)('%s', async (_what, make) => {
      const handlers = handlersWith({ 'connections:list': async () => { throw make(); } });
      const result = await call(handlers, 'connections:list', {});
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      expect(text).not.toContain('DISPATCHSECRET');
      expect(text).not.toContain('DISPATCHKEYID');
      expect(text).not.toContain(DEVICE_KEY);
      expect(text).not.toContain(registered);
      expect(text).not.toMatch(/\n\s+at /);
    });
  });
});
