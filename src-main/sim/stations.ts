// Physical gateways over several simulated deployments. A `cups` Basic Station asks its home's
// CUPS (update-info) every cupsEveryMs and connects to the LNS CUPS names; an `lns` Basic Station
// connects with its tc.uri/tc.key; a `udp` packet forwarder sends to its server address. While
// connected a station reports a status and an uplink now and then (connection stats move).
// After CUPS hands out a new LNS configuration the station restarts its LNS link with it: the old
// connection ends even when the new one is refused (Basic Station keeps one TC connection); a CUPS
// error leaves the current connection as it is.
import type { SimContext } from './context.js';
import { SimError } from './errors.js';
import { connectUdp, connectWs, disconnect, updateInfo } from './gateway-io.js';
import { CUPS_KEY_RIGHTS } from './gateway-sim.js';
import type { GatewayConnection } from './gateway-store.js';
import type { StationSpec, StationView, Stations } from './gateway-types.js';
import { internalsOf } from './internals.js';
import { getPath } from './json-path.js';
import { findByAddress, lnsUri, parseTokenFile } from './station-rules.js';
import type { Simulator } from './types.js';

interface Station {
  spec: StationSpec;
  eui: string;
  home: Simulator;
  cupsKey?: string;
  /** LNS configuration (tc.uri / tc.key) or UDP server address. */
  lnsUri?: string;
  lnsKey?: string;
  udpAddress?: string;
  conn?: { sim: Simulator; c: GatewayConnection };
  lastCupsAt?: number;
  error?: string;
  cupsTimer?: NodeJS.Timeout;
  trafficTimer?: NodeJS.Timeout;
}

const TRAFFIC_EVERY_MS = 500;
const errorName = (err: unknown) => (err instanceof SimError ? err.name : err instanceof Error ? err.message : String(err));

export function startStations(opts: { deployments: Simulator[]; random?: () => number }): Stations {
  const random = opts.random ?? Math.random;
  const stations = new Map<string, Station>();
  const deployments = () => opts.deployments.map((sim) => ({ sim, clusterHost: sim.clusterHost, clusterPort: internalsOf(sim).clusterPort }));
  const jitter = (ms: number) => Math.max(1, Math.round(ms * (0.9 + 0.2 * random())));

  const drop = (st: Station) => {
    if (st.conn) disconnect(internalsOf(st.conn.sim), st.conn.c);
    st.conn = undefined;
  };

  const attach = (st: Station, sim: Simulator, connect: (ctx: SimContext, onDisconnect: (reason: string) => void) => GatewayConnection) => {
    drop(st);
    try {
      const c = connect(internalsOf(sim), (reason) => {
        if (st.conn?.c === c) st.conn = undefined;
        st.error = reason;
      });
      st.conn = { sim, c };
      st.error = undefined;
    } catch (err) {
      st.error = errorName(err);
    }
  };

  /** Connects with the station's LNS/UDP configuration. */
  const connect = (st: Station): void => {
    const udp = st.spec.kind === 'udp';
    const address = udp ? st.udpAddress : st.lnsUri;
    const target = address ? findByAddress(deployments(), address)?.sim : udp ? st.home : undefined;
    if (!target) {
      drop(st);
      st.error = `no server at ${address ?? ''}`;
      return;
    }
    attach(st, target, (ctx, off) => (udp ? connectUdp(ctx, st.eui, off) : connectWs(ctx, st.eui, st.lnsKey, off)));
  };

  /** One CUPS update-info exchange; a changed LNS configuration restarts the link. */
  const cups = (st: Station, hops = 0): void => {
    const ctx = internalsOf(st.home);
    let answer;
    try {
      answer = updateInfo(ctx, { eui: st.eui, cupsKey: st.cupsKey ?? '', cupsUri: st.home.clusterHost, lnsUri: st.lnsUri ?? '' });
    } catch (err) {
      st.error = errorName(err);
      return;
    }
    st.lastCupsAt = Date.now();
    if (answer.cupsKey !== undefined) st.cupsKey = answer.cupsKey;
    if (answer.cupsUri !== undefined) {
      const next = findByAddress(deployments(), answer.cupsUri.replace(/^[a-z]+:\/\//, ''))?.sim;
      if (next && hops < 2) {
        st.home = next;
        return cups(st, hops + 1);
      }
      st.error = `no CUPS at ${answer.cupsUri}`;
      return;
    }
    if (answer.lnsUri !== undefined && (answer.lnsUri !== st.lnsUri || answer.lnsKey !== st.lnsKey)) {
      st.lnsUri = answer.lnsUri;
      st.lnsKey = answer.lnsKey;
      return connect(st);
    }
    if (!st.conn && st.lnsUri) connect(st);
  };

  const traffic = (st: Station) => {
    const c = st.conn?.c;
    if (!c) return;
    const now = new Date().toISOString();
    c.lastStatusAt = now;
    c.uplinkCount += 1;
    c.lastUplinkAt = now;
  };

  const schedule = (st: Station) => {
    st.trafficTimer = setInterval(() => traffic(st), jitter(TRAFFIC_EVERY_MS));
    st.trafficTimer.unref();
    if (st.spec.kind === 'cups') {
      const every = st.spec.cupsEveryMs ?? 1000;
      const tick = () => {
        cups(st);
        st.cupsTimer = setTimeout(tick, jitter(every));
        st.cupsTimer.unref();
      };
      st.cupsTimer = setTimeout(tick, jitter(every));
      st.cupsTimer.unref();
    }
  };

  /** A key of the home's gateway with this EUI (CUPS key or LNS key rights). */
  const makeKey = (home: Simulator, eui: string, rights: string[]) => {
    const row = internalsOf(home).gateways.byEui(eui);
    if (!row) throw new Error(`no gateway with EUI ${eui} on ${home.url}`);
    return home.createGatewayApiKey(getPath(row.record, 'ids.gateway_id') as string, rights);
  };

  const get = (eui: string) => {
    const st = stations.get(eui.toUpperCase());
    if (!st) throw new Error(`unknown station ${eui}`);
    return st;
  };

  return {
    add(spec) {
      const eui = spec.eui.toUpperCase();
      if (!/^[0-9A-F]{16}$/.test(eui)) throw new Error(`invalid EUI ${spec.eui}`);
      if (stations.has(eui)) throw new Error(`station ${eui} exists`);
      const st: Station = { spec, eui, home: spec.home };
      stations.set(eui, st);
      if (spec.kind === 'cups') {
        st.cupsKey = spec.key ?? makeKey(spec.home, eui, CUPS_KEY_RIGHTS);
        cups(st);
      } else if (spec.kind === 'lns') {
        st.lnsUri = lnsUri(spec.home.clusterHost);
        st.lnsKey = spec.key ?? makeKey(spec.home, eui, ['RIGHT_GATEWAY_INFO', 'RIGHT_GATEWAY_LINK']);
        connect(st);
      } else {
        connect(st);
      }
      schedule(st);
    },
    view(eui) {
      const st = stations.get(eui.toUpperCase());
      if (!st) return undefined;
      const v: StationView = {};
      if (st.conn) {
        v.connectedTo = st.conn.sim.clusterHost;
        v.protocol = st.conn.c.protocol;
      }
      if (st.lastCupsAt !== undefined) v.lastCupsAt = st.lastCupsAt;
      if (st.error !== undefined) v.error = st.error;
      return v;
    },
    installLns(eui, tcUri, tcKey) {
      const st = get(eui);
      const key = parseTokenFile(tcKey);
      if (!key) throw new Error('tc.key must be `Authorization: Bearer <key>` and CRLF');
      st.lnsUri = tcUri;
      st.lnsKey = key;
      connect(st);
    },
    setUdpServer(eui, serverAddress, portUp) {
      const st = get(eui);
      st.udpAddress = `${serverAddress}:${portUp}`;
      connect(st);
    },
    reboot(eui) {
      const st = get(eui);
      if (st.spec.kind === 'cups') {
        // The station restarts: CUPS first; on a CUPS error it uses its stored LNS configuration
        // (and the view keeps the CUPS error).
        drop(st);
        st.error = undefined;
        cups(st);
        const cupsError = st.error;
        if (!st.conn && st.lnsUri) connect(st);
        if (st.conn && cupsError !== undefined) st.error = cupsError;
      } else {
        connect(st);
      }
    },
    stop() {
      for (const st of stations.values()) {
        clearInterval(st.trafficTimer);
        clearTimeout(st.cupsTimer);
        drop(st);
      }
      stations.clear();
    },
  };
}
