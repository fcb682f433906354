// The Network Server's rules on Get/Set of an end device: key rights, the field implications
// of pkg/networkserver/grpc_deviceregistry.go (ifNotZeroThen*, the multicast and ABP tables),
// the band check, the session validator, and what a create derives.
import { R } from './auth.js';
import { type ComponentRules, baseIds, from104, isZeroAt, macOrder, str, useNwkKey, zeroKey } from './component-common.js';
import { classAMulticast, frequencyPlanNotFound, invalidFieldValue, noBandVersion, nsDeviceNotFound, registryNotFound } from './errors.js';
import { type JsonObject, getPath, hasAnyField, isObject, setPath } from './json-path.js';

const NS_SESSION_KEY_PATHS = [
  'session.keys.f_nwk_s_int_key.key',
  'session.keys.nwk_s_enc_key.key',
  'session.keys.s_nwk_s_int_key.key',
  'pending_session.keys.f_nwk_s_int_key.key',
  'pending_session.keys.nwk_s_enc_key.key',
  'pending_session.keys.s_nwk_s_int_key.key',
  'mac_state.queued_join_accept.keys.f_nwk_s_int_key.key',
  'mac_state.queued_join_accept.keys.nwk_s_enc_key.key',
  'mac_state.queued_join_accept.keys.s_nwk_s_int_key.key',
  'pending_mac_state.queued_join_accept.keys.f_nwk_s_int_key.key',
  'pending_mac_state.queued_join_accept.keys.nwk_s_enc_key.key',
  'pending_mac_state.queued_join_accept.keys.s_nwk_s_int_key.key',
];

/** Frequency plans are checked by shape, not against the real list. */
const FREQUENCY_PLAN = /^[A-Z]{2}_\d{3}(?:_[A-Z0-9]+)*$/;
const KNOWN_PHY = /^(PHY_V1_0|PHY_V1_0_1|PHY_V1_0_2_REV_[AB]|PHY_V1_1_REV_[AB]|PHY_V1_0_3_REV_A|RP002_V1_0_[0-4])$/;
const bandOf = (fp: string) => /^[A-Z]{2}_\d{3}(?:_\d{3})?/.exec(fp)?.[0] ?? fp;

// pkg/networkserver/grpc_deviceregistry.go ifNotZeroThenZeroFields["multicast"]:
// what a multicast device may not have (relay leaves under four roots, and the rest).
const RELAY_LEAVES = [
  'served.backoff', 'served.mode.always', 'served.mode.dynamic.smart_enable_level', 'served.mode.end_device_controlled',
  'served.second_channel.ack_offset', 'served.second_channel.data_rate_index', 'served.second_channel.frequency',
  'served.serving_device_id', 'serving.cad_periodicity', 'serving.default_channel_index',
  'serving.limits.join_requests.bucket_size', 'serving.limits.join_requests.reload_rate',
  'serving.limits.notifications.bucket_size', 'serving.limits.notifications.reload_rate',
  'serving.limits.overall.bucket_size', 'serving.limits.overall.reload_rate', 'serving.limits.reset_behavior',
  'serving.limits.uplink_messages.bucket_size', 'serving.limits.uplink_messages.reload_rate',
  'serving.second_channel.ack_offset', 'serving.second_channel.data_rate_index', 'serving.second_channel.frequency',
  'serving.uplink_forwarding_rules',
];
export const MULTICAST_ZERO_FIELDS: readonly string[] = [
  ...['mac_settings.desired_relay', 'mac_settings.relay'].flatMap((r) => RELAY_LEAVES.map((l) => `${r}.mode.${l}`)),
  'mac_settings.schedule_downlinks.value',
  ...['mac_state.current_parameters.relay', 'mac_state.desired_parameters.relay'].flatMap((r) => RELAY_LEAVES.map((l) => `${r}.mode.${l}`)),
  'mac_state.last_adr_change_f_cnt_up',
  'mac_state.last_confirmed_downlink_at',
  'mac_state.last_dev_status_f_cnt_up',
  'mac_state.pending_application_downlink',
  'mac_state.pending_requests',
  'mac_state.queued_responses',
  'mac_state.recent_mac_command_identifiers',
  'mac_state.recent_uplinks',
  'mac_state.rejected_adr_data_rate_indexes',
  'mac_state.rejected_adr_tx_power_indexes',
  'mac_state.rejected_data_rate_ranges',
  'mac_state.rejected_frequencies',
  'mac_state.rx_windows_available',
  'session.last_conf_f_cnt_down',
  'session.last_f_cnt_up',
  'supports_join',
];

// ifZeroThenZeroFields["supports_join"] (the leaves the simulator stores): an
// ABP device has no session key id, pending session or pending MAC state.
const ABP_ZERO_FIELDS = [
  'pending_mac_state.device_class',
  'pending_mac_state.lorawan_version',
  'pending_session.dev_addr',
  'pending_session.keys.f_nwk_s_int_key.key',
  'pending_session.keys.nwk_s_enc_key.key',
  'pending_session.keys.s_nwk_s_int_key.key',
  'pending_session.keys.session_key_id',
  'session.keys.session_key_id',
];
// ifZeroThenNotZeroFields["supports_join"]: an ABP device has a session.
const ABP_NOT_ZERO_FIELDS = ['session.dev_addr', 'session.keys.f_nwk_s_int_key.key'];
// ifNotZeroThenNotZeroFields["supports_join"]: an OTAA device has both EUIs.
const OTAA_NOT_ZERO_FIELDS = ['ids.dev_eui', 'ids.join_eui'];

/** The session validator of NS Set runs when the request sets any of these. */
const SESSION_VALIDATOR_FIELDS = ['lorawan_version', 'mac_state', 'multicast', 'session', 'supports_join'];
/** "Ensure parameters are consistent with band specifications" runs for these (those the simulator knows). */
const BAND_FIELDS = ['frequency_plan_id', 'lorawan_phy_version', 'supports_class_b', 'mac_settings.rx2_data_rate_index.value', 'mac_settings.rx2_frequency.value'];

/** mac.DeviceDefaultClass of the request device. */
function deviceDefaultClass(dev: JsonObject): string {
  const c = getPath(dev, 'supports_class_c') === true;
  if (!useNwkKey(getPath(dev, 'lorawan_version')) && c) return 'CLASS_C';
  if (getPath(dev, 'multicast') !== true) return 'CLASS_A';
  if (c) return 'CLASS_C';
  if (getPath(dev, 'supports_class_b') === true) return 'CLASS_B';
  throw classAMulticast();
}

/** The field implications of NS Set (ifZeroThen.../ifNotZeroThen... tables), on the effective device. */
function checkImplications(next: JsonObject, mask: readonly string[], isSet: (...p: string[]) => boolean): void {
  const fv = (f: string) => invalidFieldValue('ns', f);
  const otaa = getPath(next, 'supports_join') === true;
  const multicast = getPath(next, 'multicast') === true;
  // ifZeroThenZeroFields / ifZeroThenNotZeroFields ["supports_join"], both directions.
  if (isSet('supports_join') && !otaa) {
    for (const r of ABP_ZERO_FIELDS) if (!isZeroAt(next, r)) throw fv(r);
    for (const r of ABP_NOT_ZERO_FIELDS) if (isZeroAt(next, r)) throw fv(r);
  }
  if (!otaa) {
    for (const r of ABP_ZERO_FIELDS) if (isSet(r) && !isZeroAt(next, r)) throw fv('supports_join');
    for (const r of ABP_NOT_ZERO_FIELDS) if (isSet(r) && isZeroAt(next, r)) throw fv('supports_join');
  }
  // ifZeroThenFuncFields["supports_join"]: an ABP device without DevEUI needs a known
  // version, and from LoRaWAN 1.0.4 a DevEUI unless multicast; class B needs a ping slot period.
  if (!otaa && (isSet('supports_join') || isSet('ids.dev_eui', 'lorawan_version', 'multicast'))) {
    if (zeroKey(next, 'ids.dev_eui')) {
      if (macOrder(getPath(next, 'lorawan_version')) === 0) throw fv('lorawan_version');
      if (from104(getPath(next, 'lorawan_version')) && !multicast) throw fv('ids.dev_eui');
    }
  }
  const classBNeedsPingSlot = () =>
    getPath(next, 'supports_class_b') === true && getPath(next, 'mac_settings.ping_slot_periodicity') === undefined;
  if (!otaa && (isSet('supports_join') || isSet('mac_settings.ping_slot_periodicity.value', 'supports_class_b')) && classBNeedsPingSlot()) {
    throw fv('mac_settings.ping_slot_periodicity.value');
  }
  // ifNotZeroThenNotZeroFields["supports_join"] (a zero JoinEUI counts as set).
  if (isSet('supports_join') && otaa) for (const r of OTAA_NOT_ZERO_FIELDS) if (getPath(next, r) === undefined) throw fv(r);
  if (otaa) for (const r of OTAA_NOT_ZERO_FIELDS) if (isSet(r) && getPath(next, r) === undefined) throw fv('supports_join');
  // ifNotZeroThenZeroFields["multicast"]: e.g. no mac_settings.schedule_downlinks
  // true (false or unset is fine), no uplink counters, not OTAA.
  if (isSet('multicast') && multicast) for (const r of MULTICAST_ZERO_FIELDS) if (!isZeroAt(next, r)) throw fv(r);
  if (multicast) for (const r of MULTICAST_ZERO_FIELDS) if (isSet(r) && !isZeroAt(next, r)) throw fv('multicast');
  // ifNotZeroThenFuncFields["multicast"]: class B or C, and class B with a ping slot period.
  if (multicast && isSet('multicast', 'supports_class_b', 'supports_class_c')) {
    if (getPath(next, 'supports_class_b') !== true && getPath(next, 'supports_class_c') !== true) throw fv('supports_class_b');
  }
  if (multicast && isSet('multicast', 'mac_settings.ping_slot_periodicity.value', 'supports_class_b') && classBNeedsPingSlot()) {
    throw fv('mac_settings.ping_slot_periodicity.value');
  }
  void mask;
}

/** The band lookup (DeviceFrequencyPlanAndBand) of a frequency plan and PHY version. */
function checkBand(fp: string | undefined, phy: unknown): void {
  if (fp === undefined || !FREQUENCY_PLAN.test(fp)) throw frequencyPlanNotFound(fp ?? '');
  if (typeof phy !== 'string' || !KNOWN_PHY.test(phy)) throw noBandVersion(typeof phy === 'string' ? phy : 'PHY_UNKNOWN', bandOf(fp));
}

/** The session validator and the session/MAC-state derivations of NS Set. */
function checkNsSession(
  next: JsonObject,
  stored: JsonObject | undefined,
  dev: JsonObject,
  mask: readonly string[],
  isSet: (...p: string[]) => boolean,
  now: string,
): void {
  const fv = (f: string) => invalidFieldValue('ns', f);
  const hasSession = isObject(next.session);
  // Set's hasSession is only computed (and the derivations below only made) when the validator runs.
  const validates = isSet(...SESSION_VALIDATOR_FIELDS) || mask.some((p) => p.startsWith('session.') || p.startsWith('mac_state.'));
  if (validates) {
    const hasMacState = isObject(next.mac_state);
    const multicast = getPath(next, 'multicast') === true;
    if (hasMacState || hasSession || multicast) {
      if (!hasSession) throw fv('session');
      if (!hasMacState && isSet('mac_state')) throw fv('mac_state');
      if (hasMacState && multicast && (getPath(next, 'mac_state.device_class') ?? 'CLASS_A') === 'CLASS_A') throw fv('mac_state.device_class');
      const macVersion = hasMacState ? getPath(next, 'mac_state.lorawan_version') : getPath(next, 'lorawan_version');
      if (str(next, 'session.dev_addr') === undefined) throw fv('session.dev_addr');
      if (zeroKey(next, 'session.keys.f_nwk_s_int_key.key')) throw fv('session.keys.f_nwk_s_int_key.key');
      if (useNwkKey(macVersion)) {
        if (zeroKey(next, 'session.keys.nwk_s_enc_key.key')) throw fv('session.keys.nwk_s_enc_key.key');
        if (zeroKey(next, 'session.keys.s_nwk_s_int_key.key')) throw fv('session.keys.s_nwk_s_int_key.key');
      } else {
        const f = str(next, 'session.keys.f_nwk_s_int_key.key');
        for (const k of ['nwk_s_enc_key', 's_nwk_s_int_key']) {
          const p = `session.keys.${k}.key`;
          if (isSet(p) && str(next, p) !== f) throw fv(p);
        }
      }
      if (getPath(next, 'supports_join') === true && getPath(next, 'session.keys.session_key_id') === undefined) {
        throw fv('session.keys.session_key_id');
      }
    }
  }
  if (!validates || !hasSession) return;
  // SetByID: a session without a stored MAC state gets mac.NewState(request
  // device), which looks up the band of the REQUEST's frequency plan and PHY.
  let macVersion = getPath(next, 'mac_state.lorawan_version');
  if (!isObject(stored?.mac_state) && !isSet('mac_state')) {
    checkBand(str(dev, 'frequency_plan_id'), getPath(dev, 'lorawan_phy_version'));
    const macState: JsonObject = { device_class: deviceDefaultClass(dev) };
    const v = getPath(dev, 'lorawan_version');
    if (typeof v === 'string' && macOrder(v) > 0) macState.lorawan_version = v;
    next.mac_state = macState;
    macVersion = v;
  }
  // LoRaWAN 1.0.x: the NS copies FNwkSIntKey into SNwkSIntKey and NwkSEncKey.
  const f = str(next, 'session.keys.f_nwk_s_int_key.key');
  if (isSet('session.keys.f_nwk_s_int_key.key') && f && !useNwkKey(macVersion)) {
    setPath(next, 'session.keys.nwk_s_enc_key', { key: f });
    setPath(next, 'session.keys.s_nwk_s_int_key', { key: f });
  }
  if (getPath(next, 'session.started_at') === undefined) setPath(next, 'session.started_at', now);
}

export const NS: ComponentRules = {
  getRpc: 'NsEndDeviceRegistry.Get',
  setRpc: 'NsEndDeviceRegistry.Set',
  readRights(mask) {
    const rights: string[] = [R.DEVICES_READ];
    if (hasAnyField(mask, 'pending_session.queued_application_downlinks', 'queued_application_downlinks', 'session.queued_application_downlinks')) {
      rights.push(R.TRAFFIC_READ);
    }
    if (hasAnyField(mask, ...NS_SESSION_KEY_PATHS)) rights.push(R.DEVICES_READ_KEYS);
    return rights;
  },
  writeRights: (mask) =>
    hasAnyField(mask, ...NS_SESSION_KEY_PATHS, 'session.keys.session_key_id', 'pending_session.keys.session_key_id')
      ? [R.DEVICES_WRITE, R.DEVICES_WRITE_KEYS]
      : [R.DEVICES_WRITE],
  preCheck() {},
  finish(next, stored, dev, mask, now) {
    const fv = (f: string) => invalidFieldValue('ns', f);
    // Set adds ids.join_eui / ids.dev_eui / ids.dev_addr to the set fields when the body has them.
    const extra = ['ids.join_eui', 'ids.dev_eui', 'ids.dev_addr'].filter((p) => getPath(dev, p) !== undefined);
    const sets = [...mask, ...extra];
    const isSet = (...p: string[]) => hasAnyField(sets, ...p);
    // ValidateSetField: a set frequency_plan_id is not empty; set versions are valid.
    if (isSet('frequency_plan_id') && str(dev, 'frequency_plan_id') === undefined) throw fv('frequency_plan_id');
    // MACVersion/PHYVersion Validate(): the UNKNOWN (0) value is refused.
    if (isSet('lorawan_phy_version') && !KNOWN_PHY.test(str(dev, 'lorawan_phy_version') ?? '')) throw fv('lorawan_phy_version');
    if (isSet('lorawan_version') && macOrder(getPath(dev, 'lorawan_version')) === 0) throw fv('lorawan_version');
    if (isSet('mac_state.lorawan_version') && isObject(dev.mac_state) && macOrder(getPath(dev, 'mac_state.lorawan_version')) === 0) {
      throw fv('mac_state.lorawan_version');
    }
    // ids.dev_addr and session.dev_addr are consistent.
    if (isSet('ids.dev_addr')) {
      const want = str(dev, 'ids.dev_addr');
      const ok = want === undefined ? !isObject(next.session) : str(next, 'session.dev_addr') === want;
      if (!ok) throw fv('session.dev_addr');
      if (want) setPath(next, 'ids.dev_addr', want);
      else if (isObject(next.ids)) delete next.ids.dev_addr;
    } else if (isSet('session.dev_addr')) {
      const addr = str(next, 'session.dev_addr');
      if (addr) setPath(next, 'ids.dev_addr', addr);
      else if (isObject(next.ids)) delete next.ids.dev_addr;
    }
    checkImplications(next, mask, isSet);
    if (isSet(...BAND_FIELDS)) checkBand(str(next, 'frequency_plan_id'), getPath(next, 'lorawan_phy_version'));
    checkNsSession(next, stored, dev, mask, isSet, now);
    if (stored) {
      for (const f of ['multicast', 'supports_join']) {
        if (isSet(f) && (getPath(dev, f) === true) !== (getPath(stored, f) === true)) throw fv(f);
      }
    }
  },
  createIds(dev) {
    const ids = baseIds(dev);
    const join = getPath(dev, 'ids.join_eui');
    const devEui = getPath(dev, 'ids.dev_eui');
    if (join !== undefined) ids.join_eui = join;
    if (devEui !== undefined) ids.dev_eui = devEui;
    return ids;
  },
  // NS Set "accounts for CLI not sending ids.* paths": body EUIs count as set.
  idSets: (dev, mask) => [...mask, ...['ids.join_eui', 'ids.dev_eui'].filter((p) => getPath(dev, p) !== undefined)],
  getNotFound: registryNotFound,
  deleteNotFound: () => nsDeviceNotFound(),
};
