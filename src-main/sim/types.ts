// Public types of the simulated The Things Stack. Others code against these:
// change them only together with the lead.

/** An application right, e.g. 'RIGHT_APPLICATION_DEVICES_READ'. */
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
}

export interface RateLimitOptions {
  limit: number;
  periodSeconds: number;
}

export interface SimulatorOptions {
  /** 0 or absent: a random free port. The server always binds 127.0.0.1. */
  port?: number;
  /** host:port used in the JS/NS/AS addresses; default `127.0.0.1:<port>`. */
  clusterHost?: string;
  /** DevAddr block, e.g. '260B0000/16' (default). */
  devAddrPrefix?: string;
  /** Token bucket per API key over all API routes; absent = unlimited. */
  rateLimit?: RateLimitOptions;
  faults?: Faults;
  /** Enables the /sim admin routes (default false). */
  adminRoutes?: boolean;
  /** PRNG for determinism in tests (faults, DevAddr allocation). */
  random?: () => number;
}

export type RouteName =
  | 'auth_info'
  | 'app.get'
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
  | 'events';

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
}

export interface UplinkResult {
  delivered: boolean;
  reason?: string;
}

export interface SeedOptions {
  seed?: number;
  idPrefix?: string;
  mix?: 'mixed' | 'otaa' | 'abp';
}

export interface Simulator {
  /** 'http://127.0.0.1:<port>': the IS and cluster base URL; the API lives under `${url}/api/v3`. */
  readonly url: string;
  readonly port: number;
  readonly clusterHost: string;
  close(): Promise<void>;
  addApplication(id: string, opts?: { name?: string; description?: string }): void;
  createApiKey(applicationId: string, rights: Right[], opts?: { id?: string }): string;
  seedDevices(applicationId: string, count: number, opts?: SeedOptions): string[];
  inspect(applicationId: string, deviceId: string): DeviceParts | undefined;
  listDeviceIds(applicationId: string): string[];
  counters(): Record<string, number>;
  writeCount(): number;
  resetCounters(): void;
  setFaults(f: Faults): void;
  setRateLimit(r: RateLimitOptions | undefined): void;
  failNext(route: RouteName, opts: { status: number; code?: number; times?: number }): void;
  simulateJoin(applicationId: string, deviceId: string, opts?: { appKey?: string }): JoinResult;
  simulateUplink(applicationId: string, deviceId: string): UplinkResult;
}
