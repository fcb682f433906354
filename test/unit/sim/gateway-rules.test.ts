// Pure gateway rules: CUPS parseAddress / LNS URI, tc.key files, finding a deployment by address,
// the Gateway validator and the rate-limit entities of the gateway methods.
import { describe, expect, it } from 'vitest';
import { decodeGateway, gatewayCheck } from '../../../src-main/sim/gateway-messages.js';
import { gatewayEntity } from '../../../src-main/sim/routes-gateways.js';
import { findByAddress, lnsUri, parseAddress, parseTokenFile } from '../../../src-main/sim/station-rules.js';

describe('CUPS addresses (server.go parseAddress)', () => {
  it('defaults the scheme to wss and the port per scheme', () => {
    expect(lnsUri('eu1.cloud.thethings.industries')).toBe('wss://eu1.cloud.thethings.industries:8887');
    expect(lnsUri('eu1.cloud.thethings.industries:443')).toBe('wss://eu1.cloud.thethings.industries:443');
    expect(lnsUri('ws://host')).toBe('ws://host:1887');
    expect(parseAddress('wss', 'https://h')).toMatchObject({ scheme: 'https', host: 'h', port: '443', portGiven: false });
  });

  it('reads tc.key files and finds deployments by host and port', () => {
    expect(parseTokenFile('Authorization: Bearer NNSXS.A.B\r\n')).toBe('NNSXS.A.B');
    expect(parseTokenFile('garbage')).toBeUndefined();
    const ds = [
      { clusterHost: '127.0.0.1:1000', clusterPort: 1000, n: 1 },
      { clusterHost: 'eu1.example:443', clusterPort: 2000, n: 2 },
    ];
    expect(findByAddress(ds, 'wss://127.0.0.1:1000')?.n).toBe(1);
    expect(findByAddress(ds, 'eu1.example')?.n).toBe(2);
    expect(findByAddress(ds, 'eu1.example:2000')?.n).toBe(2);
    expect(findByAddress(ds, '127.0.0.1:3000')).toBeUndefined();
  });
});

describe('Gateway validator and decoding', () => {
  it('checks ids, frequency plans, attributes and the server address pattern', () => {
    const check = (g: object) => gatewayCheck(decodeGateway(g as never, 'gateway'), undefined)?.attributes.field;
    expect(check({ ids: { gateway_id: 'gw-1', eui: '58a0cbfffe800001' } })).toBeUndefined();
    expect(decodeGateway({ ids: { gateway_id: 'gw-1', eui: '58a0cbfffe800001' } }, 'g')?.ids).toEqual({ gateway_id: 'gw-1', eui: '58A0CBFFFE800001' });
    expect(check({ ids: { gateway_id: 'g' } })).toBe('ids');
    expect(check({ ids: { gateway_id: 'gw-1' }, frequency_plan_ids: Array(9).fill('EU_863_870') })).toBe('frequency_plan_ids');
    expect(check({ ids: { gateway_id: 'gw-1' }, attributes: { Bad: 'x' } })).toBe('attributes[Bad]');
    expect(check({ ids: { gateway_id: 'gw-1' }, gateway_server_address: 'wss://eu1.cloud:8887' })).toBeUndefined();
    expect(check({ ids: { gateway_id: 'gw-1' }, gateway_server_address: 'http s://x' })).toBe('gateway_server_address');
    expect(() => decodeGateway({ ids: { eui: 'XYZ' } }, 'g')).toThrow();
  });
});

describe('rate-limit entities (grpcEntityFromRequest)', () => {
  it('keys gateway methods on gateway:<id>, lists, key deletes and claims on none', () => {
    expect(gatewayEntity('GatewayRegistry.Get', { gtw: 'a' }, undefined)).toBe('gateway:a');
    expect(gatewayEntity('GatewayRegistry.Create', {}, { gateway: { ids: { gateway_id: 'new' } } })).toBe('gateway:new');
    expect(gatewayEntity('GatewayRegistry.Create', {}, {})).toBe('gateway:_');
    expect(gatewayEntity('GatewayRegistry.List', {}, undefined)).toBe('');
    expect(gatewayEntity('GatewayAccess.DeleteAPIKey', { gtw: 'a' }, undefined)).toBe('');
    expect(gatewayEntity('Gs.GetGatewayConnectionStats', { gtw: 'a' }, undefined)).toBe('gateway:a');
    expect(gatewayEntity('GatewayClaimingServer.Claim', {}, {})).toBe('');
    expect(gatewayEntity('GatewayClaimingServer.Unclaim', { gtw: 'a' }, undefined)).toBe('gateway:a');
    expect(gatewayEntity('ApplicationRegistry.Get', { app: 'x' }, undefined)).toBeUndefined();
  });
});
