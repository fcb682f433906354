// Paces requests to a deployment's rate limits, learnt from its X-Rate-Limit-* headers, so
// that a long run uses a limit fully without being answered 429 over and over.
import type { RateLimitInfo } from './http.js';
import { sleep } from './retry.js';

export class RatePacer {
  private capacity: number | undefined;
  private ratePerMs: number | undefined;
  private tokens = 0;
  private last = performance.now();
  private fixed = false;

  /** A cap of our own (the user's request-rate limit), not learnt from the server. */
  static fixed(requestsPerSecond: number): RatePacer {
    const p = new RatePacer();
    p.capacity = Math.max(1, requestsPerSecond);
    p.ratePerMs = requestsPerSecond / 1000;
    p.tokens = p.capacity;
    p.fixed = true;
    return p;
  }

  /** Learns the bucket from an answer's headers. */
  observe(info: RateLimitInfo | undefined): void {
    if (this.fixed) return;
    if (!info || info.limit === undefined || info.available === undefined) {
      // The server no longer reports a limit (or never did: a one-off 429 from a proxy).
      this.capacity = this.ratePerMs = undefined;
      return;
    }
    this.refill();
    if (this.capacity === undefined) this.tokens = info.available;
    this.capacity = info.limit;
    // "Reset" is the whole seconds until an empty bucket is full again (rounded down by the
    // server): from an empty bucket it bounds the refill rate; assume the slower end.
    if (info.available === 0 && info.resetSeconds !== undefined) {
      this.ratePerMs = info.limit / ((info.resetSeconds + 1) * 1000);
    }
    // Never raise our own count from an answer: requests sent since then already used tokens.
    this.tokens = Math.min(this.tokens, info.available);
  }

  /** After a 429: the bucket is empty, whatever we counted. */
  exhausted(): void {
    if (this.fixed) return;
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill() {
    const now = performance.now();
    if (this.ratePerMs !== undefined && this.capacity !== undefined) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerMs);
    }
    this.last = now;
  }

  /** Reserves one request; waits until the bucket allows it. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.capacity === undefined || this.ratePerMs === undefined) return;
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0) await sleep(-this.tokens / this.ratePerMs, signal);
  }
}

/**
 * One pacer per rate-limited resource. The Things Stack keeps a bucket per gRPC method ×
 * entity × API key (pkg/ratelimit/resource.go grpcMethodResource), and answers the headers
 * only where a profile matched: one device's empty bucket says nothing about another's, so
 * the pacing is keyed by HTTP method and URL path (method and entity; one client holds one
 * key). Only resources that reported a limit have a pacer, and only the most recent few.
 */
export class RatePacers {
  private readonly pacers = new Map<string, RatePacer>();

  constructor(private readonly maxResources = 4096) {}

  private static key(method: string, url: string): string {
    const q = url.indexOf('?');
    return `${method} ${q < 0 ? url : url.slice(0, q)}`;
  }

  /** Learns a resource's bucket from an answer's headers; an answer without them drops it. */
  observe(method: string, url: string, info: RateLimitInfo | undefined): void {
    const key = RatePacers.key(method, url);
    if (!info || info.limit === undefined || info.available === undefined) {
      this.pacers.delete(key);
      return;
    }
    let pacer = this.pacers.get(key);
    if (pacer) this.pacers.delete(key); // re-inserted below: most recently used last
    else pacer = new RatePacer();
    pacer.observe(info);
    this.pacers.set(key, pacer);
    if (this.pacers.size > this.maxResources) this.pacers.delete(this.pacers.keys().next().value as string);
  }

  /** After a 429 for a resource: its bucket is empty, whatever we counted. */
  exhausted(method: string, url: string): void {
    this.pacers.get(RatePacers.key(method, url))?.exhausted();
  }

  /** Waits until the resource's bucket allows one more request (at once when it has none). */
  take(method: string, url: string, signal?: AbortSignal): Promise<void> {
    return this.pacers.get(RatePacers.key(method, url))?.take(signal) ?? Promise.resolve();
  }

  get size(): number {
    return this.pacers.size;
  }
}
