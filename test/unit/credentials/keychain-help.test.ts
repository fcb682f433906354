import { describe, expect, it } from 'vitest';
import { keychainHelp, keytarSecretStore } from '../../../src-main/credentials';

describe('keychain messages', () => {
  it('on Linux without a Secret Service, say so and what to install', () => {
    const message = keychainHelp('Cannot autolaunch D-Bus without X11 $DISPLAY', 'linux');
    expect(message).toContain('No keychain is available (Cannot autolaunch D-Bus without X11 $DISPLAY)');
    expect(message).toMatch(/gnome-keyring/);
    expect(message).toMatch(/KWallet/);
    expect(message).toMatch(/libsecret/);
    expect(message).toMatch(/never in a file/);
  });

  it('on Linux with a locked keyring, say to unlock it', () => {
    expect(keychainHelp('Cannot create an item in a locked collection', 'linux')).toMatch(/locked.*Unlock your login keyring/s);
  });

  it('name the keychain of macOS and Windows', () => {
    expect(keychainHelp('x', 'darwin')).toMatch(/macOS Keychain/);
    expect(keychainHelp('x', 'win32')).toMatch(/Credential Manager/);
  });
});

describe('keytarSecretStore without a Secret Service', () => {
  it('check() reports the keychain unavailable with what to install; set() fails and writes nothing anywhere', async () => {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    // A bus address where nothing listens: what a headless box without a session bus looks like to libsecret.
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/stack-migrator-test-bus';
    try {
      const store = keytarSecretStore('org.stackmigrator.test.nobus', 'linux');
      const check = await store.check();
      expect(check.available).toBe(false);
      expect(check.message).toMatch(/No keychain is available/);
      expect(check.message).toMatch(/gnome-keyring/);
      await expect(store.set('a', 'NNSXS.SECRET.VALUE')).rejects.toMatchObject({ name: 'KeychainUnavailableError' });
      await expect(store.set('a', 'NNSXS.SECRET.VALUE')).rejects.not.toThrow(/NNSXS/);
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    }
  });
});
