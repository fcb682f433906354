// The HTTP server: request pipeline (latency, drops, 429 bursts, rate limit,
// proxy errors, scripted failures), JSON in and out, event streams, and the
// opt-in /sim admin routes.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { tokenId } from './auth.js';
import type { ApiRequest, Reply, SimContext } from './context.js';
import { SimError, badRequest, codeForHttpStatus, internal, methodNotAllowed, rateLimitExceeded, routeNotFound, unavailable } from './errors.js';
import type { FaultInjector } from './faults.js';
import { type JsonObject, isObject } from './json-path.js';
import type { RateLimiter } from './rate-limit.js';
import { matchRoute } from './routes.js';
import type { JoinResult, UplinkResult } from './types.js';

const MAX_BODY = 8 * 1024 * 1024;

export interface ServerDeps {
  ctx: SimContext;
  faults: FaultInjector;
  limiter: () => RateLimiter | undefined;
  counters: Map<string, number>;
  adminRoutes: boolean;
  join: (app: string, dev: string, appKey?: string) => JoinResult;
  uplink: (app: string, dev: string) => UplinkResult;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(badRequest('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): JsonObject | undefined {
  if (raw.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw badRequest(`invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(v)) throw badRequest('invalid JSON: the request body must be an object');
  return v;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}, status?: number): void {
  const e = err instanceof SimError ? err : internal(err instanceof Error ? err.message : String(err));
  sendJson(res, status ?? e.status, e.body(), headers);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function createSimServer(deps: ServerDeps): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => sendError(res, err));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { server, sockets };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const method = req.method ?? 'GET';
  const raw = method === 'GET' || method === 'DELETE' || method === 'HEAD' ? '' : await readBody(req);
  if (path.startsWith('/sim/')) return admin(deps, req, res, path, raw);
  if (!path.startsWith('/api/v3/')) return sendError(res, routeNotFound());
  const segments = decodeSegments(path.slice('/api/v3/'.length));
  const route = segments ? matchRoute(method, segments) : undefined;
  if (route === undefined) return sendError(res, routeNotFound());
  if (route === 'method') return sendError(res, methodNotAllowed(), {}, 405);
  deps.counters.set(route.name, (deps.counters.get(route.name) ?? 0) + 1);

  const latency = deps.faults.latencyMs;
  if (latency > 0) await sleep(latency);
  if (res.destroyed) return;
  const pre = deps.faults.beforeRateLimit();
  if (pre?.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  const limiter = deps.limiter();
  const authorization = req.headers.authorization;
  const key = tokenId(authorization) ?? `ip:${req.socket.remoteAddress ?? ''}`;
  if (pre?.kind === 'burst429') {
    const headers = limiter?.exhaustedHeaders() ?? {
      'X-Rate-Limit-Limit': '60',
      'X-Rate-Limit-Available': '0',
      'X-Rate-Limit-Reset': '1',
      'X-Rate-Limit-Retry': '1',
    };
    return sendError(res, rateLimitExceeded(`http:api:token:${key}:url:${path}`, Number(headers['X-Rate-Limit-Limit'])), headers);
  }
  let rlHeaders: Record<string, string> = {};
  if (limiter) {
    const result = limiter.take(key);
    rlHeaders = result.headers;
    if (!result.allowed) return sendError(res, rateLimitExceeded(`http:api:token:${key}:url:${path}`, limiter.options.limit), rlHeaders);
  }
  const post = deps.faults.afterRateLimit(route.name);
  if (post?.kind === 'proxy') {
    if (post.status === 503) return sendError(res, unavailable(), rlHeaders);
    const text = post.status === 502 ? '502 Bad Gateway\n' : '504 Gateway Timeout\n';
    res.writeHead(post.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  if (post?.kind === 'scripted') {
    const code = post.code ?? codeForHttpStatus(post.status);
    const err = new SimError(code, 'pkg/sim', 'injected_failure', 'injected failure of `{route}`', { route: route.name });
    const headers = post.status === 429 && limiter ? { ...rlHeaders, ...limiter.exhaustedHeaders() } : rlHeaders;
    return sendError(res, err, headers, post.status);
  }

  if (route.write) deps.ctx.writes.count++;
  let reply: Reply;
  try {
    const apiReq: ApiRequest = {
      method,
      params: route.params,
      query,
      body: parseJson(raw),
      authorization,
      accept: req.headers.accept,
    };
    reply = route.handler(deps.ctx, apiReq);
  } catch (err) {
    return sendError(res, err, rlHeaders);
  }
  if ('stream' in reply) {
    req.socket.setTimeout(0);
    res.writeHead(200, { 'Content-Type': reply.contentType, 'Cache-Control': 'no-cache', ...rlHeaders });
    deps.ctx.bus.attach(reply.stream, res, reply.delimiter);
    return;
  }
  sendJson(res, reply.status, reply.body, { ...rlHeaders, ...reply.headers });
}

/** POST /sim/applications/{app}/devices/{dev}/{join|uplink}: radio events for demos and e2e tests. */
function admin(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, path: string, raw: string): void {
  if (!deps.adminRoutes) return sendError(res, routeNotFound());
  deps.counters.set('admin', (deps.counters.get('admin') ?? 0) + 1);
  // A web page may not drive the simulator: browsers always send Origin on cross-site POSTs.
  if (req.headers.origin !== undefined) return sendJson(res, 403, { error: 'requests with an Origin header are refused' });
  const segments = decodeSegments(path.slice('/sim/'.length));
  const [a, app, d, dev, action] = segments ?? [];
  if (segments?.length !== 5 || a !== 'applications' || d !== 'devices' || app === undefined || dev === undefined) {
    return sendError(res, routeNotFound());
  }
  if (req.method !== 'POST') return sendError(res, methodNotAllowed(), {}, 405);
  let body: JsonObject | undefined;
  try {
    body = parseJson(raw);
  } catch (err) {
    return sendError(res, err);
  }
  if (action === 'join') {
    const appKey = typeof body?.app_key === 'string' ? body.app_key : undefined;
    return sendJson(res, 200, deps.join(app, dev, appKey));
  }
  if (action === 'uplink') return sendJson(res, 200, deps.uplink(app, dev));
  return sendError(res, routeNotFound());
}
