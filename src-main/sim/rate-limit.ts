// Rate limits as The Things Stack applies them to its API (pkg/ratelimit):
// profiles (config.go NewProfile) associated with resource classes, chosen by
// the first class of a resource that has a profile (rate_limit.go
// muxRateLimiter), each a GCRA limiter over its own in-memory store
// (github.com/throttled/throttled/v2 rate.go GCRARateLimiterCtx, v2.12.0,
// store/memstore: an LRU of 4096 keys), with the headers of result.go.
import type { RateLimitOptions, RateLimitProfile } from './types.js';

/** A rate-limited resource (pkg/ratelimit/resource.go Resource). */
export interface Resource {
  key: string;
  classes: readonly string[];
}

/** pkg/ratelimit/result.go Result; durations in nanoseconds. */
export interface RateLimitResult {
  limited: boolean;
  limit: number;
  remaining: number;
  resetAfterNs: number;
  retryAfterNs: number;
}

/** pkg/ratelimit/config.go defaultMaxSize: the memstore keeps this many keys (LRU). */
export const STORE_MAX_KEYS = 1 << 12;

const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;
const NS_PER_MIN = 60 * NS_PER_S;

/** A key/value store with least-recently-used eviction (hashicorp/golang-lru as memstore uses it). */
class LruStore {
  private readonly map = new Map<string, number>();

  constructor(private readonly maxKeys: number) {}

  /** Get refreshes recency, as lru.Cache.Get does. */
  get(key: string): number | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: number): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxKeys) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * One profile: throttled's GCRA with MaxRate = PerMin(maxPerMin) and
 * MaxBurst = maxBurst - 1 (pkg/ratelimit/config.go NewProfile; maxBurst
 * defaults to maxPerMin). Times are nanoseconds since the limiter was made.
 */
export class GcraLimiter {
  /** throttled: emissionInterval = time.Minute / n (integer division). */
  readonly emissionIntervalNs: number;
  /** throttled: delayVariationTolerance = emissionInterval * (MaxBurst + 1). */
  readonly toleranceNs: number;
  /** throttled: limit = MaxBurst + 1, i.e. the configured max-burst. */
  readonly limit: number;
  private readonly store: LruStore;

  constructor(
    readonly profile: RateLimitProfile,
    private readonly nowNs: () => number,
    maxKeys = STORE_MAX_KEYS,
  ) {
    const { maxPerMin } = profile;
    // config.go: MaxPerMin 0 is refused (invalid_rate); both are uints.
    if (!Number.isInteger(maxPerMin) || maxPerMin <= 0) throw new Error(`invalid rate ${maxPerMin}: maxPerMin must be a positive integer`);
    const maxBurst = profile.maxBurst === undefined || profile.maxBurst === 0 ? maxPerMin : profile.maxBurst;
    if (!Number.isInteger(maxBurst) || maxBurst < 0) throw new Error(`invalid maxBurst ${maxBurst}`);
    this.emissionIntervalNs = Math.floor(NS_PER_MIN / maxPerMin);
    this.limit = maxBurst;
    this.toleranceNs = this.emissionIntervalNs * maxBurst;
    this.store = new LruStore(maxKeys);
  }

  /** throttled GCRARateLimiterCtx.RateLimitCtx(key, 1). */
  take(key: string): RateLimitResult {
    const now = this.nowNs();
    const stored = this.store.get(key);
    const tat = stored ?? now;
    const increment = this.emissionIntervalNs;
    const newTat = now > tat ? now + increment : tat + increment;
    const allowAt = newTat - this.toleranceNs;
    const diff = now - allowAt;
    let retryAfterNs = -1;
    let ttl: number;
    let limited = false;
    if (diff < 0) {
      if (increment <= this.toleranceNs) {
        retryAfterNs = -diff;
        ttl = tat - now;
      } else ttl = 0;
      limited = true;
    } else {
      ttl = newTat - now;
      this.store.set(key, newTat);
    }
    const next = this.toleranceNs - ttl;
    const remaining = next > -this.emissionIntervalNs ? Math.trunc(next / this.emissionIntervalNs) : 0;
    return { limited, limit: this.limit, remaining, resetAfterNs: ttl, retryAfterNs };
  }

  /** What an exhausted bucket answers (for injected 429s): nothing left, full reset, one interval to wait. */
  exhausted(): RateLimitResult {
    return { limited: true, limit: this.limit, remaining: 0, resetAfterNs: this.toleranceNs, retryAfterNs: this.emissionIntervalNs };
  }

  get keys(): number {
    return this.store.size;
  }
}

/** result.go SetHTTPHeaders: durations in whole seconds, truncated (Go integer division). */
export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(r.limit),
    'X-Rate-Limit-Available': String(r.remaining),
    'X-Rate-Limit-Reset': String(Math.trunc(r.resetAfterNs / NS_PER_S)),
    'X-Rate-Limit-Retry': String(Math.trunc(r.retryAfterNs / NS_PER_S)),
  };
}

/**
 * pkg/ratelimit/rate_limit.go muxRateLimiter: a profile per association
 * (class); a resource is limited by the profile of its first class that has
 * one, and not at all when none has (NoopRateLimiter, zero Result, no headers).
 * Profiles without associations are skipped; an association named twice
 * belongs to the later profile (config.go New fills a map).
 */
export class RateLimiter {
  private readonly byClass = new Map<string, GcraLimiter>();
  private readonly base: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
    maxKeys = STORE_MAX_KEYS,
  ) {
    if (!options || !Array.isArray(options.profiles)) throw new Error('rate limit options need a list of profiles');
    this.base = now();
    const nowNs = () => Math.round((this.now() - this.base) * NS_PER_MS);
    for (const profile of options.profiles) {
      if (!profile.associations || profile.associations.length === 0) continue;
      const limiter = new GcraLimiter(profile, nowNs, maxKeys);
      for (const assoc of profile.associations) this.byClass.set(assoc, limiter);
    }
  }

  /** The profile limiter of a resource, if any of its classes has one. */
  limiterFor(resource: Resource): GcraLimiter | undefined {
    for (const c of resource.classes) {
      const limiter = this.byClass.get(c);
      if (limiter) return limiter;
    }
    return undefined;
  }

  /** RateLimit(resource): undefined when no profile matched (no limit, no headers). */
  take(resource: Resource): RateLimitResult | undefined {
    return this.limiterFor(resource)?.take(resource.key);
  }
}

/** The gRPC package of every service the simulator serves. */
const PACKAGE = 'ttn.lorawan.v3';

export function fullMethod(rpc: string): string {
  const dot = rpc.indexOf('.');
  return `/${PACKAGE}.${rpc.slice(0, dot)}/${rpc.slice(dot + 1)}`;
}

/**
 * pkg/ratelimit/resource.go grpcMethodResource: the HTTP API reaches the
 * handlers through grpc-gateway and the loopback gRPC connection, so every
 * unary call is keyed by full method, entity (grpc.go grpcEntityFromRequest:
 * `<EntityType()>:<unique ID>`, empty for requests without identifiers) and,
 * when the call carries a token, its id. There is no IP in this key.
 */
export function grpcMethodResource(method: string, entity: string, tokenId: string | undefined): Resource {
  let key = `grpc:method:${method}:${entity}`;
  if (tokenId !== undefined) key = `${key}:token:${tokenId}`;
  return { key, classes: [`grpc:method:${method}`, 'grpc:method'] };
}

/** pkg/ratelimit/resource.go grpcStreamAcceptResource: a new server stream (Events.Stream). */
export function grpcStreamAcceptResource(method: string, tokenId: string | undefined): Resource {
  let key = `grpc:stream:accept:${method}`;
  if (tokenId !== undefined) key = `${key}:token:${tokenId}`;
  return { key, classes: [`grpc:stream:accept:${method}`, 'grpc:stream:accept'] };
}
