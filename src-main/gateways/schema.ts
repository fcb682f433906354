// The shapes of moving gateways (zod only: the IPC contract, the CLI's JSON and the run folder
// use them; types inferred). A gateway plan holds no secret; owner tokens and keys never do.
import { z } from 'zod';
import { GATEWAY_KINDS, KIND_LABELS, type GatewayKind } from './labels.js';

const ownerId = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9]){1,}$/).max(36);
export const gatewayIdSchema = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9]){2,}$/).max(36);

/**
 * The kind of gateway, as far as the registry (and the Gateway Server, the claiming server)
 * tells: it decides what Stack Migrator can do and what the user does by hand.
 */
export const gatewayKindSchema = z.enum(GATEWAY_KINDS);
export { GATEWAY_KINDS, KIND_LABELS, type GatewayKind };

/** What the run does with a gateway. */
export const gatewayActionSchema = z.enum([
  'repoint', // create on target + LNS key; the source's CUPS sends the gateway to the target
  'lns-files', // create on target + LNS key; the user installs tc.uri / tc.key
  'udp-sheet', // create on target; the user edits server_address
  'claim', // unclaim on the source, claim on the target with the owner token
  'manual', // nothing automated: the steps to do by hand
  'skip', // already on the target (same EUI, same id)
]);
export type GatewayAction = z.infer<typeof gatewayActionSchema>;

export const gatewayOptionsSchema = z.object({
  /** Who owns the gateways on the target; absent: the user of the target key. */
  targetOwner: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), id: ownerId }),
    z.object({ kind: z.literal('organization'), id: ownerId }),
  ]).optional(),
  /** The kind the user says a gateway is, where the registry cannot tell. */
  kinds: z.record(z.string(), gatewayKindSchema).default({}),
  /** How long the run waits for a re-pointed gateway before it reports it still waiting (seconds). */
  waitSeconds: z.number().int().min(0).max(86_400).default(900),
  /** Gateways whose owner token the user will give (claimable ones). */
  claimWithToken: z.array(z.string()).default([]),
});
export type GatewayOptions = z.output<typeof gatewayOptionsSchema>;

const issue = z.object({ code: z.string(), message: z.string() });

export const gatewayPlanEntrySchema = z.object({
  id: z.string(),
  eui: z.string().optional(),
  name: z.string().optional(),
  frequencyPlanIds: z.array(z.string()),
  kind: gatewayKindSchema,
  /** Why this kind: what the registry said. */
  kindReason: z.string(),
  action: gatewayActionSchema,
  status: z.enum(['ready', 'blocked', 'already-migrated']),
  blockers: z.array(issue),
  warnings: z.array(issue),
  /** What Stack Migrator does, in order. */
  steps: z.array(z.string()),
  /** What happens to the source registration. */
  sourceAfter: z.string(),
  /** What the user must do by hand. */
  manual: z.array(z.string()),
  /** Source devices (of the plan's application) recently heard through this gateway. */
  servesDevices: z.number().optional(),
});
export type GatewayPlanEntry = z.infer<typeof gatewayPlanEntrySchema>;

export const gatewayPlanSchema = z.object({
  createdAt: z.string(),
  options: gatewayOptionsSchema,
  /** The target's Gateway Server address written on the source and in the sheets. */
  targetServerAddress: z.string(),
  targetOwner: z.object({ kind: z.enum(['user', 'organization']), id: z.string() }),
  gateways: z.array(gatewayPlanEntrySchema),
  blockers: z.array(issue),
  /** The Packet Broker warning, in every gateway plan. */
  packetBroker: z.string(),
  counts: z.object({ ready: z.number(), blocked: z.number(), alreadyMigrated: z.number() }),
});
export type GatewayPlan = z.infer<typeof gatewayPlanSchema>;

/** Where one gateway of a run stands. */
export const gatewayStateSchema = z.enum([
  'pending', 'creating', 'created', 'key-stored', 'repointing', 'waiting', 'connected', 'sheet', 'claimed', 'manual', 'skipped', 'failed', 'rolled-back',
]);
export type GatewayState = z.infer<typeof gatewayStateSchema>;

export const gatewayStatusSchema = z.object({
  id: z.string(),
  targetId: z.string(),
  kind: gatewayKindSchema,
  action: gatewayActionSchema,
  state: gatewayStateSchema,
  /** When the source was re-pointed (or the target created for a sheet): the wait counts from it. */
  since: z.number().optional(),
  connectedAt: z.string().optional(),
  protocol: z.string().optional(),
  error: z.string().optional(),
  /** A sheet (UDP address, tc.uri/tc.key, manual steps) is available for the user to save. */
  hasSheet: z.boolean(),
});
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

export const gatewayRunStatusSchema = z.object({
  runId: z.string(),
  runDir: z.string(),
  gateways: z.array(gatewayStatusSchema),
  finished: z.boolean(),
});
export type GatewayRunStatus = z.infer<typeof gatewayRunStatusSchema>;

export const gatewayRowSchema = z.object({
  id: z.string(),
  eui: z.string().optional(),
  name: z.string().optional(),
  frequencyPlanIds: z.array(z.string()),
  kind: gatewayKindSchema,
  kindReason: z.string(),
  serverAddress: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type GatewayRow = z.infer<typeof gatewayRowSchema>;
