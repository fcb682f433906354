// Server addresses compared by host as the Identity Server does, and LoRaWAN versions under
// the server's own names.
import { describe, expect, it } from 'vitest';
import { sameServerHost, serverHost } from '../../../src-main/stack/addresses.js';
import { canonicalMacVersion, canonicalPhyVersion, isMacV11 } from '../../../src-main/stack/versions.js';

describe('server addresses', () => {
  it('strip scheme, port and path, as getHost in pkg/identityserver/end_device_registry.go', () => {
    expect(serverHost('tts.example.com')).toBe('tts.example.com');
    expect(serverHost('tts.example.com:8886')).toBe('tts.example.com');
    expect(serverHost('https://tts.example.com:8443')).toBe('tts.example.com');
    expect(serverHost('https://tts.example.com/api/v3')).toBe('tts.example.com');
    expect(serverHost('[::1]:1885')).toBe('::1');
    expect(serverHost('::1')).toBe('::1');
  });
  it('name the same server whatever the port or scheme', () => {
    expect(sameServerHost('tts.example.com', 'tts.example.com:8443')).toBe(true);
    expect(sameServerHost('host:8886', 'https://host')).toBe(true);
    expect(sameServerHost('EU1.cloud.thethings.network', 'eu1.cloud.thethings.network:443')).toBe(true);
    expect(sameServerHost('eu1.cloud.thethings.network', 'nam1.cloud.thethings.network')).toBe(false);
  });
});

describe('LoRaWAN versions', () => {
  it('read the aliases the server accepts and name them as it writes them back', () => {
    for (const v of ['1.1', '1.1.0', 'V1_1', 'MAC_V1_1', 4]) expect(canonicalMacVersion(v)).toBe('MAC_V1_1');
    expect(canonicalMacVersion('1.0.4')).toBe('MAC_V1_0_4');
    expect(canonicalMacVersion('V1_0_2')).toBe('MAC_V1_0_2');
    expect(canonicalMacVersion('2.0')).toBeUndefined();
    expect(canonicalPhyVersion('RP001_V1_0_2_REV_B')).toBe('PHY_V1_0_2_REV_B');
    expect(canonicalPhyVersion('1.0.3-a')).toBe('PHY_V1_0_3_REV_A');
    expect(canonicalPhyVersion('RP002_V1_0_3')).toBe('RP002_V1_0_3');
    expect(canonicalPhyVersion('TS001_V1_0')).toBe('PHY_V1_0');
  });
  it('tell which versions have two root keys', () => {
    expect(isMacV11('1.1')).toBe(true);
    expect(isMacV11('MAC_V1_0_4')).toBe(false);
  });
});
