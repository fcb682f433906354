// When to send a request again, and how long to wait first.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  maxRetries: number; // for transient failures of idempotent calls
  maxRateLimitWaits: number; // 429s proven not applied: retried for any call, up to this many times
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 8_000, maxRetries: 5, maxRateLimitWaits: 30 };

/** Exponential backoff with jitter: between half and all of base·2^attempt, capped. */
export function backoffDelay(attempt: number, policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How long a 429 asks us to wait: `X-Rate-Limit-Retry` seconds, and never less than 1 s (as the official SDK). */
export function rateLimitDelay(retryHeader: string | undefined): number {
  const seconds = Number.parseFloat(retryHeader ?? '');
  return Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1000;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
