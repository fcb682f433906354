// The app's side of "plain http:// only to this computer": main refuses an http:// address of
// another host unless the request carries the user's confirmation — whatever the renderer did.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const API_KEY = `NNSXS.${'A'.repeat(16)}.${'B'.repeat(40)}`;
const REMOTE = { kind: 'custom' as const, isUrl: 'http://tts.example.invalid', clusterUrl: 'http://tts.example.invalid' };

describe('plain http:// in the app', () => {
  it('connections:test and connections:add refuse another host without the confirmation, naming the risk', async () => {
    h = await startHarness();
    for (const channel of ['connections:test', 'connections:add'] as const) {
      const request = channel === 'connections:add' ? { name: 'Remote', preset: REMOTE, apiKey: API_KEY } : { preset: REMOTE, apiKey: API_KEY };
      const result = await h.invoke(channel, request);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/plain HTTP: the API key would cross the network unencrypted/) } });
    }
    expect(await h.keychainAccounts()).toEqual([]);
  });

  it('with the confirmation the key is sent (here: a host that does not resolve, said as a connection failure)', async () => {
    h = await startHarness();
    const result = await h.call('connections:test', { preset: { ...REMOTE, allowInsecureHttp: true }, apiKey: API_KEY });
    expect(result.ok).toBe(false);
    expect(result.problems.join(' ')).toMatch(/^Connect to tts\.example\.invalid: /);
  });

  it('loopback needs no confirmation', async () => {
    h = await startHarness();
    const result = await h.call('connections:test', { preset: { kind: 'custom', isUrl: 'http://127.0.0.1:1', clusterUrl: 'http://127.0.0.1:1' }, apiKey: API_KEY });
    expect(result.problems.join(' ')).toMatch(/connection refused/);
  });
});
