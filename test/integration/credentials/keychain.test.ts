// The credential store against the real Secret Service (gnome-keyring in the private D-Bus
// session that `npm test` starts when none is running). A test-only service name per run,
// and every entry removed at the end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { keytarSecretStore } from '../../../src-main/credentials';

const keytar = createRequire(__filename)('keytar') as { findCredentials(service: string): Promise<{ account: string; password: string }[]>; deletePassword(s: string, a: string): Promise<boolean> };
const SERVICE = `org.stackmigrator.test.${randomBytes(4).toString('hex')}`;
const KEY = `NNSXS.TESTKEYID${randomBytes(4).toString('hex').toUpperCase()}.${randomBytes(20).toString('hex').toUpperCase()}`;

afterAll(async () => {
  for (const c of await keytar.findCredentials(SERVICE)) await keytar.deletePassword(SERVICE, c.account);
  expect(await keytar.findCredentials(SERVICE)).toEqual([]);
});

describe('keytar secret store (real Secret Service)', () => {
  const store = keytarSecretStore(SERVICE);

  it('reports the keychain available', async () => {
    expect(await store.check()).toEqual({ available: true });
    // The probe leaves nothing behind.
    expect(await keytar.findCredentials(SERVICE)).toEqual([]);
  });

  it('stores, reads, replaces and deletes a key under the connection id', async () => {
    expect(await store.get('conn-1')).toBeUndefined();
    await store.set('conn-1', KEY);
    expect(await store.get('conn-1')).toBe(KEY);
    await store.set('conn-1', `${KEY}X`);
    expect(await store.get('conn-1')).toBe(`${KEY}X`);
    expect(await store.delete('conn-1')).toBe(true);
    expect(await store.get('conn-1')).toBeUndefined();
    expect(await store.delete('conn-1')).toBe(false);
  });

  it('keeps one entry per account, in its own service only', async () => {
    await store.set('a', 'NNSXS.A.1111111111');
    await store.set('b', 'NNSXS.B.2222222222');
    const entries = (await keytar.findCredentials(SERVICE)).map((c) => c.account).sort(); // order is not stable
    expect(entries).toEqual(['a', 'b']);
    expect(await keytarSecretStore(`${SERVICE}.other`).get('a')).toBeUndefined();
    await store.delete('a');
    await store.delete('b');
  });
});
