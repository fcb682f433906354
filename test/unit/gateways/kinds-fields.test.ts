import { describe, expect, it } from 'vitest';
import { actionOf, classify } from '../../../src-main/gateways/kinds';
import { serverAddressOf, targetGateway } from '../../../src-main/gateways/fields';
import { servingGateways } from '../../../src-main/gateways/gate';
import { gatewayStatus } from '../../../src-main/gateways/status';
import type { GatewayPlanEntry } from '../../../src-main/gateways/schema';

const gw = (extra: Record<string, unknown> = {}): { ids: { gateway_id: string; eui: string } } & Record<string, unknown> => ({ ids: { gateway_id: 'gw-one', eui: '58A0CBFFFE800001' }, ...extra });

describe('classify: what the registry tells', () => {
  it('a gateway with the attributes CUPS writes is a CUPS station; an Indoor Gateway model is a TTIG', () => {
    expect(classify({ gateway: gw({ attributes: { 'cups-last-seen': '2026-11-30T10:00:00Z' } }) }).kind).toBe('cups');
    expect(classify({ gateway: gw({ attributes: { 'cups-last-seen': 'x' }, version_ids: { model_id: 'the-things-indoor-gateway' } }) }).kind).toBe('ttig');
    expect(classify({ gateway: gw({ attributes: { 'cups-last-seen': 'x', 'cups-model': 'TTIG Pro' } }) }).kind).toBe('cups');
  });

  it('without CUPS: managed → claimable, the Gateway Server protocol, authenticated → LNS, else unknown', () => {
    expect(classify({ gateway: gw(), claim: { supportsClaiming: true, isManaged: true } }).kind).toBe('claimable');
    expect(classify({ gateway: gw(), stats: { protocol: 'udp' } }).kind).toBe('udp');
    expect(classify({ gateway: gw(), stats: { protocol: 'ws' } }).kind).toBe('lns');
    expect(classify({ gateway: gw({ require_authenticated_connection: true }) }).kind).toBe('lns');
    expect(classify({ gateway: gw() }).kind).toBe('unknown');
  });

  it('an LNS key alone does not make a CUPS station (the Console stores one for LNS-only stations)', () => {
    expect(classify({ gateway: gw({ lbs_lns_secret: { value: 'eA==' } }), stats: { protocol: 'ws' } }).kind).toBe('lns');
  });

  it('actions per kind; a claimable gateway without its owner token is done by hand', () => {
    expect([actionOf('cups', false), actionOf('ttig', false), actionOf('lns', false), actionOf('udp', false), actionOf('unknown', false)]).toEqual(['repoint', 'repoint', 'lns-files', 'udp-sheet', 'udp-sheet']);
    expect([actionOf('claimable', false), actionOf('claimable', true)]).toEqual(['manual', 'claim']);
  });
});

describe('targetGateway: what the target gets', () => {
  const source = gw({
    name: 'Roof', description: 'north side', attributes: { site: 'hq', 'cups-last-seen': 't', 'cups-station': '2.0.6' },
    frequency_plan_ids: ['EU_863_870_TTN'], antennas: [{ gain: 3, location: { latitude: 52, longitude: 4, altitude: 10 } }],
    gateway_server_address: 'eu1.cloud.thethings.network', lbs_lns_secret: { value: 'c2VjcmV0' }, administrative_contact: { user_ids: { user_id: 'someone' } },
    enforce_duty_cycle: true, require_authenticated_connection: true, created_at: '2020-01-01T00:00:00Z',
  });

  it('keeps the EUI, name, description, the user\'s attributes, antennas, frequency plans and settings; never the server\'s attributes, secrets, contacts or timestamps', () => {
    const t = targetGateway(source, 'gw-one', 'acme.eu1.cloud.thethings.industries', 'cups');
    expect(t).toMatchObject({
      ids: { gateway_id: 'gw-one', eui: '58A0CBFFFE800001' }, name: 'Roof', description: 'north side', attributes: { site: 'hq' },
      frequency_plan_ids: ['EU_863_870_TTN'], enforce_duty_cycle: true, require_authenticated_connection: true,
      gateway_server_address: 'acme.eu1.cloud.thethings.industries',
    });
    expect(t.antennas).toEqual(source.antennas);
    for (const gone of ['lbs_lns_secret', 'administrative_contact', 'created_at']) expect(t).not.toHaveProperty(gone);
    expect(Object.keys(t.attributes as object)).toEqual(['site']);
  });

  it('a UDP forwarder must be accepted unauthenticated on the target', () => {
    expect(targetGateway(source, 'gw-one', 'x', 'udp').require_authenticated_connection).toBe(false);
  });

  it('the Gateway Server address is the cluster host (with a port only where not the default)', () => {
    expect(serverAddressOf('https://acme.eu1.cloud.thethings.industries')).toBe('acme.eu1.cloud.thethings.industries');
    expect(serverAddressOf('http://127.0.0.1:41234')).toBe('127.0.0.1:41234');
  });
});

describe('servingGateways', () => {
  it('names the gateways of the recent uplinks, once each, without Packet Broker\'s', () => {
    const device = { mac_state: { recent_uplinks: [
      { rx_metadata: [{ gateway_ids: { gateway_id: 'gw-b' } }, { gateway_ids: { gateway_id: 'packet-broker' }, packet_broker: {} }] },
      { rx_metadata: [{ gateway_ids: { gateway_id: 'gw-a' } }, { gateway_ids: { gateway_id: 'gw-b' } }] },
    ] } };
    expect(servingGateways(device)).toEqual(['gw-a', 'gw-b']);
    expect(servingGateways({})).toEqual([]);
  });
});

describe('gatewayStatus', () => {
  const entry: GatewayPlanEntry = {
    id: 'gw-one', frequencyPlanIds: [], kind: 'cups', kindReason: '', action: 'repoint', status: 'ready', blockers: [], warnings: [], steps: [], sourceAfter: '', manual: [],
  };
  it('a re-pointed gateway waits, with the time it was re-pointed; a failed one says why', () => {
    expect(gatewayStatus(entry, undefined).state).toBe('pending');
    expect(gatewayStatus(entry, { step: 'gw-repointed', facts: {}, history: [], gw: { since: 5 } })).toMatchObject({ state: 'waiting', since: 5 });
    expect(gatewayStatus(entry, { step: 'gw-failed', facts: {}, history: [], error: 'no' })).toMatchObject({ state: 'failed', error: 'no' });
    expect(gatewayStatus(entry, { step: 'gw-connected', facts: {}, history: [], gw: { connectedAt: 't', protocol: 'ws' } })).toMatchObject({ state: 'connected', protocol: 'ws' });
  });
});
