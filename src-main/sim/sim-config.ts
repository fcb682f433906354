// The deployment configuration the simulated servers read (AS and IS config
// options of The Things Stack that change API answers), from SimulatorOptions.
import type { GatewayController } from './gateway-types.js';
import type { PubSubProviderStatus, SimulatorOptions } from './types.js';

export interface SimConfig {
  /** AS `formatters.max-parameter-length` (cmd/internal/shared/applicationserver/config.go: 40960). */
  formatterMaxParameterLength: number;
  /** AS `pubsub.providers`; an absent provider is enabled (pkg/applicationserver/io/pubsub/providers.go). */
  pubsubProviders: { mqtt?: PubSubProviderStatus; nats?: PubSubProviderStatus };
  /** AS `mqtt.public-address` / `public-tls-address` (defaults `localhost:1883` / `localhost:8883`). */
  mqtt: { publicAddress: string; publicTlsAddress: string };
  /** The Cloud tenant: its unique IDs are `<id>@<tenant>`; absent for an open-source deployment. */
  tenantId?: string;
  /** Cloud plan limit on applications (tenant_entity_limit); absent: unlimited. */
  maxApplications?: number;
  /** Cloud plan limit on gateways (tenant_entity_limit); absent: unlimited. */
  maxGateways?: number;
  /** IS `user-rights.create-gateways` (pkg/identityserver/config.go, default true). */
  userRightsCreateGateways: boolean;
  /** CUPS `allow-cups-uri-update` (pkg/basicstation/cups/config.go, default false). */
  allowCupsUriUpdate: boolean;
  /** The Gateway Claiming Server's upstream (The Things Gateway Controller), if configured. */
  gatewayController?: GatewayController;
}

export const DEFAULT_FORMATTER_MAX_PARAMETER_LENGTH = 40960;

export function simConfig(opts: SimulatorOptions): SimConfig {
  const max = opts.formatterMaxParameterLength ?? DEFAULT_FORMATTER_MAX_PARAMETER_LENGTH;
  if (!Number.isInteger(max) || max < 0) throw new Error('formatterMaxParameterLength must be a non-negative integer');
  if (opts.maxApplications !== undefined && !(Number.isInteger(opts.maxApplications) && opts.maxApplications >= 0)) {
    throw new Error('maxApplications must be a non-negative integer');
  }
  if (opts.maxGateways !== undefined && !(Number.isInteger(opts.maxGateways) && opts.maxGateways >= 0)) {
    throw new Error('maxGateways must be a non-negative integer');
  }
  if (opts.tenantId !== undefined && !/^[a-z0-9](?:[-]?[a-z0-9]){2,}$/.test(opts.tenantId)) throw new Error(`invalid tenant id ${opts.tenantId}`);
  return {
    formatterMaxParameterLength: max,
    pubsubProviders: { ...opts.pubsubProviders },
    mqtt: {
      publicAddress: opts.mqtt?.publicAddress ?? 'localhost:1883',
      publicTlsAddress: opts.mqtt?.publicTlsAddress ?? 'localhost:8883',
    },
    tenantId: opts.tenantId,
    maxApplications: opts.maxApplications,
    maxGateways: opts.maxGateways,
    userRightsCreateGateways: opts.userRightsCreateGateways ?? true,
    allowCupsUriUpdate: opts.allowCupsUriUpdate ?? false,
    gatewayController: opts.gatewayController,
  };
}

/**
 * unique.ID of an application: its id in the open-source build; The Things
 * Stack Cloud (closed source) appends `@<tenant>`, as its MQTT usernames show.
 */
export function uniqueId(config: SimConfig, applicationId: string): string {
  return config.tenantId ? `${applicationId}@${config.tenantId}` : applicationId;
}
