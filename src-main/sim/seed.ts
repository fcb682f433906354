// Deterministic, realistic fleets for tests and the demo: OTAA 1.0.2 / 1.0.3 /
// 1.1 devices that joined the source (session on NS/AS), ABP 1.0.3 devices,
// and about 1 in 50 whose keys sit on an external Join Server. The `varied`
// mix adds every root-key combination the Join Server's key table tells apart
// (pkg/joinserver/joinserver.go HandleJoin), LoRaWAN 1.0.4, nonce history and
// multicast groups. Devices name the server addresses of their application.
import type { SimContext } from './context.js';
import type { JsonObject } from './json-path.js';
import type { Slot } from './store.js';
import type { SeedOptions } from './types.js';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n random bytes from the seeded PRNG (32 bits per draw). */
function bytes(rand: () => number, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) {
    const v = Math.floor(rand() * 4294967296) >>> 0;
    for (let j = 0; j < 4 && i + j < n; j++) buf[i + j] = (v >>> (8 * j)) & 0xff;
  }
  return buf;
}
function hex(rand: () => number, chars: number): string {
  return bytes(rand, chars / 2).toString('hex').toUpperCase();
}
function base64Id(rand: () => number): string {
  return bytes(rand, 16).toString('base64');
}

const JOIN_EUIS = ['70B3D57ED0000000', '0000000000000000', 'A840410000000101', 'EC656E0000000001'];
const PLANS = [
  { id: 'EU_863_870_TTN', band: 'EU_863_870', weight: 0.6 },
  { id: 'US_902_928_FSB_2', band: 'US_902_928', weight: 0.25 },
  { id: 'AU_915_928_FSB_2', band: 'AU_915_928', weight: 0.15 },
];
const KINDS = ['Soil probe', 'Water meter', 'Door sensor', 'Tracker', 'Air quality sensor', 'Parking sensor'];
const SITES = ['north-field', 'warehouse-2', 'main-street', 'harbour', 'campus-east'];
const MODELS = [
  { brand_id: 'the-things-industries', model_id: 'generic-node-sensor-edition', hardware_version: '1.0', firmware_version: '1.0' },
  { brand_id: 'dragino', model_id: 'lht65', hardware_version: 'unknown', firmware_version: '1.8' },
  // Its maker documents a reboot downlink (FPort 85, ff10ff):
  // https://www.milesight.com/products/docs/en/em320-th/protocol/em320/em320-th-downlink.html
  // Versions as in TheThingsNetwork/lorawan-devices vendor/milesight-iot/em320-th.yaml.
  { brand_id: 'milesight-iot', model_id: 'em320-th', hardware_version: 'V1.0', firmware_version: '1.02' },
];
/** SeedOptions.modelShare default: share of devices with version_ids. */
const DEFAULT_MODEL_SHARE = 0.3;
const EXTERNAL_JS = 'js.example-external.com';
const EPOCH = Date.parse('2024-03-01T08:00:00.000Z');
const LAST_SEEN_BASE = Date.parse('2025-01-15T12:00:00.000Z');

type Kind = 'otaa102' | 'otaa103' | 'otaa11' | 'abp' | 'external';

function pickKind(mix: SeedOptions['mix'], r: number, index: number): Kind {
  if (mix === 'abp') return 'abp';
  if (mix === 'otaa') return r < 0.35 ? 'otaa102' : r < 0.85 ? 'otaa103' : 'otaa11';
  if (index % 50 === 49) return 'external';
  return r < 0.3 ? 'otaa102' : r < 0.72 ? 'otaa103' : r < 0.84 ? 'otaa11' : 'abp';
}

interface Shared {
  applicationId: string;
  appIds: JsonObject;
  /** The application's server addresses (the IS copies them into each device on create). */
  nsAddress: string;
  asAddress: string;
  jsAddress: string;
  mix: SeedOptions['mix'];
  modelShare: number;
  versionIds: JsonObject[];
  macStates: Map<string, JsonObject>;
  allocateDevAddr: (rand: () => number) => string;
}

interface DeviceSeed {
  index: number;
  number: number;
  deviceId: string;
  devEui: string;
  joinEui: string;
  rand: () => number;
}

// Read-only constants shared between devices. Nothing mutates stored
// sub-objects in place: handlers clone a record before changing it, and the
// join simulation replaces whole fields.
const MAC_SETTINGS: JsonObject = { rx1_delay: 5, supports_32_bit_f_cnt: true };
const ABP_MAC_SETTINGS: JsonObject = { rx1_delay: 5, supports_32_bit_f_cnt: true, resets_f_cnt: true };
const RESETS_F_CNT: JsonObject = { resets_f_cnt: true };

/** NS session keys: LoRaWAN 1.1 has three network keys, 1.0.x one (copied into all three). */
function networkSessionKeys(rand: () => number, fNwk: string, is11: boolean, sessionKeyId: string | undefined): JsonObject {
  const keys: JsonObject = {
    f_nwk_s_int_key: { key: fNwk },
    s_nwk_s_int_key: { key: is11 ? hex(rand, 32) : fNwk },
    nwk_s_enc_key: { key: is11 ? hex(rand, 32) : fNwk },
  };
  if (sessionKeyId) keys.session_key_id = sessionKeyId;
  return keys;
}

/** The parts of one seeded device; called on its first access. */
function build(slot: Slot, sh: Shared, d: DeviceSeed): void {
  if (sh.mix === 'varied') return buildVaried(slot, sh, d);
  const { rand, deviceId, devEui, joinEui, index } = d;
  const { appIds } = sh;
  const kind = pickKind(sh.mix, rand(), index);
  const pr = rand();
  const planIndex = pr < 0.6 ? 0 : pr < 0.85 ? 1 : 2;
  const plan = PLANS[planIndex] as (typeof PLANS)[number];
  const macVersion = kind === 'otaa102' ? 'MAC_V1_0_2' : kind === 'otaa11' ? 'MAC_V1_1' : 'MAC_V1_0_3';
  const phyVersion = kind === 'otaa102' ? 'PHY_V1_0_2_REV_B' : kind === 'otaa11' ? 'PHY_V1_1_REV_B' : 'PHY_V1_0_3_REV_A';
  const created = new Date(EPOCH + index * 37_000 + Math.floor(rand() * 30_000)).toISOString();
  const label = KINDS[Math.floor(rand() * KINDS.length)] as string;
  const is: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui },
    name: `${label} ${d.number}`,
    created_at: created,
    updated_at: created,
  };
  if (rand() < 0.5) is.description = `${label} installed at ${SITES[Math.floor(rand() * SITES.length)]}`;
  if (rand() < 0.4) is.attributes = { site: SITES[Math.floor(rand() * SITES.length)] as string, floor: String(Math.floor(rand() * 5)) };
  const model = rand() < sh.modelShare ? sh.versionIds[Math.floor(rand() * MODELS.length) * PLANS.length + planIndex] : undefined;
  if (model) is.version_ids = model;
  is.network_server_address = sh.nsAddress;
  is.application_server_address = sh.asAddress;
  if (kind !== 'abp') is.join_server_address = kind === 'external' ? EXTERNAL_JS : sh.jsAddress;
  if (rand() < 0.7) {
    is.last_seen_at = new Date(LAST_SEEN_BASE - Math.floor(rand() * 14 * 86_400_000)).toISOString();
    is.activated_at = created;
  }

  const devAddr = sh.allocateDevAddr(rand);
  const fNwk = hex(rand, 32);
  const is11 = kind === 'otaa11';
  const joins = kind !== 'abp';
  const sessionKeyId = joins ? base64Id(rand) : undefined;
  const nsKeys = networkSessionKeys(rand, fNwk, is11, sessionKeyId);
  const ns: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui, dev_addr: devAddr },
    created_at: created,
    updated_at: created,
    lorawan_version: macVersion,
    lorawan_phy_version: phyVersion,
    frequency_plan_id: plan.id,
    session: {
      dev_addr: devAddr,
      keys: nsKeys,
      last_f_cnt_up: Math.floor(rand() * 5000),
      last_n_f_cnt_down: Math.floor(rand() * 40),
      started_at: created,
    },
    mac_state: sh.macStates.get(macVersion) as JsonObject,
  };
  if (joins) ns.supports_join = true;
  if (model) ns.version_ids = model;
  const customMac = rand() < 0.25;
  if (kind === 'abp' && rand() < 0.5) ns.mac_settings = customMac ? ABP_MAC_SETTINGS : RESETS_F_CNT;
  else if (customMac) ns.mac_settings = MAC_SETTINGS;

  const asKeys: JsonObject = { app_s_key: { key: hex(rand, 32) } };
  if (sessionKeyId) asKeys.session_key_id = sessionKeyId;
  const as: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui, dev_addr: devAddr },
    created_at: created,
    updated_at: created,
    session: { dev_addr: devAddr, keys: asKeys, last_a_f_cnt_down: Math.floor(rand() * 20) },
  };
  if (model) as.version_ids = model;
  slot.is = is;
  slot.ns = ns;
  slot.as = as;
  if (joins && kind !== 'external') {
    const rootKeys: JsonObject = { app_key: { key: hex(rand, 32) } };
    if (is11) rootKeys.nwk_key = { key: hex(rand, 32) };
    slot.js = {
      ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui },
      created_at: created,
      updated_at: created,
      root_keys: rootKeys,
      network_server_address: sh.nsAddress,
      application_server_address: sh.asAddress,
      last_dev_nonce: Math.floor(rand() * 200),
      last_join_nonce: Math.floor(rand() * 20),
    };
  }
}

type VariedKind = 'appKey10' | 'bothCli' | 'bothOther' | 'nwkOnly103' | 'otaa104' | 'otaa11' | 'abp' | 'multicast' | 'external';

/** The `varied` mix: the kind of device `index` (about 1 in 50 external). */
export function pickVariedKind(r: number, index: number): VariedKind {
  if (index % 50 === 49) return 'external';
  if (r < 0.14) return 'appKey10';
  if (r < 0.22) return 'bothCli';
  if (r < 0.3) return 'bothOther';
  if (r < 0.36) return 'nwkOnly103';
  if (r < 0.54) return 'otaa104';
  if (r < 0.7) return 'otaa11';
  if (r < 0.88) return 'abp';
  return 'multicast';
}

/** Root key ids other than the CLI's (joinserver.go: any id but `ttn-lw-cli-generated` makes a 1.0.x JS use the NwkKey). */
const OTHER_ROOT_KEY_IDS = ['acme-factory-2023', 'provisioned-batch-7', 'lns-import'];
const CLI_ROOT_KEY_ID = 'ttn-lw-cli-generated';

/** A few distinct DevNonces a pre-1.0.4 device used (random values, as such devices pick them). */
function usedDevNonces(rand: () => number): number[] {
  const n = 2 + Math.floor(rand() * 5);
  const out: number[] = [];
  while (out.length < n) {
    const v = 256 + Math.floor(rand() * (65536 - 256));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * The parts of one device of the `varied` mix: OTAA 1.0.2/1.0.3 with only an
 * AppKey; 1.0.x with AppKey and NwkKey (root_key_id the CLI's or another);
 * 1.0.3 with only a NwkKey; 1.0.4 and 1.1 with nonce history (some resetting
 * their nonces); ABP 1.0.3; ABP multicast class B/C groups; external JS.
 */
function buildVaried(slot: Slot, sh: Shared, d: DeviceSeed): void {
  const { rand, deviceId, devEui, joinEui, index } = d;
  const { appIds } = sh;
  const kind = pickVariedKind(rand(), index);
  const pr = rand();
  const planIndex = pr < 0.6 ? 0 : pr < 0.85 ? 1 : 2;
  const plan = PLANS[planIndex] as (typeof PLANS)[number];
  const v102 = rand() < 0.4 && (kind === 'appKey10' || kind === 'bothCli' || kind === 'bothOther');
  const macVersion = kind === 'otaa104' ? 'MAC_V1_0_4' : kind === 'otaa11' ? 'MAC_V1_1' : v102 ? 'MAC_V1_0_2' : 'MAC_V1_0_3';
  const phyVersion =
    kind === 'otaa104' ? 'RP002_V1_0_3' : kind === 'otaa11' ? 'PHY_V1_1_REV_B' : v102 ? 'PHY_V1_0_2_REV_B' : 'PHY_V1_0_3_REV_A';
  const joins = kind !== 'abp' && kind !== 'multicast';
  const multicast = kind === 'multicast';
  const created = new Date(EPOCH + index * 37_000 + Math.floor(rand() * 30_000)).toISOString();
  const label = multicast ? 'Multicast group' : (KINDS[Math.floor(rand() * KINDS.length)] as string);
  const is: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui },
    name: `${label} ${d.number}`,
    created_at: created,
    updated_at: created,
  };
  if (rand() < 0.5) is.description = `${label} at ${SITES[Math.floor(rand() * SITES.length)]}`;
  is.network_server_address = sh.nsAddress;
  is.application_server_address = sh.asAddress;
  if (joins) is.join_server_address = kind === 'external' ? EXTERNAL_JS : sh.jsAddress;
  if (!multicast && rand() < 0.7) {
    is.last_seen_at = new Date(LAST_SEEN_BASE - Math.floor(rand() * 14 * 86_400_000)).toISOString();
    is.activated_at = created;
  }

  const devAddr = sh.allocateDevAddr(rand);
  const is11 = kind === 'otaa11';
  const fNwk = hex(rand, 32);
  const sessionKeyId = joins ? base64Id(rand) : undefined;
  const nsKeys = networkSessionKeys(rand, fNwk, is11, sessionKeyId);
  const session: JsonObject = { dev_addr: devAddr, keys: nsKeys, last_n_f_cnt_down: Math.floor(rand() * 40), started_at: created };
  // pkg/networkserver ifNotZeroThenZeroFields["multicast"]: no uplink counter on a multicast group.
  if (!multicast) session.last_f_cnt_up = Math.floor(rand() * 5000);
  const ns: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui, dev_addr: devAddr },
    created_at: created,
    updated_at: created,
    lorawan_version: macVersion,
    lorawan_phy_version: phyVersion,
    frequency_plan_id: plan.id,
    session,
  };
  if (joins) ns.supports_join = true;
  if (multicast) {
    // Multicast groups are class B or C (ifNotZeroThenFuncFields); class B needs a ping slot period.
    const classB = rand() < 0.35;
    ns.multicast = true;
    if (classB) {
      ns.supports_class_b = true;
      ns.mac_settings = { ping_slot_periodicity: 'PING_EVERY_8S' };
    } else ns.supports_class_c = true;
    ns.mac_state = { lorawan_version: macVersion, device_class: classB ? 'CLASS_B' : 'CLASS_C' };
  } else {
    ns.mac_state = sh.macStates.get(macVersion) as JsonObject;
    if (kind === 'abp' && rand() < 0.5) ns.mac_settings = RESETS_F_CNT;
    else if (rand() < 0.25) ns.mac_settings = MAC_SETTINGS;
  }

  const asKeys: JsonObject = { app_s_key: { key: hex(rand, 32) } };
  if (sessionKeyId) asKeys.session_key_id = sessionKeyId;
  const as: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui, dev_addr: devAddr },
    created_at: created,
    updated_at: created,
    session: { dev_addr: devAddr, keys: asKeys, last_a_f_cnt_down: Math.floor(rand() * 20) },
  };
  slot.is = is;
  slot.ns = ns;
  slot.as = as;
  if (!joins || kind === 'external') return;

  const rootKeys: JsonObject = {};
  if (kind !== 'nwkOnly103') rootKeys.app_key = { key: hex(rand, 32) };
  if (kind === 'bothCli' || kind === 'bothOther' || kind === 'nwkOnly103' || kind === 'otaa11') rootKeys.nwk_key = { key: hex(rand, 32) };
  if (kind === 'bothCli') rootKeys.root_key_id = CLI_ROOT_KEY_ID;
  else if (kind === 'bothOther') rootKeys.root_key_id = OTHER_ROOT_KEY_IDS[Math.floor(rand() * OTHER_ROOT_KEY_IDS.length)] as string;
  else if (kind === 'nwkOnly103' && rand() < 0.5) rootKeys.root_key_id = OTHER_ROOT_KEY_IDS[0] as string;
  // LoRaWAN 1.1 uses the NwkKey whatever the id: some carry the CLI's.
  else if (kind === 'otaa11' && rand() < 0.3) rootKeys.root_key_id = CLI_ROOT_KEY_ID;
  const js: JsonObject = {
    ids: { device_id: deviceId, application_ids: appIds, dev_eui: devEui, join_eui: joinEui, dev_addr: devAddr },
    created_at: created,
    updated_at: created,
    root_keys: rootKeys,
    network_server_address: sh.nsAddress,
    application_server_address: sh.asAddress,
    // HandleJoin: every accepted join counts up the JoinNonce.
    last_join_nonce: 1 + Math.floor(rand() * 500),
  };
  if (kind === 'otaa104' || kind === 'otaa11') {
    // From 1.0.4 the JS keeps the last DevNonce (macspec.IncrementDevNonce) ...
    js.last_dev_nonce = 1 + Math.floor(rand() * 3000);
    if (rand() < 0.25) js.resets_join_nonces = true;
  } else {
    // ... before, the DevNonces it has seen (DevNonceLimit 10).
    js.used_dev_nonces = usedDevNonces(rand);
    if (rand() < 0.1) js.resets_join_nonces = true;
  }
  slot.js = js;
}

export class Seeder {
  /** DevEUIs come from one counter per simulator, so they never repeat. */
  private devEuiCounter = 0;
  private readonly idCounters = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {}

  /**
   * Registers `count` devices. Each device draws from its own PRNG stream
   * (seed, index), so its content does not depend on which devices are read
   * first; the parts are built on first access.
   */
  seed(applicationId: string, count: number, opts: SeedOptions = {}): string[] {
    const app = this.ctx.store.app(applicationId);
    if (!app) throw new Error(`unknown application ${applicationId}`);
    const seed = opts.seed ?? 1;
    if (opts.modelShare !== undefined && !(opts.modelShare >= 0 && opts.modelShare <= 1)) throw new Error('modelShare must be within 0..1');
    const prefix = opts.idPrefix ?? 'dev';
    const width = Math.max(5, String(count).length);
    const devAddrs = this.ctx.devAddrs;
    const address = (field: string): string => {
      const v = app.record[field];
      return typeof v === 'string' && v !== '' ? v : this.ctx.clusterHost;
    };
    const shared: Shared = {
      applicationId,
      appIds: { application_id: applicationId },
      nsAddress: address('network_server_address'),
      asAddress: address('application_server_address'),
      jsAddress: address('join_server_address'),
      mix: opts.mix,
      modelShare: opts.modelShare ?? DEFAULT_MODEL_SHARE,
      versionIds: MODELS.flatMap((m) => PLANS.map((p) => ({ ...m, band_id: p.band }))),
      macStates: new Map(['MAC_V1_0_2', 'MAC_V1_0_3', 'MAC_V1_0_4', 'MAC_V1_1'].map((v) => [v, { lorawan_version: v, device_class: 'CLASS_A' }])),
      allocateDevAddr: (rand) => devAddrs.allocate(rand),
    };
    const out: string[] = [];
    let n = this.idCounters.get(`${applicationId}/${prefix}`) ?? 0;
    for (let i = 0; i < count; i++) {
      let deviceId: string;
      do deviceId = `${prefix}-${String(++n).padStart(width, '0')}`;
      while (app.slots.has(deviceId));
      const rand = prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
      let devEui: string;
      let joinEui: string;
      do {
        devEui = `70B3D57ED0${(++this.devEuiCounter).toString(16).toUpperCase().padStart(6, '0')}`;
        joinEui = JOIN_EUIS[Math.floor(rand() * JOIN_EUIS.length)] as string;
      } while (this.ctx.store.euiOwner(joinEui, devEui));
      const d: DeviceSeed = { index: i, number: n, deviceId, devEui, joinEui, rand };
      this.ctx.store.putPending(app, deviceId, joinEui, devEui, (slot) => build(slot, shared, d));
      out.push(deviceId);
    }
    this.idCounters.set(`${applicationId}/${prefix}`, n);
    return out;
  }
}
