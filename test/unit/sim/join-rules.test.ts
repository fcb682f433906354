// The Join Server's key table and nonce rules (pkg/joinserver/joinserver.go HandleJoin), as the simulator applies them.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src-main/sim/json-path.js';
import { CLI_GENERATED_ROOT_KEY_ID, checkNonces, defaultDevNonce, joinServerKeys } from '../../../src-main/sim/simulate.js';

const APP = 'A1'.repeat(16);
const NWK = 'B2'.repeat(16);
const js = (rootKeys: JsonObject, state: JsonObject = {}): JsonObject => ({ root_keys: rootKeys, ...state });

describe('join key table', () => {
  const cases: Array<[string, JsonObject, string, { network?: string; application?: string; error?: string }]> = [
    ['1.0.2, AppKey only', { app_key: { key: APP } }, 'MAC_V1_0_2', { network: APP, application: APP }],
    ['1.0.3, AppKey only', { app_key: { key: APP } }, 'MAC_V1_0_3', { network: APP, application: APP }],
    ['1.0.3, both keys, CLI-generated', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: CLI_GENERATED_ROOT_KEY_ID }, 'MAC_V1_0_3', { network: APP, application: APP }],
    ['1.0.3, both keys, other id', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: 'factory' }, 'MAC_V1_0_3', { network: NWK, application: NWK }],
    ['1.0.2, both keys, no id', { app_key: { key: APP }, nwk_key: { key: NWK } }, 'MAC_V1_0_2', { network: NWK, application: NWK }],
    ['1.0.3, NwkKey only', { nwk_key: { key: NWK } }, 'MAC_V1_0_3', { network: NWK, application: NWK }],
    ['1.0.3, NwkKey only, CLI-generated', { nwk_key: { key: NWK }, root_key_id: CLI_GENERATED_ROOT_KEY_ID }, 'MAC_V1_0_3', { error: 'no_nwk_key' }],
    ['1.0.4, both keys, other id', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: 'x' }, 'MAC_V1_0_4', { network: NWK, application: NWK }],
    ['1.1, both keys', { app_key: { key: APP }, nwk_key: { key: NWK } }, 'MAC_V1_1', { network: NWK, application: APP }],
    ['1.1, both keys, CLI-generated', { app_key: { key: APP }, nwk_key: { key: NWK }, root_key_id: CLI_GENERATED_ROOT_KEY_ID }, 'MAC_V1_1', { network: NWK, application: APP }],
    ['1.1, AppKey only', { app_key: { key: APP } }, 'MAC_V1_1', { error: 'no_nwk_key' }],
    ['1.1, NwkKey only', { nwk_key: { key: NWK } }, 'MAC_V1_1', { network: NWK, error: 'no_app_key' }],
    ['no keys', {}, 'MAC_V1_0_3', { error: 'no_nwk_key' }],
    ['zero NwkKey is no NwkKey', { app_key: { key: APP }, nwk_key: { key: '0'.repeat(32) } }, 'MAC_V1_0_3', { network: APP, application: APP }],
  ];
  for (const [name, rootKeys, version, want] of cases) {
    it(name, () => expect(joinServerKeys(js(rootKeys), version)).toEqual(want));
  }
});

describe('nonce rules', () => {
  it('from 1.0.4 (and 1.1) a DevNonce must grow, unless the device resets its nonces', () => {
    for (const v of ['MAC_V1_0_4', 'MAC_V1_1']) {
      const state = js({}, { last_dev_nonce: 10, last_join_nonce: 4 });
      expect(checkNonces(state, v, 10)).toEqual({ error: 'dev_nonce_too_small' });
      expect(checkNonces(state, v, 3)).toEqual({ error: 'dev_nonce_too_small' });
      expect(checkNonces(state, v, 11)).toEqual({ joinNonce: 5, set: { last_dev_nonce: 11, last_join_nonce: 5 } });
      const resets = js({}, { last_dev_nonce: 10, last_join_nonce: 4, resets_join_nonces: true });
      expect(checkNonces(resets, v, 1)).toEqual({ joinNonce: 5, set: { last_dev_nonce: 1, last_join_nonce: 5 } });
    }
  });

  it('a fresh 1.0.4 record takes DevNonce 0 once', () => {
    expect(checkNonces(js({}), 'MAC_V1_0_4', 0)).toEqual({ joinNonce: 1, set: { last_dev_nonce: 0, last_join_nonce: 1 } });
    expect(checkNonces(js({}, { last_join_nonce: 1 }), 'MAC_V1_0_4', 0)).toEqual({ error: 'dev_nonce_too_small' });
  });

  it('before 1.0.4 a DevNonce may not repeat (the last 10 are kept), unless the device resets', () => {
    const state = js({}, { used_dev_nonces: [5, 900], last_join_nonce: 2 });
    expect(checkNonces(state, 'MAC_V1_0_3', 900)).toEqual({ error: 'reuse_dev_nonce' });
    // Order does not matter before 1.0.4, and last_dev_nonce is not kept.
    expect(checkNonces(state, 'MAC_V1_0_2', 1)).toEqual({ joinNonce: 3, set: { used_dev_nonces: [5, 900, 1], last_join_nonce: 3 } });
    const full = js({}, { used_dev_nonces: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect(checkNonces(full, 'MAC_V1_0_3', 11)).toMatchObject({ set: { used_dev_nonces: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } });
    const resets = js({}, { used_dev_nonces: [5], resets_join_nonces: true });
    expect(checkNonces(resets, 'MAC_V1_0_3', 5)).toEqual({ joinNonce: 1, set: { last_join_nonce: 1 } });
  });

  it('JoinNonce stops at 2^24 - 1', () => {
    expect(checkNonces(js({}, { last_join_nonce: 0xfffffe }), 'MAC_V1_0_3', 1)).toMatchObject({ joinNonce: 0xffffff });
    expect(checkNonces(js({}, { last_join_nonce: 0xffffff }), 'MAC_V1_0_3', 1)).toEqual({ error: 'join_nonce_too_high' });
  });

  it('a device without a given DevNonce uses one the JS has not seen', () => {
    expect(defaultDevNonce(js({}, { last_dev_nonce: 41 }), 'MAC_V1_0_4')).toBe(42);
    expect(defaultDevNonce(js({}, { last_dev_nonce: 41, used_dev_nonces: [7000] }), 'MAC_V1_1')).toBe(42);
    expect(defaultDevNonce(js({}, { used_dev_nonces: [3, 7000, 12] }), 'MAC_V1_0_3')).toBe(7001);
    expect(defaultDevNonce(js({}), 'MAC_V1_0_2')).toBe(1);
    expect(defaultDevNonce(js({}, { last_dev_nonce: 0xffff }), 'MAC_V1_0_4')).toBe(0);
  });
});
