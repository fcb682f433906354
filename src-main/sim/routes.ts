// The API routes the simulator serves (relative to /api/v3), from the HTTP
// bindings in api-definition.json.
import type { ApiRequest, Reply, SimContext } from './context.js';
import { deleteComponentDevice, getComponentDevice, setComponentDevice } from './handlers-components.js';
import { authInfo, createDevice, deleteDevice, getApplication, getDevice, listApplications, listDevices, updateDevice } from './handlers-is.js';
import { generateDevAddr, streamEvents } from './handlers-misc.js';
import type { RouteName } from './types.js';

export type Handler = (ctx: SimContext, req: ApiRequest) => Reply;

export interface Route {
  name: RouteName;
  handler: Handler;
  /** Create/update/set/delete: counted by writeCount(). */
  write: boolean;
  params: ApiRequest['params'];
}

type MethodTable = Partial<Record<string, { name: RouteName; handler: Handler; write: boolean }>>;

const r = (name: RouteName, handler: Handler, write = false) => ({ name, handler, write });

function table(segments: readonly string[]): { methods: MethodTable; params: ApiRequest['params'] } | undefined {
  const [a, b, c, d, e, f] = segments;
  const n = segments.length;
  if (n === 1 && a === 'auth_info') return { methods: { GET: r('auth_info', authInfo) }, params: {} };
  if (n === 1 && a === 'events') return { methods: { POST: r('events', streamEvents) }, params: {} };
  if (n === 2 && a === 'ns' && b === 'dev_addr') return { methods: { GET: r('ns.dev_addr', generateDevAddr) }, params: {} };
  if (a === 'applications') {
    if (n === 1) return { methods: { GET: r('app.list', listApplications) }, params: {} };
    if (n === 2) return { methods: { GET: r('app.get', getApplication) }, params: { app: b } };
    if (n === 3 && c === 'devices') {
      return { methods: { GET: r('is.list', listDevices), POST: r('is.create', createDevice, true) }, params: { app: b } };
    }
    if (n === 4 && c === 'devices') {
      return {
        methods: { GET: r('is.get', getDevice), PUT: r('is.update', updateDevice, true), DELETE: r('is.delete', deleteDevice, true) },
        params: { app: b, dev: d },
      };
    }
    return undefined;
  }
  if ((a === 'js' || a === 'ns' || a === 'as') && b === 'applications' && d === 'devices') {
    const component = a;
    if (n === 4) return { methods: { POST: r(`${component}.set`, setComponentDevice, true) }, params: { app: c, component } };
    if (n === 5) {
      return {
        methods: {
          GET: r(`${component}.get`, getComponentDevice),
          PUT: r(`${component}.set`, setComponentDevice, true),
          DELETE: r(`${component}.delete`, deleteComponentDevice, true),
        },
        params: { app: c, dev: e, component },
      };
    }
  }
  void f;
  return undefined;
}

/** The route of a request, 'method' when the path exists with other methods, or undefined. */
export function matchRoute(method: string, segments: readonly string[]): Route | 'method' | undefined {
  const t = table(segments);
  if (!t) return undefined;
  const m = t.methods[method];
  if (!m) return 'method';
  return { ...m, params: t.params };
}
