// zod schemas of The Things Stack's answers: one source of truth for their shapes. All
// tolerate unknown fields (the server adds fields between releases) and omitted zero values.
import { z } from 'zod';
import type { JsonObject } from './paths.js';

export const EUI_PATTERN = /^[0-9A-Fa-f]{16}$/;
export const DEV_ADDR_PATTERN = /^[0-9A-Fa-f]{8}$/;
export const KEY_PATTERN = /^[0-9A-Fa-f]{32}$/;
export const ID_PATTERN = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

export const applicationIdsSchema = z.looseObject({ application_id: z.string() });

export const endDeviceIdsSchema = z.looseObject({
  device_id: z.string(),
  application_ids: applicationIdsSchema,
  dev_eui: z.string().optional(),
  join_eui: z.string().optional(),
  dev_addr: z.string().optional(),
});
export type EndDeviceIds = z.infer<typeof endDeviceIdsSchema>;

export const endDeviceSchema = z.looseObject({ ids: endDeviceIdsSchema });
/** An end device as JSON: the identifiers are typed, every other field is addressed by path. */
export type EndDevice = JsonObject & { ids: EndDeviceIds & JsonObject };

export const endDeviceListSchema = z.looseObject({ end_devices: z.array(endDeviceSchema).optional() });

const rightsSchema = z.array(z.string()).optional();

export const authInfoSchema = z.looseObject({
  api_key: z
    .looseObject({
      api_key: z.looseObject({ id: z.string().optional(), rights: rightsSchema, name: z.string().optional() }),
      entity_ids: z
        .looseObject({
          application_ids: applicationIdsSchema.optional(),
          user_ids: z.looseObject({ user_id: z.string() }).optional(),
          organization_ids: z.looseObject({ organization_id: z.string() }).optional(),
          gateway_ids: z.looseObject({ gateway_id: z.string() }).optional(),
        })
        .optional(),
    })
    .optional(),
  oauth_access_token: z.looseObject({ rights: rightsSchema }).optional(),
  user_session: z.looseObject({}).optional(),
  // ttnpb.Rights, a message: {"rights": [...]} for an admin's key, {} for a restricted user.
  universal_rights: z.looseObject({ rights: rightsSchema }).optional(),
  is_admin: z.boolean().optional(),
});
export type AuthInfo = z.infer<typeof authInfoSchema>;

/** ttnpb.Rights: the answer of ApplicationAccess.ListRights (empty `{}` for no rights). */
export const rightsListSchema = z.looseObject({ rights: rightsSchema });

export const applicationSchema = z.looseObject({
  ids: applicationIdsSchema,
  name: z.string().optional(),
  description: z.string().optional(),
  network_server_address: z.string().optional(),
  application_server_address: z.string().optional(),
  join_server_address: z.string().optional(),
  created_at: z.string().optional(),
});
export type Application = z.infer<typeof applicationSchema>;

export const applicationListSchema = z.looseObject({ applications: z.array(applicationSchema).optional() });

export const devAddrSchema = z.looseObject({ dev_addr: z.string().regex(DEV_ADDR_PATTERN) });

export const eventSchema = z.looseObject({
  name: z.string(),
  time: z.string().optional(),
  identifiers: z.array(z.looseObject({})).optional(),
  data: z.unknown().optional(),
  correlation_ids: z.array(z.string()).optional(),
  unique_id: z.string().optional(),
});
export type StackEvent = z.infer<typeof eventSchema>;

/** Answers whose body we do not use (deletes): anything JSON. */
export const anySchema = z.unknown();

/** An application downlink as the AS queues and lists it (api/ttn/lorawan/v3/messages.proto ApplicationDownlink). */
export const applicationDownlinkSchema = z.looseObject({
  f_port: z.number().optional(),
  f_cnt: z.number().optional(),
  frm_payload: z.string().optional(),
  confirmed: z.boolean().optional(),
  priority: z.string().optional(),
  correlation_ids: z.array(z.string()).optional(),
  session_key_id: z.string().optional(),
});
export type ApplicationDownlink = z.infer<typeof applicationDownlinkSchema>;
export const downlinkQueueSchema = z.looseObject({ downlinks: z.array(applicationDownlinkSchema).optional() });
