// Fault injection for API routes: latency, dropped connections, proxy errors,
// 429 bursts, and scripted failures of the next calls of one route.
import type { Faults, RouteName } from './types.js';

export type FaultDecision =
  | { kind: 'drop' }
  | { kind: 'burst429' }
  | { kind: 'proxy'; status: 502 | 503 | 504 }
  | { kind: 'scripted'; status: number; code?: number };

interface Scripted {
  status: number;
  code?: number;
  left: number;
}

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${name} must be within 0..1`);
}

export class FaultInjector {
  private faults: Faults = {};
  private burstLeft = 0;
  private readonly scripted = new Map<RouteName, Scripted[]>();

  constructor(private readonly random: () => number) {}

  set(f: Faults): void {
    checkRate('errorRate', f.errorRate);
    checkRate('dropRate', f.dropRate);
    this.faults = { ...f };
    this.burstLeft = Math.max(0, Math.floor(f.burst429?.requests ?? 0));
  }

  get latencyMs(): number {
    return Math.max(0, this.faults.latencyMs ?? 0);
  }

  failNext(route: RouteName, status: number, code: number | undefined, times: number): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('failNext status must be 4xx or 5xx');
    const list = this.scripted.get(route) ?? [];
    list.push({ status, code, left: Math.max(1, Math.floor(times)) });
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

  /** Proxy errors and scripted failures, decided after the rate limiter admitted the call. */
  afterRateLimit(route: RouteName): FaultDecision | undefined {
    const { errorRate } = this.faults;
    if (errorRate && this.random() < errorRate) {
      const pick = Math.floor(this.random() * 3);
      return { kind: 'proxy', status: pick === 0 ? 502 : pick === 1 ? 503 : 504 };
    }
    const list = this.scripted.get(route);
    const next = list?.[0];
    if (list && next) {
      next.left--;
      if (next.left <= 0) list.shift();
      return { kind: 'scripted', status: next.status, code: next.code };
    }
    return undefined;
  }
}
