// Which root keys a device joins with, as the Join Server decides (pkg/joinserver/joinserver.go).
import { describe, expect, it } from 'vitest';
import { joinableWith, presentRootKeys } from '../../../src-main/migration/join-state.js';
import type { JsonObject } from '../../../src-main/stack/paths.js';

const K = 'AB'.repeat(16);
const dev = (version: string, keys: JsonObject): JsonObject => ({ lorawan_version: version, root_keys: keys });

describe('root keys', () => {
  it('lists the keys present', () => {
    expect(presentRootKeys(dev('MAC_V1_0_3', { app_key: { key: K }, nwk_key: { key: K } }))).toEqual(['app_key', 'nwk_key']);
    expect(presentRootKeys(dev('MAC_V1_0_3', { nwk_key: { key: K } }))).toEqual(['nwk_key']);
    expect(presentRootKeys({})).toEqual([]);
  });
  it('follow the Join Server\'s table', () => {
    expect(joinableWith(dev('MAC_V1_0_3', { app_key: { key: K } }))).toBe(true);
    expect(joinableWith(dev('MAC_V1_0_3', { nwk_key: { key: K } }))).toBe(true); // 1.0.x with a NwkKey joins with it
    expect(joinableWith(dev('MAC_V1_0_3', { nwk_key: { key: K }, root_key_id: 'ttn-lw-cli-generated' }))).toBe(false); // then the AppKey is used
    expect(joinableWith(dev('MAC_V1_0_3', { app_key: { key: K }, nwk_key: { key: K }, root_key_id: 'ttn-lw-cli-generated' }))).toBe(true);
    expect(joinableWith(dev('MAC_V1_1', { app_key: { key: K } }))).toBe(false);
    expect(joinableWith(dev('1.1', { app_key: { key: K }, nwk_key: { key: K } }))).toBe(true);
    expect(joinableWith(dev('MAC_V1_0_2', {}))).toBe(false);
  });
});
