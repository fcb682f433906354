// The Things Gateway Controller as the Gateway Claiming Server's upstream sees it
// (pkg/deviceclaimingserver/gateways/ttgc/ttgc.go): Claim with the owner token, Unclaim
// (NotFound counts as done), IsManagedGateway always true; a gateway is claimable when its EUI
// is in the controller's ranges (gateways.go Upstream.Claimer), here: when it is listed.
// The northbound API is closed source: the refusals below are the simulator's stand-ins.
import type { ControlledGateway, GatewayController } from './gateway-types.js';
import { SimError } from './errors.js';

export class SimGatewayController implements GatewayController {
  private readonly tokens = new Map<string, string>();
  private readonly claims = new Map<string, string>();

  constructor(gateways: readonly ControlledGateway[]) {
    for (const g of gateways) {
      if (!/^[0-9A-Fa-f]{16}$/.test(g.eui)) throw new Error(`invalid gateway EUI ${g.eui}`);
      this.tokens.set(g.eui.toUpperCase(), g.ownerToken);
    }
  }

  /** Upstream.Claimer(eui) != nil. */
  supports(eui: string): boolean {
    return this.tokens.has(eui.toUpperCase());
  }

  claimedBy(eui: string): string | undefined {
    return this.claims.get(eui.toUpperCase());
  }

  markClaimed(eui: string, deploymentUrl: string): void {
    if (!this.supports(eui)) throw new Error(`gateway ${eui} is not managed by this controller`);
    this.claims.set(eui.toUpperCase(), deploymentUrl);
  }

  /** GatewayService.Claim: the owner token must match; a gateway claimed by another deployment is refused. */
  claim(eui: string, ownerToken: string, deploymentUrl: string): void {
    const want = this.tokens.get(eui.toUpperCase());
    if (want === undefined || want !== ownerToken) {
      throw new SimError(7, 'pkg/ttgc', 'owner_token', 'invalid owner token for gateway `{eui}`', { eui: eui.toUpperCase() });
    }
    const holder = this.claims.get(eui.toUpperCase());
    if (holder !== undefined && holder !== deploymentUrl) {
      throw new SimError(6, 'pkg/ttgc', 'gateway_claimed', 'gateway `{eui}` is claimed by another domain', { eui: eui.toUpperCase() });
    }
    this.claims.set(eui.toUpperCase(), deploymentUrl);
  }

  /** GatewayService.Unclaim: only the holder releases; otherwise NotFound, which ttgc.go treats as done. */
  unclaim(eui: string, deploymentUrl: string): void {
    if (this.claims.get(eui.toUpperCase()) === deploymentUrl) this.claims.delete(eui.toUpperCase());
  }
}

export function createGatewayController(gateways: ControlledGateway[]): GatewayController {
  return new SimGatewayController(gateways);
}
