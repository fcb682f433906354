// Public types of the simulated The Things Stack. Others code against these:
// change them only together with the lead.
import type { GatewayController, GatewaySimulator } from './gateway-types.js';

/** A right of api/ttn/lorawan/v3/rights.proto, e.g. 'RIGHT_APPLICATION_DEVICES_READ'. */
export type Right = string;

export interface Faults {
  /** Added before every API response (simulates round-trip time). */
  latencyMs?: number;
  /** 0..1: share of API requests answered 502/503/504. */
  errorRate?: number;
  /** 0..1: share of API requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** The next N API requests are answered 429 (with the rate-limit headers). */
  burst429?: { requests: number };
  /**
   * 0..1: share of JS/NS/AS Set and IS update requests answered
   * `pkg/redis:transaction_failed` (Aborted, code 10, HTTP 409) without
   * applying the write, as when a concurrent write wins the Redis transaction.
   */
  abortRate?: number;
}

/**
 * One rate-limiting profile (pkg/config RateLimitingProfile): at most
 * `maxPerMin` per minute with bursts of `maxBurst` (default maxPerMin), applied
 * to the resource classes named in `associations`, e.g. 'grpc:method',
 * 'grpc:method:/ttn.lorawan.v3.EndDeviceRegistry/Get', 'grpc:stream:accept'.
 */
export interface RateLimitProfile {
  maxPerMin: number;
  maxBurst?: number;
  associations: string[];
}

/** The rate-limiting configuration: a resource takes the profile of its first class that has one. */
export interface RateLimitOptions {
  profiles: RateLimitProfile[];
}

/** Server addresses as an application names them (host, host:port or URL). */
export interface ServerAddresses {
  network_server_address?: string;
  application_server_address?: string;
  join_server_address?: string;
}

export interface UserApiKeyOptions {
  /** The key's rights: user, application or any other rights (RIGHT_ALL, RIGHT_USER_ALL, RIGHT_APPLICATION_...). */
  rights: Right[];
  /** The user is an admin (default false). */
  admin?: boolean;
  /** The user's primary e-mail address is validated (default true). */
  emailValidated?: boolean;
  /** Collaborator rights of the user per application id. */
  applications?: Record<string, Right[]>;
  /** Collaborator rights of the user per gateway id (the gateway must exist). */
  gateways?: Record<string, Right[]>;
}

export interface SimulatorOptions {
  /** 0 or absent: a random free port. The server always binds 127.0.0.1. */
  port?: number;
  /** host:port used in the JS/NS/AS addresses; default the cluster server's `127.0.0.1:<port>`. */
  clusterHost?: string;
  /**
   * Serve JS/NS/AS on a second server (another port), as on nam1/au1 where the
   * Identity Server is on eu1: `url` is then the IS only, `clusterUrl` the cluster.
   */
  separateCluster?: boolean;
  /** DevAddr block, e.g. '260B0000/16' (default). */
  devAddrPrefix?: string;
  /** Rate-limiting profiles (pkg/ratelimit); absent = unlimited. */
  rateLimit?: RateLimitOptions;
  faults?: Faults;
  /** Enables the /sim admin routes (default false). */
  adminRoutes?: boolean;
  /** PRNG for determinism in tests (faults, DevAddr allocation). */
  random?: () => number;
  /**
   * Rate-limit DownlinkQueuePush/Replace per end device (`end device:<app>.<dev>`), as v3.32
   * does (DownlinkQueueRequest is an IDStringer). Default false: per application
   * (`application:<app>`), as since v3.35.2 ("applied at the application level instead of per-device").
   */
  downlinkRateLimitPerDevice?: boolean;
  /** AS `formatters.max-parameter-length` in bytes (default 40960, v3.32; 3.35 raised the codec limit to 64 KB). */
  formatterMaxParameterLength?: number;
  /** AS `pubsub.providers` (default: both enabled). */
  pubsubProviders?: { mqtt?: PubSubProviderStatus; nats?: PubSubProviderStatus };
  /** AS MQTT frontend public addresses (default `localhost:1883` / `localhost:8883`, the open-source defaults). */
  mqtt?: { publicAddress?: string; publicTlsAddress?: string };
  /** A The Things Stack Cloud tenant id: MQTT usernames become `<app>@<tenant>`. Absent: open source (`<app>`). */
  tenantId?: string;
  /** Cloud plan limit on applications: creating one more answers `tenant_entity_limit`. Absent: unlimited. */
  maxApplications?: number;
  /** Cloud plan limit on gateways: creating one more answers `tenant_entity_limit`. Absent: unlimited. */
  maxGateways?: number;
  /** IS `user-rights.create-gateways` (default true); false: only admins create gateways under a user. */
  userRightsCreateGateways?: boolean;
  /** The Gateway Claiming Server's upstream; absent: no EUI supports claiming. */
  gatewayController?: GatewayController;
  /** CUPS `allow-cups-uri-update` (default false): a gateway's `target_cups_uri` moves its station. */
  allowCupsUriUpdate?: boolean;
}

/** A pub/sub provider's status in the AS configuration (`enabled`, `warning`, `disabled`). */
export type PubSubProviderStatus = 'enabled' | 'warning' | 'disabled';

export type RouteName =
  | 'auth_info'
  | 'app.get'
  | 'app.rights'
  | 'app.list'
  | 'is.list'
  | 'is.get'
  | 'is.create'
  | 'is.update'
  | 'is.delete'
  | 'js.get'
  | 'js.set'
  | 'js.delete'
  | 'ns.get'
  | 'ns.set'
  | 'ns.delete'
  | 'as.get'
  | 'as.set'
  | 'as.delete'
  | 'ns.dev_addr'
  | 'events'
  | 'as.down.push'
  | 'as.down.replace'
  | 'as.down.list'
  | 'app.create'
  | 'app.update'
  | 'app.list.user'
  | 'app.list.organization'
  | 'app.api_keys.list'
  | 'app.api_keys.get'
  | 'app.api_keys.create'
  | 'app.api_keys.update'
  | 'app.api_keys.delete'
  | 'app.collaborators.list'
  | 'as.link.get'
  | 'as.link.set'
  | 'as.link.delete'
  | 'as.link.stats'
  | 'as.configuration'
  | 'as.mqtt_info'
  | 'as.webhooks.list'
  | 'as.webhooks.get'
  | 'as.webhooks.set'
  | 'as.webhooks.delete'
  | 'as.webhook_templates.list'
  | 'as.webhook_templates.get'
  | 'as.webhook_formats'
  | 'as.pubsub.list'
  | 'as.pubsub.get'
  | 'as.pubsub.set'
  | 'as.pubsub.delete'
  | 'as.pubsub_formats'
  | 'as.packages.list'
  | 'as.packages.associations.list'
  | 'as.packages.associations.get'
  | 'as.packages.associations.set'
  | 'as.packages.associations.delete'
  | 'as.packages.defaults.list'
  | 'as.packages.defaults.get'
  | 'as.packages.defaults.set'
  | 'as.packages.defaults.delete'
  | 'gtw.list'
  | 'gtw.list.user'
  | 'gtw.list.organization'
  | 'gtw.get'
  | 'gtw.create'
  | 'gtw.update'
  | 'gtw.delete'
  | 'gtw.rights'
  | 'gtw.api_keys.list'
  | 'gtw.api_keys.get'
  | 'gtw.api_keys.create'
  | 'gtw.api_keys.update'
  | 'gtw.api_keys.delete'
  | 'gtw.collaborators.list'
  | 'gs.connection_stats'
  | 'gs.connection_stats.batch'
  | 'gcls.claim'
  | 'gcls.info'
  | 'gcls.unclaim';

// The brief's contract types the parts loosely, for assertions in tests.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface DeviceParts {
  is?: any;
  js?: any;
  ns?: any;
  as?: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface JoinResult {
  accepted: boolean;
  devAddr?: string;
  reason?: string;
  /** The JoinNonce the Join Server answered (absent when it did not accept). */
  joinNonce?: number;
  /** The DevNonce the device sent (absent when no join-request reached the Join Server). */
  devNonce?: number;
}

/** What the physical device does in simulateJoin. */
export interface JoinOptions {
  /** Legacy name of `key`. */
  appKey?: string;
  /** The root key the device signs the join-request with (hex); absent: the key the JS uses. */
  key?: string;
  /** The DevNonce sent; absent: one the JS has not seen (last_dev_nonce + 1). */
  devNonce?: number;
  /** LoRaWAN 1.0.4/1.1 devices drop a Join-Accept whose JoinNonce is not greater than this. */
  deviceLastJoinNonce?: number;
}

/** A scripted failure: HTTP status, and the TTS error (namespace/name, gRPC code) in the body. */
export interface FailNextOptions {
  status: number;
  code?: number;
  namespace?: string;
  name?: string;
  times?: number;
}

/** The application downlink the device received in the RX window after an uplink (payload decrypted). */
export interface ReceivedDownlink {
  fPort: number;
  /** FRMPayload, hex upper case ('' when empty). */
  payloadHex: string;
  correlationIds: string[];
}

export interface UplinkResult {
  delivered: boolean;
  reason?: string;
  /** The queued downlink the Network Server sent in this uplink's RX window, if any. */
  downlink?: ReceivedDownlink;
}

export interface SeedOptions {
  seed?: number;
  idPrefix?: string;
  mix?: 'mixed' | 'otaa' | 'abp' | 'varied';
  /** 0..1: share of devices (mixed/otaa/abp mixes) with version_ids (brand/model); default 0.3. */
  modelShare?: number;
}

export interface Simulator extends GatewaySimulator {
  /** 'http://127.0.0.1:<port>': the Identity Server base URL; the API lives under `${url}/api/v3`. */
  readonly url: string;
  readonly port: number;
  /** The JS/NS/AS base URL: `url` unless `separateCluster`. */
  readonly clusterUrl: string;
  /** host:port of the cluster (JS/NS/AS), used as the applications' default server addresses. */
  readonly clusterHost: string;
  /** Closes both servers. */
  close(): Promise<void>;
  addApplication(id: string, opts?: { name?: string; description?: string; serverAddresses?: ServerAddresses }): void;
  createApiKey(applicationId: string, rights: Right[], opts?: { id?: string }): string;
  /** An API key of a user (created on first use); see UserApiKeyOptions. */
  createUserApiKey(userId: string, opts: UserApiKeyOptions): string;
  seedDevices(applicationId: string, count: number, opts?: SeedOptions): string[];
  inspect(applicationId: string, deviceId: string): DeviceParts | undefined;
  listDeviceIds(applicationId: string): string[];
  counters(): Record<string, number>;
  writeCount(): number;
  resetCounters(): void;
  setFaults(f: Faults): void;
  setRateLimit(r: RateLimitOptions | undefined): void;
  failNext(route: RouteName, opts: { status: number; code?: number; namespace?: string; name?: string; times?: number }): void;
  simulateJoin(
    applicationId: string,
    deviceId: string,
    opts?: { appKey?: string; key?: string; devNonce?: number; deviceLastJoinNonce?: number },
  ): JoinResult;
  /**
   * An uplink; `gatewayIds` are the gateways that heard it (the NS records them in
   * `mac_state.recent_uplinks`; without them nothing is recorded there).
   */
  simulateUplink(applicationId: string, deviceId: string, opts?: { gatewayIds?: string[] }): UplinkResult;
  /**
   * What the physical device holds, as programmed (read from this deployment's Join
   * Server): the root key it signs its joins with, and its nonce memory. Undefined when the
   * JS has no record of it.
   */
  deviceState(applicationId: string, deviceId: string): { key?: string; lastDevNonce: number; lastJoinNonce: number } | undefined;
  /** The device registered with these EUIs on this deployment (the Identity Server's EUI index). */
  findDevice(joinEui: string, devEui: string): { applicationId: string; deviceId: string } | undefined;
  /** An organization; `members` are user ids with their rights in it (users are created when absent). */
  addOrganization(id: string, opts?: { members?: Record<string, Right[]> }): void;
  /** An API key of an organization (organization, application or other rights). */
  createOrganizationApiKey(organizationId: string, rights: Right[]): string;
  /** Changes the AS `pubsub.providers` statuses (absent providers become enabled). */
  setPubSubProviders(providers: { mqtt?: PubSubProviderStatus; nats?: PubSubProviderStatus }): void;
  /**
   * Gives an application what a real one carries besides its devices: a JavaScript
   * formatter link, three webhooks (template ids/fields, secret headers, a downlink
   * API key), an MQTT pub/sub, a default package association and per-device ones.
   */
  seedIntegrations(applicationId: string, opts?: SeedIntegrationsOptions): SeededIntegrations;
  /** The application's IS record and AS settings as stored (deep copies), or undefined. */
  inspectApplication(applicationId: string): ApplicationParts | undefined;
}

export interface SeedIntegrationsOptions {
  /** Devices that get a per-device package association (default: the first two of the application). */
  devices?: string[];
  /** Skip parts: e.g. `{ pubsub: false }`. */
  link?: boolean;
  webhooks?: boolean;
  pubsub?: boolean;
  packages?: boolean;
}

/** What seedIntegrations stored, with every secret it put in (for tests that scan for leaks). */
export interface SeededIntegrations {
  webhookIds: string[];
  pubsubIds: string[];
  defaultAssociationFPorts: number[];
  deviceAssociations: { deviceId: string; fPort: number }[];
  /** Header values, template field values, the downlink API key, MQTT password, package tokens. */
  secrets: string[];
}

// Stored JSON, typed loosely for assertions in tests.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ApplicationParts {
  application: any;
  /** Collaborators: user and organization ids with their rights (the smallest set implying them, e.g. RIGHT_ALL). */
  collaborators: { users: Record<string, string[]>; organizations: Record<string, string[]> };
  link?: any;
  webhooks: any[];
  pubsubs: any[];
  defaultAssociations: any[];
  deviceAssociations: any[];
}
/* eslint-enable @typescript-eslint/no-explicit-any */
