// The HTTP transport under the client: node:http(s) with keep-alive, a timeout per attempt,
// AbortSignal, extra CA certificates, retries that never repeat a write blindly, and
// response bodies parsed with zod schemas that tolerate unknown fields.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { z } from 'zod';
import { apiError, errorBodySchema, notTtsError, StackError, transportError } from './errors.js';
import { backoffDelay, DEFAULT_BACKOFF, rateLimitDelay, sleep, type BackoffPolicy } from './retry.js';
import { RatePacer, RatePacers } from './rate-pacer.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RateLimitInfo {
  limit?: number;
  available?: number;
  resetSeconds?: number;
  retrySeconds?: number;
}

export interface ResponseInfo {
  route: string;
  method: Method;
  status: number; // 0 when no answer came
  durationMs: number;
  attempt: number;
  rateLimit?: RateLimitInfo;
}

/** Hooks for whoever adapts to the server (the runner's concurrency, benchmarks). */
export interface RequestObserver {
  onResponse?(info: ResponseInfo): void;
  onRetry?(info: { route: string; reason: string; waitMs: number; attempt: number }): void;
}

export interface TransportOptions {
  apiKey: string;
  /** Extra PEM certificates trusted in addition to the system's. */
  ca?: string[];
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  observer?: RequestObserver;
  random?: () => number;
  maxSockets?: number;
  userAgent?: string;
  paceToRateLimit?: boolean;
  /** A cap on requests per second to this deployment, whatever its own limit. */
  maxRequestsPerSecond?: number;
  /** The largest response body read, in bytes (default 64 MiB): a larger one is an error. */
  maxResponseBytes?: number;
}

/** The largest response body read by default: far above any page The Things Stack sends. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const inWords = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

export interface RequestSpec<T> {
  method: Method;
  url: string;
  /** Words for error messages: "get device sensor-1 from the Network Server". */
  operation: string;
  /** Short label for observers and counters, e.g. "ns.get". */
  route: string;
  schema: z.ZodType<T>;
  body?: unknown;
  /** Whether sending the request twice does no harm. Creates are not. */
  idempotent: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** How many 429s to wait out before giving up (default: the policy's). */
  maxRateLimitWaits?: number;
}

export interface Response<T> {
  data: T;
  status: number;
  headers: http.IncomingHttpHeaders;
}

const header = (h: http.IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const num = (v: string | undefined) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

export function rateLimitOf(h: http.IncomingHttpHeaders): RateLimitInfo | undefined {
  const info = {
    limit: num(header(h, 'x-rate-limit-limit')),
    available: num(header(h, 'x-rate-limit-available')),
    resetSeconds: num(header(h, 'x-rate-limit-reset')),
    retrySeconds: num(header(h, 'x-rate-limit-retry')),
  };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

/**
 * The resource a request's rate limit is kept for: its URL, and for a create (one path for
 * every device) the device it creates — the server keys EndDeviceRegistry.Create by the
 * device in the body, not by the application in the path.
 */
function pacingUrl(spec: { url: string; method: Method; body?: unknown }): string {
  if (spec.method !== 'POST') return spec.url;
  // Downlink queue operations are limited per application on current servers (3.35.2).
  const queue = /^(.*\/as\/applications\/[^/]+)\/devices\/[^/]+(\/down\/(?:push|replace))$/.exec(spec.url);
  if (queue) return `${queue[1]}${queue[2]}`;
  const id = (spec.body as { end_device?: { ids?: { device_id?: unknown } } } | undefined)?.end_device?.ids?.device_id;
  return typeof id === 'string' ? `${spec.url.split('?')[0]}/${encodeURIComponent(id)}#create` : spec.url;
}

export class Transport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly observers = new Set<RequestObserver>();
  /** Paces requests to the server's advertised rate limits (off with `paceToRateLimit: false`). */
  readonly pacers = new RatePacers();
  private readonly cap: RatePacer | undefined;

  constructor(private readonly options: TransportOptions) {
    const maxSockets = options.maxSockets ?? 128;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ...(options.ca?.length ? { ca: [...tls.rootCertificates, ...options.ca] } : {}),
    });
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
    if (options.observer) this.observers.add(options.observer);
    this.cap = options.maxRequestsPerSecond ? RatePacer.fixed(options.maxRequestsPerSecond) : undefined;
  }

  /** Adds an observer (the runner's adaptive concurrency); returns its removal. */
  observe(observer: RequestObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Sends a request; retries 429s (any call) and transient failures (idempotent calls only). */
  async request<T>(spec: RequestSpec<T>): Promise<Response<T>> {
    let transient = 0;
    let limited = 0;
    const paced = pacingUrl(spec);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(spec, attempt, paced);
      } catch (err) {
        if (!(err instanceof StackError) || err.kind === 'aborted') throw err;
        let waitMs: number;
        if (err.isRateLimited && limited < (spec.maxRateLimitWaits ?? this.policy.maxRateLimitWaits)) {
          limited++;
          waitMs = err.retryAfterMs ?? 1000;
        } else if (err.isTransient && spec.idempotent && transient < this.policy.maxRetries) {
          waitMs = backoffDelay(transient++, this.policy, this.random);
        } else {
          throw err;
        }
        for (const o of this.observers) o.onRetry?.({ route: spec.route, reason: err.message, waitMs, attempt });
        if (err.isRateLimited) this.pacers.exhausted(spec.method, paced);
        try {
          await sleep(waitMs, spec.signal);
        } catch {
          throw transportError(spec.signal?.reason, { operation: spec.operation, url: spec.url, aborted: true });
        }
      }
    }
  }

  private async send<T>(spec: RequestSpec<T>, attempt: number, paced: string): Promise<Response<T>> {
    const aborted = () => {
      throw transportError(spec.signal?.reason, { operation: spec.operation, url: spec.url, aborted: true });
    };
    if (this.cap) await this.cap.take(spec.signal).catch(aborted);
    if (this.options.paceToRateLimit !== false) await this.pacers.take(spec.method, paced, spec.signal).catch(aborted);
    return this.sendNow(spec, attempt, paced);
  }

  private sendNow<T>(spec: RequestSpec<T>, attempt: number, paced: string): Promise<Response<T>> {
    const { method, url, operation } = spec;
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const started = performance.now();
    const target = new URL(url);
    const isHttps = target.protocol === 'https:';
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const observe = (status: number, headers?: http.IncomingHttpHeaders) => {
      const info: ResponseInfo = {
        route: spec.route, method, status, attempt, durationMs: performance.now() - started,
        rateLimit: headers ? rateLimitOf(headers) : undefined,
      };
      this.pacers.observe(method, paced, info.rateLimit);
      for (const o of this.observers) o.onResponse?.(info);
    };

    return new Promise<Response<T>>((resolve, reject) => {
      if (spec.signal?.aborted) return reject(transportError(spec.signal.reason, { operation, url, aborted: true }));
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = (isHttps ? https : http).request(target, {
        method,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        headers: {
          Authorization: `Bearer ${this.options.apiKey}`,
          Accept: 'application/json',
          'User-Agent': this.options.userAgent ?? 'stack-migrator',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      });
      const fail = (err: unknown, extra: { aborted?: boolean } = {}) =>
        finish(() => {
          observe(0);
          reject(err instanceof StackError ? err : transportError(err, { operation, url, timeoutMs, ...extra }));
        });
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_STACK' }));
      }, timeoutMs);
      const onAbort = () => {
        fail(spec.signal?.reason, { aborted: true });
        req.destroy();
      };
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => fail(err));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        const tooLarge = this.bodyLimit(spec, res);
        if (tooLarge) {
          fail(tooLarge);
          req.destroy();
          return;
        }
        let received = 0;
        res.on('data', (c: Buffer) => {
          if (settled) return;
          received += c.length;
          if (received > this.maxResponseBytes) {
            chunks.length = 0;
            fail(this.tooLargeError(spec, res.statusCode ?? 0));
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => fail(err));
        res.on('end', () =>
          finish(() => {
            const status = res.statusCode ?? 0;
            observe(status, res.headers);
            try {
              resolve({ status, headers: res.headers, data: this.parse(spec, status, res.headers, Buffer.concat(chunks)) });
            } catch (err) {
              reject(err);
            }
          }),
        );
      });
      req.end(payload);
    });
  }

  private get maxResponseBytes(): number {
    return this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  /** The error for a body over the limit, when its declared length says so before reading. */
  private bodyLimit(spec: { operation: string; url: string }, res: http.IncomingMessage): StackError | undefined {
    const declared = num(header(res.headers, 'content-length'));
    return declared !== undefined && declared > this.maxResponseBytes ? this.tooLargeError(spec, res.statusCode ?? 0) : undefined;
  }

  private tooLargeError(spec: { operation: string; url: string }, status: number): StackError {
    return notTtsError({ operation: spec.operation, url: spec.url, httpStatus: status, reason: `the answer is larger than ${inWords(this.maxResponseBytes)}, more than any answer of The Things Stack; it was not read` });
  }

  private parse<T>(spec: RequestSpec<T>, status: number, headers: http.IncomingHttpHeaders, raw: Buffer): T {
    const { operation, url } = spec;
    const contentType = header(headers, 'content-type') ?? '';
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      const what = /html/i.test(contentType) || /^\s*</.test(text) ? 'an HTML page' : `non-JSON content${contentType ? ` (${contentType})` : ''}`;
      throw notTtsError({ operation, url, httpStatus: status, reason: `got ${what}` });
    }
    if (status >= 400) {
      const body = errorBodySchema.safeParse(json);
      if (!body.success) throw notTtsError({ operation, url, httpStatus: status, reason: 'an error without The Things Stack error body' });
      const retryAfterMs = status === 429 || body.data.code === 8 ? rateLimitDelay(header(headers, 'x-rate-limit-retry')) : undefined;
      throw apiError(body.data, { operation, url, httpStatus: status, retryAfterMs, rateLimitHeaders: rateLimitOf(headers) !== undefined });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw notTtsError({ operation, url, httpStatus: status, reason: `unexpected JSON${issue ? ` at "${issue.path.join('.')}": ${issue.message}` : ''}` });
    }
    return parsed.data;
  }

  /** Opens a streaming POST (the event stream); the caller reads and closes the response. */
  openStream(spec: { url: string; operation: string; body: unknown; signal: AbortSignal; timeoutMs?: number }): Promise<http.IncomingMessage> {
    const target = new URL(spec.url);
    const isHttps = target.protocol === 'https:';
    const payload = Buffer.from(JSON.stringify(spec.body));
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(target, {
        method: 'POST',
        agent: isHttps ? new https.Agent({ ...(this.options.ca?.length ? { ca: [...tls.rootCertificates, ...this.options.ca] } : {}) }) : undefined,
        headers: {
          Authorization: `Bearer ${this.options.apiKey}`,
          Accept: 'text/event-stream',
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
        },
        signal: spec.signal,
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_STACK' })), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(transportError(err, { operation: spec.operation, url: spec.url, timeoutMs, aborted: spec.signal.aborted }));
      });
      req.on('response', (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status < 400) return resolve(res);
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (c: Buffer) => {
          if (received > this.maxResponseBytes) return; // refused already
          received += c.length;
          if (received <= this.maxResponseBytes) return void chunks.push(c);
          chunks.length = 0;
          req.destroy();
          reject(this.tooLargeError(spec, status));
        });
        res.on('end', () => {
          try {
            this.parse({ ...spec, method: 'POST', route: 'events', idempotent: true, schema: errorBodySchema }, status, res.headers, Buffer.concat(chunks));
          } catch (err) {
            return reject(err);
          }
          reject(notTtsError({ operation: spec.operation, url: spec.url, httpStatus: status, reason: 'unexpected answer' }));
        });
      });
      req.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
