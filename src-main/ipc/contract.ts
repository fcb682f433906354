// The typed IPC contract between the renderer (untrusted) and the main process: for every
// invoke channel its request and response, for every event channel its payload. Main
// validates every request with these schemas; the renderer's types are inferred from them.
// No schema here ever carries an API key back to the renderer: keys only go in (add/update).
import { z } from 'zod';
import { migrationOptionsSchema } from '../migration/options.js';
import { progressEventSchema } from '../migration/progress.js';
import { triggerCommandSchema } from '../triggers/commands.js';
import { arrivalsReportSchema } from '../arrivals/schema.js';
import { gatewayIdSchema, gatewayOptionsSchema, gatewayPlanSchema, gatewayRowSchema, gatewayRunStatusSchema, gatewayStatusSchema } from '../gateways/schema.js';

export const IPC_CONTRACT_VERSION = 1;

const id = z.string().min(1).max(200);
const appId = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9]){2,}$/).max(36);
const deviceId = z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9]){2,}$/).max(36);
const httpUrl = z.string().max(2048).regex(/^https?:\/\//i, 'an http(s) address');
const apiKey = z.string().min(16).max(512).regex(/^[A-Za-z0-9._-]+$/, 'an API key like NNSXS.…');
const pem = z.string().max(200_000).regex(/-----BEGIN CERTIFICATE-----/, 'a PEM certificate');

export const presetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ttn'), region: z.enum(['eu1', 'nam1', 'au1']) }),
  z.object({ kind: z.literal('tts-cloud'), tenant: z.string().regex(/^[a-z0-9](?:[-]?[a-z0-9])*$/).max(40), region: z.enum(['eu1', 'nam1', 'au1']) }),
  z.object({
    kind: z.literal('custom'), isUrl: httpUrl, clusterUrl: httpUrl, ca: pem.optional(),
    /** The user confirmed sending the API key over plain http:// to a host other than this computer. */
    allowInsecureHttp: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('demo') }),
]);

/** What the renderer may know about a connection: everything but the key. */
export const connectionInfoSchema = z.object({
  id,
  name: z.string().max(100),
  preset: z.enum(['ttn', 'tts-cloud', 'custom', 'demo']),
  isUrl: z.string(),
  clusterUrl: z.string(),
  hasCa: z.boolean(),
  applicationId: z.string().optional(),
  keyId: z.string().optional(),
  rights: z.array(z.string()),
  /** What the key cannot do, in words, per role. */
  missingForSource: z.array(z.string()),
  missingForTarget: z.array(z.string()),
  createdAt: z.string(),
});
export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

export const deviceRowSchema = z.object({
  id: z.string(),
  devEui: z.string().optional(),
  joinEui: z.string().optional(),
  name: z.string().optional(),
  createdAt: z.string().optional(),
  lastSeenAt: z.string().optional(),
  /** Network-layer facts, filled in by devices:details (lazily, for the rows in view). */
  activation: z.enum(['otaa', 'abp']).optional(),
  lorawanVersion: z.string().optional(),
  frequencyPlanId: z.string().optional(),
});
export type DeviceRow = z.infer<typeof deviceRowSchema>;

const issueSchema = z.object({ code: z.string(), message: z.string() });
export const devicePlanViewSchema = z.object({
  sourceId: z.string(),
  targetId: z.string(),
  devEui: z.string().optional(),
  activation: z.enum(['otaa', 'abp']).optional(),
  lorawanVersion: z.string().optional(),
  frequencyPlanId: z.string().optional(),
  status: z.enum(['ready', 'blocked', 'already-migrated']),
  blockers: z.array(issueSchema),
  warnings: z.array(issueSchema),
  sourceChanges: z.array(z.string()),
  /**
   * The re-join trigger the device gets when the plan triggers re-joins: a command, or null
   * when none is known for its model (it must be power-cycled). Absent: no trigger asked, or
   * the device does not join (ABP, multicast).
   */
  trigger: z.object({ name: z.string(), fPort: z.number(), payloadHex: z.string() }).nullable().optional(),
  /** ABP keeping its session: the source gateways that heard it lately (its uplinks need them on the target). */
  servingGateways: z.array(z.string()).optional(),
});
/** The application section of a plan (application/plan.ts), secrets masked. */
export const applicationPlanViewSchema = z.object({
  targetExists: z.boolean(),
  items: z.array(z.object({
    key: z.string(), kind: z.enum(['application', 'formatters', 'webhook', 'pubsub', 'package', 'device-package']), label: z.string(),
    status: z.enum(['new', 'same', 'differs', 'not-available']), action: z.enum(['write', 'keep']), diff: z.array(z.string()), notes: z.array(z.string()),
  })),
  cannotCarry: z.array(z.object({ what: z.string(), todo: z.string() })),
});
export type ApplicationPlanView = z.infer<typeof applicationPlanViewSchema>;

export const planViewSchema = z.object({
  planId: id,
  createdAt: z.string(),
  options: migrationOptionsSchema,
  blockers: z.array(issueSchema),
  warnings: z.array(issueSchema),
  devices: z.array(devicePlanViewSchema),
  /** With options.application: the application's settings, item by item. */
  application: applicationPlanViewSchema.optional(),
  /** With options.gateways: the gateways moved first in the same run (ABP devices that keep their session wait for them). */
  gateways: gatewayPlanSchema.optional(),
  /** Gateways that serve the plan's ABP keep-session devices: offered to move in the same run. */
  suggestedGateways: z.array(z.string()).optional(),
  counts: z.object({
    ready: z.number(), blocked: z.number(), alreadyMigrated: z.number(), otaa: z.number(), abp: z.number(),
    /** With a trigger plan: ready devices that get a command, and those with none known. */
    triggerKnown: z.number().optional(), triggerUnknown: z.number().optional(),
  }),
});
export type PlanView = z.infer<typeof planViewSchema>;

export const runInfoSchema = z.object({
  runId: id,
  runDir: z.string(),
  createdAt: z.string(),
  sourceLabel: z.string(),
  targetLabel: z.string(),
  total: z.number(),
  counts: z.record(z.string(), z.number()),
  finished: z.boolean(),
  /** The run carries the application's settings (it has a "what to update" sheet when it ends). */
  carriesApplication: z.boolean().optional(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

const saved = z.union([z.object({ savedTo: z.string() }), z.object({ cancelled: z.literal(true) })]);
const empty = z.object({}).strict();
const ref = z.object({ connectionId: id, applicationId: appId });

/** Invoke channels: request → response. */
export const invokeChannels = {
  'app:info': {
    request: empty,
    response: z.object({
      version: z.string(), contractVersion: z.number(), platform: z.string(),
      keychain: z.object({ available: z.boolean(), message: z.string().optional() }),
    }),
  },
  'app:open-docs': { request: z.object({ url: z.string().max(2048) }), response: empty },
  'connections:list': { request: empty, response: z.object({ connections: z.array(connectionInfoSchema) }) },
  'connections:test': {
    request: z.object({ preset: presetSchema, apiKey }),
    response: z.object({
      ok: z.boolean(), keyId: z.string().optional(), applicationId: z.string().optional(), rights: z.array(z.string()), problems: z.array(z.string()),
      /** Whether, as a target, the key can create a missing application, in words. */
      applicationCreation: z.string().optional(),
    }),
  },
  'connections:add': {
    request: z.object({ name: z.string().min(1).max(100), preset: presetSchema, apiKey, applicationId: appId.optional() }),
    response: z.object({ connection: connectionInfoSchema }),
  },
  'connections:update': {
    request: z.object({ id, name: z.string().min(1).max(100).optional(), apiKey: apiKey.optional(), applicationId: appId.optional() }),
    response: z.object({ connection: connectionInfoSchema }),
  },
  'connections:remove': { request: z.object({ id }), response: empty },
  'applications:list': { request: z.object({ connectionId: id }), response: z.object({ applications: z.array(z.object({ id: z.string(), name: z.string().optional() })) }) },
  'applications:get': { request: ref, response: z.object({ id: z.string(), name: z.string().optional(), description: z.string().optional() }) },
  /** Starts streaming a device list as `devices:page` events; answers with its id. */
  'devices:list': { request: ref, response: z.object({ listId: id }) },
  'devices:details': {
    request: ref.extend({ deviceIds: z.array(deviceId).min(1).max(500) }),
    response: z.object({ devices: z.array(deviceRowSchema) }),
  },
  'plan:create': {
    request: z.object({ source: ref, target: ref, deviceIds: z.array(deviceId).min(1).max(100_000), options: migrationOptionsSchema }),
    response: z.object({ plan: planViewSchema }),
  },
  'run:start': {
    request: z.object({
      planId: id, concurrency: z.number().int().min(1).max(256).optional(),
      /** The user confirmed the downlinks the plan sends (required when it triggers re-joins). */
      confirmTriggers: z.boolean().optional(),
    }),
    response: z.object({ run: runInfoSchema }),
  },
  'run:pause': { request: z.object({ runId: id }), response: empty },
  'run:resume': { request: z.object({ runId: id }), response: empty },
  'run:cancel': { request: z.object({ runId: id }), response: empty },
  'run:retry-failed': { request: z.object({ runId: id }), response: z.object({ run: runInfoSchema }) },
  'run:retire': { request: z.object({ runId: id, deviceIds: z.array(deviceId).min(1).max(100_000) }), response: z.object({ retired: z.array(z.string()), failed: z.array(z.string()) }) },
  'run:list-unfinished': { request: empty, response: z.object({ runs: z.array(runInfoSchema) }) },
  'run:resume-unfinished': { request: z.object({ runId: id }), response: z.object({ run: runInfoSchema }) },
  /** Every run of the app in its data folder, newest first (finished ones too). */
  'run:history': { request: empty, response: z.object({ runs: z.array(runInfoSchema) }) },
  /** Did each migrated device of the run join the target; is the source still hearing it. */
  'arrivals:check': { request: z.object({ runId: id }), response: z.object({ report: arrivalsReportSchema }) },
  'arrivals:save': { request: z.object({ runId: id, format: z.enum(['csv', 'json']) }), response: saved },
  /** A second trigger, the user's explicit choice, for devices of a finished run. */
  'arrivals:trigger-again': {
    request: z.object({ runId: id, deviceIds: z.array(deviceId).min(1).max(100_000) }),
    response: z.object({ queued: z.array(z.string()), failed: z.array(z.object({ deviceId: z.string(), error: z.string() })) }),
  },
  /** The trigger command library: built-ins (builtIn: true) and the user's. */
  'triggers:list': { request: empty, response: z.object({ commands: z.array(triggerCommandSchema) }) },
  /** Saves the user's commands (built-ins are never saved); answers the whole library. */
  'triggers:save': { request: z.object({ commands: z.array(triggerCommandSchema).max(500) }), response: z.object({ commands: z.array(triggerCommandSchema) }) },
  'triggers:export': { request: empty, response: saved },
  /** Adds the commands of a library file the user picks (same name replaces). */
  'triggers:import': { request: empty, response: z.union([z.object({ commands: z.array(triggerCommandSchema) }), z.object({ cancelled: z.literal(true) })]) },
  'report:save': { request: z.object({ runId: id, format: z.enum(['json', 'csv']) }), response: saved },
  'sheet:save': { request: z.object({ runId: id }), response: saved },
  /** The "what to update" sheet of a run that carried the application (Markdown). */
  'update-sheet:get': { request: z.object({ runId: id }), response: z.object({ markdown: z.string() }) },
  'update-sheet:save': { request: z.object({ runId: id }), response: saved },
  'devices:export': { request: ref.extend({ deviceIds: z.array(deviceId).min(1).max(100_000), withSession: z.boolean() }), response: saved },
  /** The gateways a connection's key can see (a user or organization key; an application key sees none: `problem` says so). */
  'gateways:list': { request: z.object({ connectionId: id }), response: z.object({ gateways: z.array(gatewayRowSchema), problem: z.string().optional() }) },
  'gateways:plan': {
    request: z.object({
      source: id, target: id, gatewayIds: z.array(gatewayIdSchema).min(1).max(10_000), options: gatewayOptionsSchema,
    }),
    response: z.object({ planId: id, plan: gatewayPlanSchema }),
  },
  /** Runs a gateway plan; owner tokens (claimable gateways) go in and are never stored or sent back. */
  'gateways:start': {
    request: z.object({ planId: id, ownerTokens: z.record(gatewayIdSchema, z.string().min(1).max(512)).optional() }),
    response: z.object({ runId: id, runDir: z.string() }),
  },
  /** Where each gateway of a run stands; reads the target's connection stats of those still waiting. */
  'gateways:status': { request: z.object({ runId: id }), response: z.object({ status: gatewayRunStatusSchema }) },
  /** Saves the run's gateway sheet (server addresses; tc.uri and tc.key for LNS-only stations: it holds keys). */
  'gateways:sheet-save': { request: z.object({ runId: id }), response: saved },
  /** Puts the source gateways back exactly as they were and revokes the target keys the run made. */
  'gateways:rollback': {
    request: z.object({ runId: id, gatewayIds: z.array(gatewayIdSchema).min(1).max(10_000) }),
    response: z.object({ restored: z.array(z.string()), failed: z.array(z.object({ id: z.string(), error: z.string() })) }),
  },
  /** Continues a gateway run after a crash or a quit (its journal says where each gateway stands). */
  'gateways:resume': {
    request: z.object({ runId: id, ownerTokens: z.record(gatewayIdSchema, z.string().min(1).max(512)).optional() }),
    response: z.object({ runId: id, runDir: z.string() }),
  },
  /** The gateway runs started from the app, newest first, with their two connections. */
  'gateways:runs': {
    request: empty,
    response: z.object({ runs: z.array(z.object({ runId: id, runDir: z.string(), createdAt: z.string(), total: z.number(), finished: z.boolean(), source: z.string(), target: z.string() })) }),
  },
  'demo:start': {
    request: z.object({ devices: z.number().int().min(1).max(50_000).optional() }),
    response: z.object({ source: connectionInfoSchema, target: connectionInfoSchema, sourceApplicationId: z.string(), targetApplicationId: z.string() }),
  },
  'demo:stop': { request: empty, response: empty },
} as const;

/** Event channels: main → renderer. */
export const eventChannels = {
  'devices:page': z.object({ listId: id, total: z.number(), offset: z.number(), devices: z.array(deviceRowSchema), done: z.boolean(), error: z.string().optional() }),
  'run:progress': z.object({ runId: id, event: progressEventSchema }),
  'gateways:progress': z.object({ runId: id, gateway: gatewayStatusSchema }),
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventOf<C extends EventChannel> = z.output<(typeof eventChannels)[C]>;

/** Every answer crosses IPC in this envelope: errors are data, never thrown stack traces. */
export const ipcErrorSchema = z.object({
  code: z.enum(['invalid-request', 'forbidden-sender', 'unknown-channel', 'not-found', 'server', 'keychain-unavailable', 'conflict', 'internal']),
  message: z.string(),
  /** For server errors: the typed error's safe fields. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;
export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };

/** The one object the preload exposes as `window.stackMigrator`. */
export interface Bridge {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<IpcResult<ResponseOf<C>>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): () => void;
}
