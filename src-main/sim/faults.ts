// Fault injection for API routes: latency, dropped connections, proxy errors,
// 429 bursts, aborted registry transactions, and scripted failures of the next
// calls of one route.
import { KNOWN_ERRORS, SimError, codeForHttpStatus, httpStatusForCode, transactionFailed } from './errors.js';
import type { FailNextOptions, Faults, RouteName } from './types.js';

export type FaultDecision =
  | { kind: 'drop' }
  | { kind: 'burst429' }
  | { kind: 'proxy'; status: 502 | 503 | 504 }
  /**
   * An error answer: `error` is the body, `status` the HTTP status. With
   * `rateLimited` the answer is the rate limiter's (it carries the exhausted
   * rate-limit headers); otherwise it is a handler's error.
   */
  | { kind: 'scripted'; status: number; code: number; error: SimError; rateLimited: boolean };

interface Scripted {
  status: number;
  error: SimError;
  rateLimited: boolean;
  left: number;
}

/**
 * Routes whose handler writes a registry in one optimistic Redis transaction
 * (JS/NS/AS SetByID, IS update): abortRate applies to these.
 */
const TRANSACTIONAL: ReadonlySet<RouteName> = new Set<RouteName>(['js.set', 'ns.set', 'as.set', 'is.update']);

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${name} must be within 0..1`);
}

/**
 * The error a failNext entry answers with. A known name (errors.ts
 * KNOWN_ERRORS, e.g. `transaction_failed`, `downlink_queue_capacity`) brings
 * its namespace, code and message; other names use the given namespace (or
 * `pkg/sim`) and code (or the one of the status). A 429 without a name, or
 * named `rate_limit_exceeded`, is the rate limiter's.
 */
export function scriptedError(route: RouteName, opts: FailNextOptions): { error: SimError; rateLimited: boolean } {
  const known = opts.name !== undefined ? KNOWN_ERRORS[opts.name] : undefined;
  const sameNamespace = known && (opts.namespace === undefined || opts.namespace === known.namespace);
  if (opts.name === undefined && opts.namespace === undefined && opts.status === 429 && (opts.code ?? 8) === 8) {
    const rl = KNOWN_ERRORS.rate_limit_exceeded as { namespace: string; code: number; messageFormat: string };
    return {
      error: new SimError(8, rl.namespace, 'rate_limit_exceeded', rl.messageFormat, { key: `sim:failNext:${route}`, rate: 0 }),
      rateLimited: true,
    };
  }
  if (known && sameNamespace && opts.name !== undefined) {
    const code = opts.code ?? known.code;
    const rateLimited = opts.name === 'rate_limit_exceeded' && opts.status === 429;
    const attributes = opts.name === 'rate_limit_exceeded' ? { key: `sim:failNext:${route}`, rate: 0 } : {};
    return { error: new SimError(code, known.namespace, opts.name, known.messageFormat, attributes), rateLimited };
  }
  const code = opts.code ?? codeForHttpStatus(opts.status);
  if (opts.name !== undefined || opts.namespace !== undefined) {
    const name = opts.name ?? 'injected_failure';
    return { error: new SimError(code, opts.namespace ?? 'pkg/sim', name, name.replaceAll('_', ' ')), rateLimited: false };
  }
  return {
    error: new SimError(code, 'pkg/sim', 'injected_failure', 'injected failure of `{route}`', { route }),
    rateLimited: false,
  };
}

export class FaultInjector {
  private faults: Faults = {};
  private burstLeft = 0;
  private readonly scripted = new Map<RouteName, Scripted[]>();

  constructor(private readonly random: () => number) {}

  set(f: Faults): void {
    checkRate('errorRate', f.errorRate);
    checkRate('dropRate', f.dropRate);
    checkRate('abortRate', f.abortRate);
    this.faults = { ...f };
    this.burstLeft = Math.max(0, Math.floor(f.burst429?.requests ?? 0));
  }

  get latencyMs(): number {
    return Math.max(0, this.faults.latencyMs ?? 0);
  }

  failNext(route: RouteName, opts: FailNextOptions): void {
    const { status } = opts;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('failNext status must be 4xx or 5xx');
    if (opts.code !== undefined && !(Number.isInteger(opts.code) && opts.code >= 1 && opts.code <= 16)) {
      throw new Error('failNext code must be a gRPC code (1..16)');
    }
    const { error, rateLimited } = scriptedError(route, opts);
    const list = this.scripted.get(route) ?? [];
    list.push({ status, error, rateLimited, left: Math.max(1, Math.floor(opts.times ?? 1)) });
    this.scripted.set(route, list);
  }

  /** Connection-level faults, decided before the rate limiter. */
  beforeRateLimit(): FaultDecision | undefined {
    const { dropRate } = this.faults;
    if (dropRate && this.random() < dropRate) return { kind: 'drop' };
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return { kind: 'burst429' };
    }
    return undefined;
  }

  /**
   * Proxy errors, scripted failures and aborted transactions, decided after
   * the rate limiter admitted the call. None of them reaches the handler, so
   * nothing is written.
   */
  afterRateLimit(route: RouteName): FaultDecision | undefined {
    const { errorRate, abortRate } = this.faults;
    if (errorRate && this.random() < errorRate) {
      const pick = Math.floor(this.random() * 3);
      return { kind: 'proxy', status: pick === 0 ? 502 : pick === 1 ? 503 : 504 };
    }
    const list = this.scripted.get(route);
    const next = list?.[0];
    if (list && next) {
      next.left--;
      if (next.left <= 0) list.shift();
      return { kind: 'scripted', status: next.status, code: next.error.code, error: next.error, rateLimited: next.rateLimited };
    }
    // pkg/redis ConvertError: a WATCHed key changed under the transaction
    // (redis.TxFailedErr) -> transaction_failed, and the write is not applied.
    if (abortRate && TRANSACTIONAL.has(route) && this.random() < abortRate) {
      const error = transactionFailed();
      return { kind: 'scripted', status: httpStatusForCode(error.code), code: error.code, error, rateLimited: false };
    }
    return undefined;
  }
}
