// Errors of the downlink queue, as the Application and Network Servers define
// them (namespace, name, gRPC code, message format; v3.32).
import { SimError } from './errors.js';

/** pkg/applicationserver/applicationserver.go errNoDeviceSession (FailedPrecondition). */
export const noDeviceSession = () =>
  new SimError(9, 'pkg/applicationserver', 'no_device_session', 'no device session; check device activation');
/** pkg/applicationserver/payload.go errNoFPort. */
export const noFPort = () => new SimError(3, 'pkg/applicationserver', 'no_f_port', 'no FPort');
/** pkg/applicationserver/payload.go errNoPayload. */
export const noPayload = () => new SimError(3, 'pkg/applicationserver', 'no_payload', 'no payload');
/** pkg/applicationserver/applicationserver.go errNoAppSKey (Corruption). */
export const noAppSKey = () => new SimError(15, 'pkg/applicationserver', 'no_app_s_key', 'no AppSKey');
/** pkg/applicationserver/applicationserver.go errDownlinkMaxRetriesInvalid. */
export const downlinkMaxRetriesInvalid = (max: number) =>
  new SimError(3, 'pkg/applicationserver', 'downlink_max_retries_invalid', 'downlink maximum retries exceed configured maximum of {max}', { max });
/** pkg/networkserver/errors.go errApplicationDownlinkTooLong. */
export const applicationDownlinkTooLong = (length: number, max: number) =>
  new SimError(3, 'pkg/networkserver', 'application_downlink_too_long', "application downlink payload length `{length}` exceeds maximum '{max}'", {
    length,
    max,
  });
/** pkg/networkserver/errors.go errUnknownSession. */
export const unknownSession = () => new SimError(5, 'pkg/networkserver', 'unknown_session', 'unknown session');
/** pkg/networkserver/errors.go errUnknownMACState. */
export const unknownMacState = () => new SimError(9, 'pkg/networkserver', 'unknown_mac_state', 'MAC state is unknown');
