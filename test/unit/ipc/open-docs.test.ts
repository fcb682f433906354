import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { documentationUrl } from '../../../src-main/ipc/app';
import { createIpcHandlers } from '../../../src-main/ipc/handlers';
import { dispatchInvoke } from '../../../src-main/ipc/dispatch';
import { IPC_CONTRACT_VERSION } from '../../../src-main/ipc/contract';
import type { SecretStore } from '../../../src-main/credentials';

describe('documentationUrl', () => {
  it.each([
    'https://www.thethingsindustries.com/docs/',
    'https://www.thethingsindustries.com/docs/the-things-stack/migrating/?x=1#part',
    'https://www.thethingsnetwork.org/docs/lorawan/',
  ])('accepts %s', (url) => {
    expect(documentationUrl(url)).toBe(new URL(url).href);
  });

  it.each([
    'http://www.thethingsindustries.com/docs/',
    'https://thethingsindustries.com/docs/',
    'https://www.thethingsindustries.com.evil.example/',
    'https://evil.example/?www.thethingsnetwork.org',
    'https://user:pw@www.thethingsnetwork.org/',
    'https://www.thethingsnetwork.org:8443/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://www.thethingsnetwork.org/share',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(documentationUrl(url)).toBeUndefined();
  });
});

describe('app handlers', () => {
  const secrets: SecretStore = {
    get: async () => undefined, set: async () => undefined, delete: async () => false,
    check: async () => ({ available: false, message: 'No keychain is available (test).' }),
  };
  const setup = () => {
    const openExternal = vi.fn(async () => undefined);
    const { handlers } = createIpcHandlers({
      userDataDir: mkdtempSync(join(tmpdir(), 'sm-app-')), secrets, saveDialog: async () => undefined, openDialog: async () => undefined, openExternal,
      emit: () => undefined, appVersion: '1.2.3', platform: 'linux',
    });
    const invoke = (channel: string, payload: unknown) => dispatchInvoke(handlers, channel, payload, { url: 'app://x' }, () => true);
    return { invoke, openExternal };
  };

  it('app:info tells version, platform, contract version and whether the keychain works', async () => {
    const { invoke } = setup();
    expect(await invoke('app:info', {})).toEqual({
      ok: true,
      data: { version: '1.2.3', platform: 'linux', contractVersion: IPC_CONTRACT_VERSION, keychain: { available: false, message: 'No keychain is available (test).' } },
    });
  });

  it('app:open-docs opens documentation links and refuses the rest', async () => {
    const { invoke, openExternal } = setup();
    expect(await invoke('app:open-docs', { url: 'https://www.thethingsnetwork.org/docs/' })).toEqual({ ok: true, data: {} });
    expect(openExternal).toHaveBeenCalledWith('https://www.thethingsnetwork.org/docs/');
    expect(await invoke('app:open-docs', { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await invoke('app:open-docs', { url: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(openExternal).toHaveBeenCalledOnce();
  });
});
