// Types the renderer shares with the main process. Type-only imports: the renderer
// bundle never pulls in zod or Node code.
import type {
  ApplicationPlanView,
  Bridge,
  ConnectionInfo,
  DeviceRow,
  EventChannel,
  EventOf,
  InvokeChannel,
  IpcError,
  PlanView,
  RequestOf,
  ResponseOf,
  RunInfo,
} from '../../../src-main/ipc/contract';
import type { DeviceState, ProgressEvent } from '../../../src-main/migration/progress';
import type { MigrationOptionsInput } from '../../../src-main/migration/options';
import type { TriggerCommand, TriggerOptions } from '../../../src-main/triggers/commands';
import type { ArrivalAdvice, ArrivalRow, ArrivalsReport } from '../../../src-main/arrivals/schema';
import type {
  GatewayAction,
  GatewayKind,
  GatewayPlan,
  GatewayPlanEntry,
  GatewayRow,
  GatewayRunStatus,
  GatewayState,
  GatewayStatus,
} from '../../../src-main/gateways/schema';

export type {
  ApplicationPlanView,
  ArrivalAdvice,
  ArrivalRow,
  ArrivalsReport,
  Bridge,
  ConnectionInfo,
  DeviceRow,
  DeviceState,
  EventChannel,
  EventOf,
  GatewayAction,
  GatewayKind,
  GatewayPlan,
  GatewayPlanEntry,
  GatewayRow,
  GatewayRunStatus,
  GatewayState,
  GatewayStatus,
  InvokeChannel,
  IpcError,
  MigrationOptionsInput,
  PlanView,
  ProgressEvent,
  RequestOf,
  ResponseOf,
  RunInfo,
  TriggerCommand,
  TriggerOptions,
};

export type Preset = RequestOf<'connections:add'>['preset'];
export type Region = Extract<Preset, { kind: 'ttn' }>['region'];
export type DevicePlanView = PlanView['devices'][number];
export type PlanIssue = PlanView['blockers'][number];
export type RunState = Extract<ProgressEvent, { type: 'run' }>['state'];
export type TotalsEvent = Extract<ProgressEvent, { type: 'totals' }>;
export type DeviceEvent = Extract<ProgressEvent, { type: 'device' }>;
export type NoticeEvent = Extract<ProgressEvent, { type: 'notice' }>;
export type OtaaSourceAction = NonNullable<MigrationOptionsInput['otaaSourceAction']>;
export type AbpMode = NonNullable<MigrationOptionsInput['abpMode']>;
export type IdMapping = NonNullable<MigrationOptionsInput['idMapping']>;
export type TriggerOptionsInput = NonNullable<MigrationOptionsInput['trigger']>;
/** The command a planned device gets (null: none known for its model). */
export type PlannedTrigger = NonNullable<DevicePlanView['trigger']>;

/** One setting of the application in the plan (application/plan.ts), secrets masked. */
export type ApplicationItemView = ApplicationPlanView['items'][number];
export type ApplicationItemStatus = ApplicationItemView['status'];
export type ApplicationOptionsInput = NonNullable<MigrationOptionsInput['application']>;
export type CreateTargetChoice = NonNullable<ApplicationOptionsInput['createTarget']>;
/** One setting of the application carried (or kept) during a run. */
export type ApplicationEvent = Extract<ProgressEvent, { type: 'application' }>;
export type ApplicationItemState = ApplicationEvent['state'];

/** Where a device list lives: one application on one connection. */
export interface AppRef {
  connectionId: string;
  applicationId: string;
}

export type Side = 'source' | 'target';

/** The gateway plan's options as the renderer sends them (defaults filled in by main). */
export type GatewayOptionsInput = RequestOf<'gateways:plan'>['options'];
export type GatewayTargetOwner = NonNullable<GatewayOptionsInput['targetOwner']>;
