// The air: physical LoRaWAN devices over two or more simulated deployments, as
// devices heard by a gateway of the first and routed by Packet Broker would be.
// A device uplinks on the network that holds its session (found by its EUIs: the
// target may know it under another device id) and takes the downlink the NS sends
// in the RX window. A device that re-joins sends one join-request, offered to its
// current network first and then to every other one; each network's NS/JS apply
// their own rules (simulateJoin), and the first join-accept decides.
// One timer wheel drives every device, so thousands of devices cost one timer.
import type { AcceptedJoin } from './context.js';
import { internalsOf } from './internals.js';
import { getPath } from './json-path.js';
import type { Simulator } from './types.js';

export interface AirDeviceSpec {
  devEui: string;
  joinEui: string;
  /** The root key the device signs join-requests with (hex) and its nonce memory. */
  key: string;
  lastDevNonce: number;
  lastJoinNonce: number;
  /**
   * 'trigger': re-joins when it receives this FPort + payload (after rejoinDelayMs); 'power-cycle': only a power
   * cycle makes it re-join; 'never': ignores everything and never re-joins (a device that is gone: it sends nothing).
   */
  reacts: 'trigger' | 'power-cycle' | 'never';
  trigger?: { fPort: number; payloadHex: string };
  rejoinDelayMs?: number;
  uplinkEveryMs: number;
}

export interface AirDeviceView {
  /** Index (in `networks`) of the network holding the device's current session. */
  network?: number;
  triggerReceivedAt?: number;
  joinedAt?: number;
  joinAttempts: number;
}

export interface Air {
  addDevice(spec: AirDeviceSpec): void;
  /** The device restarts and joins (any network that accepts it), now. */
  powerCycle(devEui: string): Promise<void> | void;
  /** Where the device is: index of the network holding its current session, times. */
  deviceView(devEui: string): AirDeviceView | undefined;
  stop(): void;
}

interface Device {
  spec: AirDeviceSpec;
  devEui: string;
  joinEui: string;
  lastDevNonce: number;
  lastJoinNonce: number;
  network?: number;
  /** A join-request is due at (or after) this time. */
  rejoinAt?: number;
  nextUplinkAt: number;
  triggerReceivedAt?: number;
  joinedAt?: number;
  joinAttempts: number;
  slot?: number;
}

/** Wheel resolution: devices due within one tick fire together. */
const TICK_MS = 50;
const EUI = /^[0-9A-Fa-f]{16}$/;

function checkSpec(spec: AirDeviceSpec): void {
  if (!EUI.test(spec.devEui) || !EUI.test(spec.joinEui)) throw new Error('devEui and joinEui must be 8 bytes of hex');
  if (!/^[0-9A-Fa-f]{32}$/.test(spec.key)) throw new Error('key must be 16 bytes of hex');
  if (!(spec.uplinkEveryMs > 0)) throw new Error('uplinkEveryMs must be positive');
  if (spec.reacts === 'trigger' && !spec.trigger) throw new Error("reacts 'trigger' needs a trigger");
  if (spec.trigger && !/^([0-9A-Fa-f]{2})*$/.test(spec.trigger.payloadHex)) throw new Error('trigger.payloadHex must be hex');
}

export function startAir(opts: { networks: Simulator[]; random?: () => number }): Air {
  const { networks } = opts;
  if (networks.length === 0) throw new Error('the air needs at least one network');
  const random = opts.random ?? Math.random;
  const devices = new Map<string, Device>();
  const slots = new Map<number, Set<Device>>();
  let cursor = Math.floor(Date.now() / TICK_MS);
  let stopped = false;

  const jitter = (every: number) => Math.max(1, Math.round(every * (0.9 + 0.2 * random())));
  const locate = (i: number, d: Device) => networks[i]?.findDevice(d.joinEui, d.devEui);

  function schedule(d: Device, at: number): void {
    if (stopped) return;
    const slot = Math.max(Math.floor(at / TICK_MS), cursor + 1);
    if (d.slot === slot) return;
    if (d.slot !== undefined) slots.get(d.slot)?.delete(d);
    let bucket = slots.get(slot);
    if (!bucket) slots.set(slot, (bucket = new Set()));
    bucket.add(d);
    d.slot = slot;
  }

  /** The first network that holds a session for the device's EUIs (its NS has session.dev_addr). */
  function sessionNetwork(d: Device): number | undefined {
    for (let i = 0; i < networks.length; i++) {
      const owner = locate(i, d);
      if (!owner) continue;
      const ns = internalsOf(networks[i] as Simulator).store.app(owner.applicationId)?.ns.get(owner.deviceId);
      if (typeof getPath(ns, 'session.dev_addr') === 'string') return i;
    }
    return undefined;
  }

  /** One join-request, offered to the current network, then the others (Packet Broker). */
  function join(d: Device): boolean {
    d.joinAttempts++;
    // The device's DevNonce moves on with every join-request it sends.
    d.lastDevNonce = (d.lastDevNonce + 1) & 0xffff;
    const order = networks.map((_, i) => i);
    if (d.network !== undefined) order.sort((a, b) => (a === d.network ? -1 : b === d.network ? 1 : a - b));
    for (const i of order) {
      const owner = locate(i, d);
      if (!owner) continue;
      const result = (networks[i] as Simulator).simulateJoin(owner.applicationId, owner.deviceId, {
        key: d.spec.key,
        devNonce: d.lastDevNonce,
        deviceLastJoinNonce: d.lastJoinNonce,
      });
      // An accepted join moved the device (the join observer below).
      if (result.accepted) return true;
    }
    return false;
  }

  function uplink(d: Device, now: number): void {
    if (d.network === undefined) return;
    const owner = locate(d.network, d);
    if (!owner) return;
    const down = (networks[d.network] as Simulator).simulateUplink(owner.applicationId, owner.deviceId).downlink;
    const t = d.spec.trigger;
    if (!down || d.spec.reacts !== 'trigger' || !t) return;
    if (down.fPort === t.fPort && down.payloadHex === t.payloadHex.toUpperCase()) {
      d.triggerReceivedAt = now;
      d.rejoinAt = now + Math.max(0, d.spec.rejoinDelayMs ?? 0);
    }
  }

  function fire(d: Device, now: number): void {
    let failedJoin = false;
    if (d.rejoinAt !== undefined && now >= d.rejoinAt) {
      if (join(d)) {
        d.nextUplinkAt = now + jitter(d.spec.uplinkEveryMs);
        schedule(d, d.nextUplinkAt);
        return;
      }
      // No accept anywhere: the old session stays; retry at the next uplink time.
      failedJoin = true;
    }
    if (now >= d.nextUplinkAt) {
      uplink(d, now);
      d.nextUplinkAt = now + jitter(d.spec.uplinkEveryMs);
    }
    if (failedJoin) d.rejoinAt = d.nextUplinkAt;
    schedule(d, d.rejoinAt !== undefined && d.rejoinAt < d.nextUplinkAt ? d.rejoinAt : d.nextUplinkAt);
  }

  function tick(): void {
    const now = Date.now();
    const target = Math.floor(now / TICK_MS);
    while (cursor < target && !stopped) {
      cursor++;
      const bucket = slots.get(cursor);
      if (!bucket) continue;
      slots.delete(cursor);
      for (const d of bucket) {
        d.slot = undefined;
        try {
          fire(d, now);
        } catch {
          // A device must not stop the air (e.g. a network closed under it): try again later.
          schedule(d, now + d.spec.uplinkEveryMs);
        }
      }
    }
  }

  // A device may also join by another path (a test or the demo calling simulateJoin as
  // the device): the air follows it, so there is one device, wherever it joined.
  const observers = networks.map((sim, i) => {
    const observe = (join: AcceptedJoin) => {
      const d = join.devEui ? devices.get(join.devEui.toUpperCase()) : undefined;
      if (!d || d.joinEui !== join.joinEui?.toUpperCase()) return;
      d.network = i;
      d.lastDevNonce = join.devNonce;
      d.lastJoinNonce = join.joinNonce;
      d.joinedAt = Date.now();
      d.rejoinAt = undefined;
    };
    internalsOf(sim).joinObservers.add(observe);
    return () => internalsOf(sim).joinObservers.delete(observe);
  });

  const timer = setInterval(tick, TICK_MS);
  timer.unref();

  return {
    addDevice(spec) {
      checkSpec(spec);
      const devEui = spec.devEui.toUpperCase();
      if (devices.has(devEui)) throw new Error(`device ${devEui} is already in the air`);
      const now = Date.now();
      const d: Device = {
        spec: { ...spec, ...(spec.trigger ? { trigger: { ...spec.trigger } } : {}) },
        devEui,
        joinEui: spec.joinEui.toUpperCase(),
        lastDevNonce: spec.lastDevNonce,
        lastJoinNonce: spec.lastJoinNonce,
        // Spread the first uplinks over one period.
        nextUplinkAt: now + Math.floor(random() * spec.uplinkEveryMs),
        joinAttempts: 0,
      };
      d.network = sessionNetwork(d);
      devices.set(devEui, d);
      // A device that is gone sends nothing: it never enters the wheel.
      if (spec.reacts === 'never') return;
      // A device without a session anywhere keeps trying to join.
      if (d.network === undefined) d.rejoinAt = now;
      schedule(d, Math.min(d.rejoinAt ?? Infinity, d.nextUplinkAt));
    },
    powerCycle(devEui) {
      const d = devices.get(devEui.toUpperCase());
      if (!d || d.spec.reacts === 'never' || stopped) return;
      if (!join(d)) d.rejoinAt = d.nextUplinkAt;
      schedule(d, d.rejoinAt !== undefined && d.rejoinAt < d.nextUplinkAt ? d.rejoinAt : d.nextUplinkAt);
    },
    deviceView(devEui) {
      const d = devices.get(devEui.toUpperCase());
      if (!d) return undefined;
      const view: AirDeviceView = { joinAttempts: d.joinAttempts };
      if (d.network !== undefined) view.network = d.network;
      if (d.triggerReceivedAt !== undefined) view.triggerReceivedAt = d.triggerReceivedAt;
      if (d.joinedAt !== undefined) view.joinedAt = d.joinedAt;
      return view;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      slots.clear();
      for (const remove of observers) remove();
    },
  };
}

/** Specs for every OTAA device of an application as the source holds them (key, nonces), with a behaviour chosen per device. */
export function airSpecsFromSimulator(
  sim: Simulator,
  appId: string,
  choose: (device: { deviceId: string; brandId?: string; modelId?: string }) => Pick<AirDeviceSpec, 'reacts' | 'trigger' | 'rejoinDelayMs' | 'uplinkEveryMs'>,
): AirDeviceSpec[] {
  const app = internalsOf(sim).store.app(appId);
  if (!app) throw new Error(`unknown application ${appId}`);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const out: AirDeviceSpec[] = [];
  for (const deviceId of sim.listDeviceIds(appId)) {
    const is = app.is.get(deviceId);
    const ns = app.ns.get(deviceId);
    // OTAA devices whose keys this deployment's JS holds (not multicast, not an external JS).
    if (!app.js.get(deviceId) || getPath(ns, 'supports_join') !== true || getPath(ns, 'multicast') === true) continue;
    const devEui = text(getPath(is, 'ids.dev_eui'));
    const joinEui = text(getPath(is, 'ids.join_eui'));
    const state = sim.deviceState(appId, deviceId);
    if (!devEui || !joinEui || !state?.key) continue;
    const brandId = text(getPath(is, 'version_ids.brand_id'));
    const modelId = text(getPath(is, 'version_ids.model_id'));
    const behaviour = choose({ deviceId, ...(brandId ? { brandId } : {}), ...(modelId ? { modelId } : {}) });
    out.push({ devEui, joinEui, key: state.key, lastDevNonce: state.lastDevNonce, lastJoinNonce: state.lastJoinNonce, ...behaviour });
  }
  return out;
}
