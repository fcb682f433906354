// The HTTP server: request pipeline (latency, drops, 429 bursts, request
// decoding, rate limit, proxy errors, scripted failures), JSON in and out,
// event streams, and the opt-in /sim admin routes. One server plays the
// Identity Server, the cluster (JS/NS/AS), or both.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { tokenId } from './auth.js';
import type { ApiRequest, Reply, SimContext } from './context.js';
import { SimError, badRequest, internal, methodNotAllowed, rateLimitExceeded, routeNotFound, unavailable } from './errors.js';
import type { StreamScope } from './events.js';
import type { FaultInjector } from './faults.js';
import { type JsonObject, isObject } from './json-path.js';
import { type RateLimiter, type Resource, fullMethod, grpcMethodResource, grpcStreamAcceptResource, rateLimitHeaders } from './rate-limit.js';
import { type Route, matchRoute, rateLimitEntity } from './routes.js';
import type { JoinOptions, JoinResult, UplinkResult } from './types.js';

const MAX_BODY = 8 * 1024 * 1024;

export interface ServerDeps {
  /** 'is' or 'cluster' when IS and cluster are separate hosts, else 'all'. */
  host: StreamScope;
  ctx: SimContext;
  faults: FaultInjector;
  limiter: () => RateLimiter | undefined;
  counters: Map<string, number>;
  adminRoutes: boolean;
  join: (app: string, dev: string, opts?: JoinOptions) => JoinResult;
  /** Rate-limit DownlinkQueuePush/Replace per end device (v3.32) instead of per application (v3.35.2). */
  downlinkPerDevice: boolean;
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

/** The rate-limited resource of a call (pkg/ratelimit/resource.go). */
function resourceOf(route: Route, body: unknown, authorization: string | undefined, downlinkPerDevice: boolean): Resource {
  const method = fullMethod(route.rpc);
  const token = tokenId(authorization);
  return route.stream
    ? grpcStreamAcceptResource(method, token)
    : grpcMethodResource(method, rateLimitEntity(route, body, { downlinkPerDevice }), token);
}

/** Headers of an injected 429: the resource's profile looks exhausted; without a profile, a generic limit. */
function exhaustedHeaders(limiter: RateLimiter | undefined, resource: Resource): { headers: Record<string, string>; limit: number } {
  const profile = limiter?.limiterFor(resource);
  if (profile) {
    const r = profile.exhausted();
    return { headers: rateLimitHeaders(r), limit: r.limit };
  }
  return {
    headers: { 'X-Rate-Limit-Limit': '60', 'X-Rate-Limit-Available': '0', 'X-Rate-Limit-Reset': '1', 'X-Rate-Limit-Retry': '1' },
    limit: 60,
  };
}

/** grpc-gateway: text/event-stream gets the SSE marshaler (blank-line delimiter), anything else JSON lines. */
function streamFormat(accept: string | undefined): { delimiter: string; contentType: string } {
  const sse = (accept ?? '').includes('text/event-stream');
  return { delimiter: sse ? '\n\n' : '\n', contentType: sse ? 'text/event-stream' : 'application/json' };
}

/**
 * An error of a server stream whose rate-limit headers were already set: the
 * gRPC server then sends the headers apart from the status, so grpc-gateway
 * forwards the stream and reports the error as a chunk `{"error": <status>}`
 * with the status code's HTTP status (runtime ForwardResponseStream,
 * handleForwardResponseStreamError). The JS SDK reads either shape.
 */
function sendStreamError(res: ServerResponse, err: unknown, headers: Record<string, string>, accept: string | undefined): void {
  if (res.headersSent || res.destroyed) return;
  const e = err instanceof SimError ? err : internal(err instanceof Error ? err.message : String(err));
  const { delimiter, contentType } = streamFormat(accept);
  const text = JSON.stringify({ error: e.body() }) + delimiter;
  res.writeHead(e.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
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
  const route = segments ? matchRoute(method, segments, deps.host) : undefined;
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
  const accept = req.headers.accept;
  // grpc-gateway decodes the body before calling the method, so a bad body is
  // refused before the rate limiter sees the call.
  let body: JsonObject | undefined;
  try {
    body = parseJson(raw);
  } catch (err) {
    return sendError(res, err);
  }
  const resource = resourceOf(route, body, authorization, deps.downlinkPerDevice);
  // Errors of a stream that already has rate-limit headers take the stream's error shape.
  const fail = (err: unknown, headers: Record<string, string>, status?: number) =>
    route.stream && Object.keys(headers).length > 0 ? sendStreamError(res, err, headers, accept) : sendError(res, err, headers, status);
  if (pre?.kind === 'burst429') {
    const { headers, limit } = exhaustedHeaders(limiter, resource);
    return fail(rateLimitExceeded(resource.key, limit), headers);
  }
  // pkg/ratelimit grpc.go: the interceptors set the headers of a matched profile
  // (on the answer and on its 429) and refuse the call before the handler runs.
  let rlHeaders: Record<string, string> = {};
  const result = limiter?.take(resource);
  if (result) {
    rlHeaders = rateLimitHeaders(result);
    if (result.limited) return fail(rateLimitExceeded(resource.key, result.limit), rlHeaders);
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
    if (post.rateLimited) {
      // The rate limiter's own answer: this resource's key, its profile's exhausted headers.
      const { headers, limit } = exhaustedHeaders(limiter, resource);
      return fail(rateLimitExceeded(resource.key, limit), headers, post.status);
    }
    return fail(post.error, rlHeaders, post.status);
  }

  if (route.write) deps.ctx.writes.count++;
  let reply: Reply;
  try {
    const apiReq: ApiRequest = { method, params: route.params, query, body, authorization, accept, host: deps.host };
    reply = route.handler(deps.ctx, apiReq);
  } catch (err) {
    return fail(err, rlHeaders);
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
    // The device: the root key it signs with, its DevNonce, the last JoinNonce it accepted.
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
    const devNonce = int(body?.dev_nonce);
    if (devNonce !== undefined && (devNonce < 0 || devNonce > 0xffff)) return sendError(res, badRequest('dev_nonce must be within 0..65535'));
    const joinOpts: JoinOptions = {
      key: text(body?.key) ?? text(body?.app_key),
      devNonce,
      deviceLastJoinNonce: int(body?.device_last_join_nonce),
    };
    return sendJson(res, 200, deps.join(app, dev, joinOpts));
  }
  if (action === 'uplink') return sendJson(res, 200, deps.uplink(app, dev));
  return sendError(res, routeNotFound());
}
