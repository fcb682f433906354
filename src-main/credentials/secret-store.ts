// API keys live in the operating system's keychain (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux) through keytar: one entry per connection, the
// account being the connection id. There is no file fallback, on purpose.

export interface SecretStore {
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  check(): Promise<{ available: boolean; message?: string }>;
}

export const DEFAULT_SERVICE = 'org.stackmigrator.app';

/** The keychain cannot be used: the message says why and what to install or do. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** What to tell a person whose keychain did not answer, per platform. */
export function keychainHelp(reason: string, platform: string = process.platform): string {
  const locked = /locked/i.test(reason);
  if (platform === 'darwin') return `The macOS Keychain cannot be used (${reason}). Stack Migrator keeps API keys only in the Keychain; unlock it (Keychain Access) and try again.`;
  if (platform === 'win32') return `The Windows Credential Manager cannot be used (${reason}). Stack Migrator keeps API keys only there; check that the Credential Manager service runs and try again.`;
  if (locked) return `The keychain is locked (${reason}). Unlock your login keyring (for example by logging in again, or with Seahorse) and try again.`;
  return (
    `No keychain is available (${reason}). Stack Migrator keeps API keys only in the system keychain (the Secret Service over D-Bus) and never in a file. ` +
    'Install and start a Secret Service — GNOME Keyring (packages gnome-keyring and libsecret-1-0) or KWallet with its Secret Service — and log in to a desktop session, then try again.'
  );
}

/** A keytar-backed store; keytar is loaded on first use, so a missing native module is a clear error, not a crash at start. */
export function keytarSecretStore(service = DEFAULT_SERVICE, platform: string = process.platform): SecretStore {
  let loaded: Keytar | undefined;
  const keytar = (): Keytar => {
    if (loaded) return loaded;
    try {
      // Loaded on first use (a missing native module or libsecret is then a clear error, not a
      // crash at start); a plain require, as the main bundle is CommonJS and keytar is external.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require('keytar') as Keytar & { default?: Keytar };
      return (loaded = m.default ?? m);
    } catch (err) {
      throw new KeychainUnavailableError(keychainHelp(`the keytar module cannot load: ${reasonOf(err)}`, platform));
    }
  };
  const call = async <T>(fn: (k: Keytar) => Promise<T>): Promise<T> => {
    const k = keytar();
    try {
      return await fn(k);
    } catch (err) {
      throw new KeychainUnavailableError(keychainHelp(reasonOf(err), platform));
    }
  };
  const PROBE = '.stack-migrator-check';
  return {
    get: (account) => call(async (k) => (await k.getPassword(service, account)) ?? undefined),
    set: (account, secret) => call((k) => k.setPassword(service, account, secret)),
    delete: (account) => call((k) => k.deletePassword(service, account)),
    async check() {
      try {
        await call((k) => k.getPassword(service, PROBE));
        // A Secret Service whose collection is locked answers reads but refuses writes.
        if (platform === 'linux') {
          await call((k) => k.setPassword(service, PROBE, 'probe'));
          await call((k) => k.deletePassword(service, PROBE));
        }
        return { available: true };
      } catch (err) {
        return { available: false, message: err instanceof KeychainUnavailableError ? err.message : keychainHelp(reasonOf(err), platform) };
      }
    },
  };
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
