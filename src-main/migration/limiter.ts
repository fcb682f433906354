// How many devices migrate at once: additive increase while the servers are healthy,
// multiplicative decrease on 429s and on latency rising well above its floor.
import type { ResponseInfo } from '../stack/http.js';

export interface LimiterOptions {
  initial: number;
  min: number;
  max: number;
  /** A fixed limit (no adaptation). */
  fixed?: boolean;
}

export class AdaptiveLimiter {
  private current: number;
  private active = 0;
  private waiters: (() => void)[] = [];
  private lastDecrease = -Infinity;
  private successes = 0;
  private latencyFloor = Infinity;
  private latencyAvg = 0;
  /** Doubling until the first sign of trouble, then one step at a time. */
  private slowStart = true;

  constructor(private readonly opts: LimiterOptions) {
    this.current = opts.initial;
  }

  get limit(): number {
    return this.current;
  }

  async acquire(): Promise<void> {
    while (this.active >= this.current) await new Promise<void>((r) => this.waiters.push(r));
    this.active++;
  }

  release(): void {
    this.active--;
    this.wake();
  }

  private wake() {
    // Woken waiters check the limit again themselves, so waking a few too many is harmless.
    for (let n = this.current - this.active; n > 0 && this.waiters.length > 0; n--) this.waiters.shift()!();
  }

  /** Feeds one answer of either server. */
  onResponse(info: ResponseInfo): void {
    if (this.opts.fixed) return;
    const now = performance.now();
    if (info.status === 429) return this.decrease(now, 0.5);
    if (info.status === 0 || info.status >= 500) return this.decrease(now, 0.9);
    if (info.status >= 400) return;
    this.latencyFloor = Math.min(this.latencyFloor, info.durationMs);
    this.latencyAvg = this.latencyAvg === 0 ? info.durationMs : this.latencyAvg * 0.9 + info.durationMs * 0.1;
    // Queueing on the server shows as latency far above the best seen: back off a little.
    if (this.latencyAvg > this.latencyFloor * 4 + 50) return this.decrease(now, 0.9);
    if (++this.successes >= this.current) {
      this.successes = 0;
      if (this.current < this.opts.max) {
        this.current = this.slowStart ? Math.min(this.opts.max, this.current * 2) : this.current + 1;
        this.wake();
      }
    }
  }

  private decrease(now: number, factor: number) {
    if (now - this.lastDecrease < 1000) return; // one decrease per second: answers arrive in bursts
    this.lastDecrease = now;
    this.slowStart = false;
    this.current = Math.max(this.opts.min, Math.floor(this.current * factor));
    this.successes = 0;
  }
}
