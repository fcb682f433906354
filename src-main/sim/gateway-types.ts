// Public types of the simulated gateway side of The Things Stack: the Identity Server's gateway
// registry, the Gateway Server's connection stats, the Gateway Claiming Server with its upstream
// (The Things Gateway Controller), and physical gateways ("stations") that connect to a
// deployment. Others code against these: change them only together with the lead.
import type { Right, Simulator } from './types.js';

/** Who a seeded gateway belongs to: its collaborator with RIGHT_ALL, and its default contacts. */
export type GatewayOwner = { userId: string } | { organizationId: string };

export interface GatewaySeed {
  /**
   * The Gateway as the API takes it in a create (`ids.gateway_id`, `ids.eui` hex, `name`,
   * `frequency_plan_ids`, `gateway_server_address`, `antennas`, `attributes`,
   * `lbs_lns_secret: { value: <base64> }`, `require_authenticated_connection`, …),
   * validated as the Identity Server validates a create.
   */
  gateway: Record<string, unknown>;
  owner: GatewayOwner;
  /**
   * The gateway talks to this deployment's CUPS: the attributes CUPS writes on each update-info
   * (`cups-last-seen`, `cups-station`, `cups-model`, `cups-package`) are present.
   */
  cups?: { station?: string; model?: string; package?: string };
}

/** One gateway of The Things Gateway Controller: its EUI and the owner token on its label. */
export interface ControlledGateway {
  eui: string;
  ownerToken: string;
}

/**
 * The Things Gateway Controller, shared by every deployment that claims through it (pass the same
 * object to each simulator's `gatewayController` option): it knows which deployment holds each
 * managed gateway.
 */
export interface GatewayController {
  /** The deployment (Simulator.url) a managed gateway is claimed on, or undefined. */
  claimedBy(eui: string): string | undefined;
  /** Claims a gateway for a deployment outside the API (seeding: it is claimed on the source). */
  markClaimed(eui: string, deploymentUrl: string): void;
}

export interface GatewayApiKeyView {
  id: string;
  name?: string;
  rights: Right[];
}

export interface GatewaySimulator {
  /** Stores a gateway as after a create under `owner` (throws on what the IS would refuse). */
  addGateway(seed: GatewaySeed): void;
  /** The stored Gateway JSON (deep copy; `lbs_lns_secret.value` base64), or undefined (also when deleted). */
  inspectGateway(gatewayId: string): Record<string, unknown> | undefined;
  /** Ids of the gateways not deleted, sorted. */
  listGatewayIds(): string[];
  /** The gateway's API keys (never the secret). */
  gatewayApiKeys(gatewayId: string): GatewayApiKeyView[];
  /** An API key of the gateway (as `POST /gateways/{id}/api-keys` would make it); the secret. */
  createGatewayApiKey(gatewayId: string, rights: Right[]): string;
  /** What `GET /gs/gateways/{id}/connection/stats` answers on this deployment, or undefined when not connected. */
  gatewayConnection(gatewayId: string): Record<string, unknown> | undefined;
}

export type StationKind = 'cups' | 'lns' | 'udp';

export interface StationSpec {
  eui: string;
  kind: StationKind;
  /**
   * cups: the deployment whose CUPS the station asks (it connects wherever CUPS sends it);
   * lns and udp: the deployment it connects to until the user installs another address.
   */
  home: Simulator;
  /** cups: time between two CUPS update-info requests (ms, default 1000). */
  cupsEveryMs?: number;
  /** cups: its `cups.key`; lns: its `tc.key` (a gateway API key of `home`). Made on `add` when absent. */
  key?: string;
}

export interface StationView {
  /** The `clusterHost` of the deployment whose Gateway Server holds its connection, if any. */
  connectedTo?: string;
  protocol?: 'ws' | 'udp';
  /** Date.now() of its last CUPS answer. */
  lastCupsAt?: number;
  /** Why it is not connected, in the server's words (e.g. `lns_credentials_not_found`, unauthenticated). */
  error?: string;
}

export interface Stations {
  add(spec: StationSpec): void;
  view(eui: string): StationView | undefined;
  /** What the user does for an LNS-only Basic Station: installs `tc.uri` and `tc.key` (the file's content). */
  installLns(eui: string, tcUri: string, tcKey: string): void;
  /** What the user does for a UDP packet forwarder: edits `server_address` and the ports. */
  setUdpServer(eui: string, serverAddress: string, portUp: number): void;
  /** A reboot: a CUPS station asks CUPS now, any station reconnects. */
  reboot(eui: string): void;
  stop(): void;
}
