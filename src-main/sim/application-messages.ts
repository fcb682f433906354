// The Application message of the Identity Server (api/ttn/lorawan/v3/application.proto)
// as create and update read it, and its validator (pkg/ttnpb/application.pb.validate.go,
// identifiers.pb.validate.go).
import type { Schema } from './message-codec.js';
import { type Check, type Rule, ID_PATTERN, idRule, mapRule, maxLen, message, nested, runes } from './validate.js';

const ids: Schema = { application_id: 'string' };
const organizationOrUser: Schema = {
  organization_ids: { message: { organization_id: 'string' } },
  user_ids: { message: { user_id: 'string', email: 'string' } },
};

/** The fields create and update store (contact_info is deprecated and not kept by the simulator). */
export const APPLICATION_SCHEMA: Schema = {
  ids: { message: ids },
  name: 'string',
  description: 'string',
  attributes: 'map',
  administrative_contact: { message: organizationOrUser },
  technical_contact: { message: organizationOrUser },
  network_server_address: 'string',
  application_server_address: 'string',
  join_server_address: 'string',
};

/** Fields the IS takes on create (the rest of the message is set by the server or not kept). */
export const CREATE_FIELDS = Object.keys(APPLICATION_SCHEMA);

const ADDRESS = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$/;
const ADDRESS_REASON =
  'value does not match regex pattern "^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\\\-]*[a-zA-Z0-9])\\\\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\\\-]*[A-Za-z0-9])(?::[0-9]{1,5})?$|^$"';
const address =
  (field: string): Rule =>
  (m) => {
    const v = m?.[field];
    return ADDRESS.test(typeof v === 'string' ? v : '') ? undefined : ADDRESS_REASON;
  };

const USER_PATTERN = /^[a-z0-9](?:[-]?[a-z0-9]){1,}$/;
const userIdsCheck = message('UserIdentifiersValidationError', {
  user_id: (m) => {
    const v = typeof m?.user_id === 'string' ? m.user_id : '';
    if (runes(v) > 36) return 'value length must be at most 36 runes';
    return USER_PATTERN.test(v) ? undefined : 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){1,}$"';
  },
});
const organizationIdsCheck = message('OrganizationIdentifiersValidationError', { organization_id: idRule('organization_id') });

const OOU = 'OrganizationOrUserIdentifiersValidationError';
/** OrganizationOrUserIdentifiers: the ids oneof is required. */
export const organizationOrUserCheck: Check = (m) => {
  if (m?.organization_ids !== undefined) return nested(OOU, 'organization_ids', organizationIdsCheck)(m) as ReturnType<Check>;
  if (m?.user_ids !== undefined) return nested(OOU, 'user_ids', userIdsCheck)(m) as ReturnType<Check>;
  return message(OOU, { ids: () => 'value is required' })(m, undefined);
};

const APP = 'ApplicationValidationError';
export const applicationCheck: Check = message(APP, {
  ids: nested(APP, 'ids', message('ApplicationIdentifiersValidationError', { application_id: idRule('application_id') }), true),
  name: maxLen('name', 50),
  description: maxLen('description', 2000),
  attributes: mapRule(
    APP,
    'attributes',
    10,
    (k) => (runes(k) > 36 ? 'value length must be at most 36 runes' : ID_PATTERN.test(k) ? undefined : 'value does not match regex pattern "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"'),
    (v) => (runes(v) > 200 ? 'value length must be at most 200 runes' : undefined),
  ),
  administrative_contact: nested(APP, 'administrative_contact', organizationOrUserCheck),
  technical_contact: nested(APP, 'technical_contact', organizationOrUserCheck),
  network_server_address: address('network_server_address'),
  application_server_address: address('application_server_address'),
  join_server_address: address('join_server_address'),
});
