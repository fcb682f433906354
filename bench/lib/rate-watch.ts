// What the clients saw of a server's rate limits: 429s in all, by route, and those answered to
// requests sent after the first 429 came back (the requests in flight then are the first burst).
import type { RequestObserver, ResponseInfo } from '../../src-main/stack/http.js';

export interface RateLimitTally {
  /** 429 answers in all. */
  total: number;
  /** 429 answers to requests sent after the first 429 came back. */
  afterFirstBurst: number;
  /** 429 answers by `<side> <route>` (e.g. "target js.get"), and those after the first burst. */
  byRoute: Record<string, number>;
  afterFirstBurstByRoute: Record<string, number>;
  /** Answers other than 429 (and other than no answer), by side. */
  accepted: Record<string, number>;
}

export class RateLimitWatch {
  private first429At: number | undefined;
  readonly tally: RateLimitTally = { total: 0, afterFirstBurst: 0, byRoute: {}, afterFirstBurstByRoute: {}, accepted: {} };

  /** An observer for one client's transport; `side` names it in the tally. */
  observer(side: string): RequestObserver {
    return { onResponse: (info) => this.onResponse(side, info) };
  }

  private onResponse(side: string, info: ResponseInfo): void {
    const t = this.tally;
    if (info.status === 0) return;
    if (info.status !== 429) {
      t.accepted[side] = (t.accepted[side] ?? 0) + 1;
      return;
    }
    const now = performance.now();
    const route = `${side} ${info.route}`;
    t.total++;
    t.byRoute[route] = (t.byRoute[route] ?? 0) + 1;
    const sentAt = now - info.durationMs;
    if (this.first429At === undefined) this.first429At = now;
    else if (sentAt > this.first429At) {
      t.afterFirstBurst++;
      t.afterFirstBurstByRoute[route] = (t.afterFirstBurstByRoute[route] ?? 0) + 1;
    }
  }
}

/** "3 target js.get, 1 source is.get" (largest first), or "none". */
export function byRouteText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
