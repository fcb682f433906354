// Paces requests to a deployment's rate limit, learnt from its X-Rate-Limit-* headers, so
// that a long run uses the limit fully without being answered 429 over and over.
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
