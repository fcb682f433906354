import { describe, expect, it } from 'vitest';
import { connectionInfo, missingRights, targetOfPreset } from '../../../src-main/ipc/connection-registry';
import { IpcFailure } from '../../../src-main/ipc/errors';

describe('presets', () => {
  it('The Things Network: the IS is always eu1, the cluster the region’s', () => {
    expect(targetOfPreset({ kind: 'ttn', region: 'nam1' })).toEqual({ isUrl: 'https://eu1.cloud.thethings.network', clusterUrl: 'https://nam1.cloud.thethings.network' });
  });

  it('The Things Stack Cloud: the tenant’s hosts', () => {
    expect(targetOfPreset({ kind: 'tts-cloud', tenant: 'acme', region: 'au1' })).toEqual({
      isUrl: 'https://acme.eu1.cloud.thethings.industries', clusterUrl: 'https://acme.au1.cloud.thethings.industries',
    });
  });

  it('custom: normalized URLs and the CA certificate', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(targetOfPreset({ kind: 'custom', isUrl: 'https://lns.example.com/api/v3/', clusterUrl: 'https://lns.example.com', ca })).toEqual({
      isUrl: 'https://lns.example.com', clusterUrl: 'https://lns.example.com', ca: [ca],
    });
  });

  it('custom with an address that is no address: an invalid request', () => {
    expect(() => targetOfPreset({ kind: 'custom', isUrl: 'https://exa mple', clusterUrl: 'https://x' })).toThrow(IpcFailure);
  });

  it('demo: only from the demo workspace', () => {
    expect(() => targetOfPreset({ kind: 'demo' })).toThrow(/demo workspace/);
  });
});

describe('rights in words', () => {
  it('a key with every right misses nothing', () => {
    expect(missingRights(['RIGHT_APPLICATION_ALL'])).toEqual({ missingForSource: [], missingForTarget: [] });
  });

  it('a read-only key cannot serve as a source or a target, and says why', () => {
    const m = missingRights(['RIGHT_APPLICATION_INFO', 'RIGHT_APPLICATION_DEVICES_READ']);
    expect(m.missingForSource).toEqual(expect.arrayContaining([expect.stringMatching(/cannot read the devices’ root and session keys \(missing RIGHT_APPLICATION_DEVICES_READ_KEYS\)/)]));
    expect(m.missingForSource.join(' ')).toMatch(/RIGHT_APPLICATION_DEVICES_WRITE_KEYS/);
    expect(m.missingForTarget.join(' ')).toMatch(/cannot create the devices/);
    expect(m.missingForTarget.join(' ')).toMatch(/see the devices join/);
  });

  it('the connection info carries them, and never a key', () => {
    const info = connectionInfo({
      id: 'c1', name: 'n', preset: { kind: 'ttn', region: 'eu1' }, isUrl: 'https://a', clusterUrl: 'https://a', rights: [], createdAt: 'now',
    });
    expect(info.missingForSource.length).toBeGreaterThan(0);
    expect(info.hasCa).toBe(false);
    expect(Object.keys(info)).not.toContain('apiKey');
  });
});
