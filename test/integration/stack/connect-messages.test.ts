// When the server cannot be reached, the key check says so: "Connect to <host>: …", not
// "Check the API key: …" (the key was never looked at). A refusal of the key still names it.
import { afterEach, describe, expect, it } from 'vitest';
import { StackClient, StackError } from '../../../src-main/stack/index.js';
import { selfSignedCert, startScriptedServer, ttsError, type ScriptedServer } from '../../support/http-server.js';

const KEY = `NNSXS.TEST${'A'.repeat(10)}.${'B'.repeat(20)}`;
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const clientFor = (url: string, extra: Partial<ConstructorParameters<typeof StackClient>[1]> = {}) =>
  new StackClient({ isUrl: url, clusterUrl: url, apiKey: KEY }, { backoff: { maxRetries: 0, baseMs: 5, maxMs: 5 }, ...extra });

async function failure(p: Promise<unknown>): Promise<StackError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StackError);
  return err as StackError;
}

function expectConnectMessage(e: StackError, host: string) {
  expect(e.message.startsWith(`Connect to ${host}: `), e.message).toBe(true);
  expect(e.message).not.toMatch(/Check the API key/);
}

describe('authInfo when the server cannot be reached', () => {
  it('connection refused', async () => {
    const s = await startScriptedServer(() => undefined);
    const { url } = s;
    await s.close();
    const e = await failure(clientFor(url).authInfo());
    expect(e.kind).toBe('refused');
    expectConnectMessage(e, new URL(url).host);
  });

  it('a TLS failure', async () => {
    server = await startScriptedServer(() => undefined, selfSignedCert());
    const e = await failure(clientFor(server.url).authInfo());
    expect(e.kind).toBe('tls');
    expectConnectMessage(e, new URL(server.url).host);
  });

  it('a timeout', async () => {
    server = await startScriptedServer(() => undefined);
    const e = await failure(clientFor(server.url, { timeoutMs: 150 }).authInfo());
    expect(e.kind).toBe('timeout');
    expectConnectMessage(e, new URL(server.url).host);
  });

  it('a host name that does not resolve', async () => {
    const e = await failure(clientFor('https://no-such-host.invalid').authInfo());
    expect(['dns', 'timeout', 'network']).toContain(e.kind);
    expectConnectMessage(e, 'no-such-host.invalid');
  });

  it('the rights check of an application says the same', async () => {
    const s = await startScriptedServer(() => undefined);
    const { url } = s;
    await s.close();
    const e = await failure(clientFor(url).applicationRights('app1'));
    expectConnectMessage(e, new URL(url).host);
  });

  it('a key the server refuses is still about the API key', async () => {
    server = await startScriptedServer((_q, res) => ttsError(res, 401, 16, 'pkg/auth:unauthenticated'));
    const e = await failure(clientFor(server.url).authInfo());
    expect(e.message).toMatch(/^Check the API key: the API key was not accepted/);
  });
});
