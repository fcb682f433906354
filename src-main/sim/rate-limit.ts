// A token bucket per caller, with the header semantics of pkg/ratelimit
// (result.go SetHTTPHeaders): every response carries X-Rate-Limit-Limit,
// -Available, -Reset (seconds until the bucket is full) and -Retry (seconds
// until the next request is allowed; 0 when allowed). The real server computes
// the seconds by integer division of a duration, so Retry can be 0 even on a
// 429: clients must wait at least a second themselves (the JS SDK does
// max(1, retry)).
import type { RateLimitOptions } from './types.js';

export interface RateLimitResult {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.limit > 0) || !(options.periodSeconds > 0)) throw new Error('rate limit and period must be positive');
    this.perMs = options.limit / (options.periodSeconds * 1000);
  }

  take(key: string): RateLimitResult {
    const { limit } = this.options;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const resetMs = (limit - bucket.tokens) / this.perMs;
    const retryMs = allowed ? 0 : (1 - bucket.tokens) / this.perMs;
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Limit': String(limit),
        'X-Rate-Limit-Available': String(Math.floor(bucket.tokens)),
        'X-Rate-Limit-Reset': String(Math.floor(resetMs / 1000)),
        'X-Rate-Limit-Retry': String(Math.floor(retryMs / 1000)),
      },
    };
  }

  /** Headers of an injected 429 (burst faults): the caller's bucket looks empty. */
  exhaustedHeaders(): Record<string, string> {
    const { limit, periodSeconds } = this.options;
    return {
      'X-Rate-Limit-Limit': String(limit),
      'X-Rate-Limit-Available': '0',
      'X-Rate-Limit-Reset': String(Math.floor(periodSeconds)),
      'X-Rate-Limit-Retry': String(Math.floor(periodSeconds / limit)),
    };
  }
}
