// GET /ns/dev_addr (Ns.GenerateDevAddr) and POST /events (Events.Stream).
import { type ApiRequest, type Reply, type SimContext, ok } from './context.js';
import { parseStreamRequest } from './events.js';

export function generateDevAddr(ctx: SimContext, _req: ApiRequest): Reply {
  // GenerateDevAddr has no rights check in the real NS.
  return ok({ dev_addr: ctx.devAddrs.allocate() });
}

export function streamEvents(ctx: SimContext, req: ApiRequest): Reply {
  const caller = ctx.keys.authenticate(req.authorization);
  // Each host streams the events published inside it (IS or cluster; both on a shared host).
  const stream = parseStreamRequest(caller, req.body ?? {}, req.host);
  // grpc-gateway: text/event-stream gets blank-line delimiters, JSON newlines.
  const sse = (req.accept ?? '').includes('text/event-stream');
  return { stream, delimiter: sse ? '\n\n' : '\n', contentType: sse ? 'text/event-stream' : 'application/json' };
}
