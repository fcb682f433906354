// A queued application downlink leaving in the RX window of an uplink, and
// what the NS and AS publish about it. Sources (v3.32):
// pkg/networkserver/downlink.go attemptClassADataDownlink (correlation ids: the
// uplink's, the downlink's, ns:downlink, ns:transmission) and scheduleDownlinkByPaths
// (ns.down.data.schedule.attempt/success), grpc_gsns.go ReportTxAcknowledgment
// (ns.down.transmission.success, then ApplicationUp.downlink_sent to the AS),
// pkg/applicationserver handleUp + registerForwardUp (the AS decrypts it and
// publishes as.down.data.sent.forward).
import { decryptSent } from './as-downlink.js';
import type { SimContext } from './context.js';
import { PRIORITIES, downlinkJson } from './downlink-codec.js';
import { type DeviceRef, deviceIdsJson, mergeCorrelationIds, ulid } from './events.js';
import { type JsonObject, getPath } from './json-path.js';
import { takeClassADownlink } from './ns-downlink.js';
import type { ReceivedDownlink } from './types.js';

/**
 * Sends the first queued downlink of the device's current session in the RX
 * window after an uplink, unless mac_settings.schedule_downlinks is false
 * ("Downlink slot skipped since scheduling is disabled"). Returns what the device received.
 */
export function deliverClassADownlink(
  ctx: SimContext,
  ref: DeviceRef,
  ns: JsonObject,
  as: JsonObject | undefined,
  uplinkCorrelationIds: readonly string[],
): ReceivedDownlink | undefined {
  const down = takeClassADownlink(ns);
  if (!down) return undefined;
  const now = new Date().toISOString();
  ns.updated_at = now;
  const nsIds = mergeCorrelationIds(uplinkCorrelationIds, down.correlationIds, [`ns:downlink:${ulid()}`, `ns:transmission:${ulid()}`]);
  const rx1Delay = getPath(ns, 'mac_settings.rx1_delay');
  const message: JsonObject = {
    '@type': 'type.googleapis.com/ttn.lorawan.v3.DownlinkMessage',
    payload: {
      m_hdr: { m_type: down.confirmed ? 'CONFIRMED_DOWN' : 'UNCONFIRMED_DOWN', major: 'LORAWAN_R1' },
      mac_payload: {
        f_hdr: { dev_addr: ref.devAddr ?? '', f_ctrl: {}, f_cnt: down.fCnt & 0xffff },
        f_port: down.fPort,
        ...(down.frmPayload && down.frmPayload.length > 0 ? { frm_payload: down.frmPayload.toString('base64') } : {}),
        full_f_cnt: down.fCnt,
      },
    },
    request: {
      class: 'CLASS_A',
      ...(down.priority ? { priority: PRIORITIES[down.priority] ?? down.priority } : {}),
      rx1_delay: typeof rx1Delay === 'number' ? rx1Delay : 1,
      ...(typeof ns.frequency_plan_id === 'string' ? { frequency_plan_id: ns.frequency_plan_id } : {}),
    },
    correlation_ids: nsIds,
  };
  ctx.bus.publish('ns.down.data.schedule.attempt', ref, { data: message, correlationIds: nsIds });
  ctx.bus.publish('ns.down.data.schedule.success', ref, {
    data: { '@type': 'type.googleapis.com/ttn.lorawan.v3.ScheduleDownlinkResponse', delay: '1s', rx1: true },
    correlationIds: nsIds,
  });
  // The gateway's TxAck: the NS matches it to the downlink and tells the AS.
  const txIds = mergeCorrelationIds(nsIds, [`gs:tx_ack:${ulid()}`, `ns:tx_ack:${ulid()}`]);
  ctx.bus.publish('ns.down.transmission.success', ref, { data: message, correlationIds: txIds });
  const plain = decryptSent(as, down);
  if (plain) {
    const sent = downlinkJson({ ...down, frmPayload: plain, correlationIds: txIds });
    ctx.bus.publish('as.down.data.sent.forward', ref, {
      data: {
        '@type': 'type.googleapis.com/ttn.lorawan.v3.ApplicationUp',
        end_device_ids: deviceIdsJson(ref),
        correlation_ids: txIds,
        received_at: now,
        downlink_sent: sent,
      },
      correlationIds: txIds,
    });
  }
  // The device decrypts with the AppSKey of its session, which is the AS's.
  const payload = plain ?? down.frmPayload ?? Buffer.alloc(0);
  return { fPort: down.fPort, payloadHex: payload.toString('hex').toUpperCase(), correlationIds: txIds };
}
