// Routes of the application's settings (relative to /api/v3), from the HTTP
// bindings of api-definition.json: As (link, configuration), AppAs
// GetMQTTConnectionInfo, ApplicationWebhookRegistry, ApplicationPubSubRegistry,
// ApplicationPackageRegistry, and ApplicationRegistry Create/List by collaborator.
import type { ApiRequest, Reply, SimContext } from './context.js';
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, updateApiKey } from './handlers-api-keys.js';
import { createApplication, listCollaborators } from './handlers-app-registry.js';
import { listCollaboratorApplications } from './handlers-is.js';
import { deleteLink, getAsConfiguration, getLink, getLinkStats, getMqttConnectionInfo, setLink } from './handlers-link.js';
import { deleteAssociation, getAssociation, listAssociations, listPackages, setAssociation } from './handlers-packages.js';
import { deletePubSub, getPubSub, listPubSubs, pubsubFormats, setPubSub } from './handlers-pubsub.js';
import { deleteWebhook, getWebhook, getWebhookTemplate, listWebhookTemplates, listWebhooks, setWebhook, webhookFormats } from './handlers-webhooks.js';
import { getPath } from './json-path.js';
import type { RouteName } from './types.js';

type Handler = (ctx: SimContext, req: ApiRequest) => Reply;
interface Def {
  name: RouteName;
  handler: Handler;
  write: boolean;
  rpc: string;
  stream: boolean;
}
export interface IntegrationTable {
  methods: Partial<Record<string, Def>>;
  params: ApiRequest['params'];
  role: 'is' | 'cluster';
}

const r = (name: RouteName, rpc: string, handler: Handler, write = false): Def => ({ name, rpc, handler, write, stream: false });
const cluster = (methods: IntegrationTable['methods'], params: ApiRequest['params'] = {}): IntegrationTable => ({ methods, params, role: 'cluster' });

const WH = 'ApplicationWebhookRegistry';
const PS = 'ApplicationPubSubRegistry';
const PK = 'ApplicationPackageRegistry';

function associations(params: ApiRequest['params'], withPort: boolean): IntegrationTable {
  const device = params.dev !== undefined;
  const suffix = device ? 'associations' : 'defaults';
  if (!withPort) {
    return cluster({ GET: r(`as.packages.${suffix}.list`, `${PK}.List${device ? 'Associations' : 'DefaultAssociations'}`, listAssociations) }, params);
  }
  const kind = device ? 'Association' : 'DefaultAssociation';
  return cluster(
    {
      GET: r(`as.packages.${suffix}.get`, `${PK}.Get${kind}`, getAssociation),
      PUT: r(`as.packages.${suffix}.set`, `${PK}.Set${kind}`, setAssociation, true),
      DELETE: r(`as.packages.${suffix}.delete`, `${PK}.Delete${kind}`, deleteAssociation, true),
    },
    params,
  );
}

/** The AS settings routes under `as/`. */
function asTable(s: readonly string[]): IntegrationTable | undefined {
  const [, b, c, d, e, f, g, h] = s;
  const n = s.length;
  if (n === 2 && b === 'configuration') return cluster({ GET: r('as.configuration', 'As.GetConfiguration', getAsConfiguration) });
  if (n === 2 && b === 'webhook-formats') return cluster({ GET: r('as.webhook_formats', `${WH}.GetFormats`, webhookFormats) });
  if (n === 2 && b === 'pubsub-formats') return cluster({ GET: r('as.pubsub_formats', `${PS}.GetFormats`, pubsubFormats) });
  if (b === 'webhook-templates') {
    if (n === 2) return cluster({ GET: r('as.webhook_templates.list', `${WH}.ListTemplates`, listWebhookTemplates) });
    if (n === 3) return cluster({ GET: r('as.webhook_templates.get', `${WH}.GetTemplate`, getWebhookTemplate) }, { id: c });
    return undefined;
  }
  if (b === 'webhooks' || b === 'pubsub') {
    const [svc, prefix, list, get, set, del] =
      b === 'webhooks'
        ? ([WH, 'as.webhooks', listWebhooks, getWebhook, setWebhook, deleteWebhook] as const)
        : ([PS, 'as.pubsub', listPubSubs, getPubSub, setPubSub, deletePubSub] as const);
    if (n === 3) return cluster({ GET: r(`${prefix}.list`, `${svc}.List`, list), POST: r(`${prefix}.set`, `${svc}.Set`, set, true) }, { app: c });
    if (n === 4) {
      return cluster(
        { GET: r(`${prefix}.get`, `${svc}.Get`, get), PUT: r(`${prefix}.set`, `${svc}.Set`, set, true), DELETE: r(`${prefix}.delete`, `${svc}.Delete`, del, true) },
        { app: c, id: d },
      );
    }
    return undefined;
  }
  if (b !== 'applications' || c === undefined) return undefined;
  if (n === 4 && d === 'link') {
    return cluster({ GET: r('as.link.get', 'As.GetLink', getLink), PUT: r('as.link.set', 'As.SetLink', setLink, true), DELETE: r('as.link.delete', 'As.DeleteLink', deleteLink, true) }, { app: c });
  }
  if (n === 5 && d === 'link' && e === 'stats') return cluster({ GET: r('as.link.stats', 'As.GetLinkStats', getLinkStats) }, { app: c });
  if (n === 4 && d === 'mqtt-connection-info') return cluster({ GET: r('as.mqtt_info', 'AppAs.GetMQTTConnectionInfo', getMqttConnectionInfo) }, { app: c });
  if (d === 'packages' && e === 'associations') {
    if (n === 5) return associations({ app: c }, false);
    if (n === 6) return associations({ app: c, fPort: f }, true);
    return undefined;
  }
  if (d === 'devices' && f === 'packages' && e !== undefined) {
    if (n === 6) return cluster({ GET: r('as.packages.list', `${PK}.List`, listPackages) }, { app: c, dev: e });
    if (n === 7 && g === 'associations') return associations({ app: c, dev: e }, false);
    if (n === 8 && g === 'associations') return associations({ app: c, dev: e, fPort: h }, true);
  }
  return undefined;
}

/** The routes this module serves, or undefined for paths it does not know. */
export function integrationTable(s: readonly string[]): IntegrationTable | undefined {
  const [a, b, c] = s;
  if (a === 'as') return asTable(s);
  if (s.length === 3 && a === 'applications' && c === 'collaborators' && b !== undefined) {
    return { methods: { GET: r('app.collaborators.list', 'ApplicationAccess.ListCollaborators', listCollaborators) }, params: { app: b }, role: 'is' };
  }
  if (a === 'applications' && c === 'api-keys' && b !== undefined) {
    const AA = 'ApplicationAccess';
    if (s.length === 3) {
      return {
        methods: { GET: r('app.api_keys.list', `${AA}.ListAPIKeys`, listApiKeys), POST: r('app.api_keys.create', `${AA}.CreateAPIKey`, createApiKey, true) },
        params: { app: b },
        role: 'is',
      };
    }
    if (s.length === 4) {
      return {
        methods: {
          GET: r('app.api_keys.get', `${AA}.GetAPIKey`, getApiKey),
          PUT: r('app.api_keys.update', `${AA}.UpdateAPIKey`, updateApiKey, true),
          DELETE: r('app.api_keys.delete', `${AA}.DeleteAPIKey`, deleteApiKey, true),
        },
        params: { app: b, id: s[3] },
        role: 'is',
      };
    }
    return undefined;
  }
  if (s.length === 3 && (a === 'users' || a === 'organizations') && c === 'applications' && b !== undefined) {
    const params = a === 'users' ? { user: b } : { org: b };
    const list = a === 'users' ? 'app.list.user' : 'app.list.organization';
    return {
      methods: {
        GET: r(list, 'ApplicationRegistry.List', listCollaboratorApplications),
        POST: r('app.create', 'ApplicationRegistry.Create', createApplication, true),
      },
      params,
      role: 'is',
    };
  }
  return undefined;
}

/**
 * The rate-limit entity of these methods (pkg/ratelimit/grpc.go grpcEntityFromRequest
 * with the IDStringer of pkg/ttnpb applicationserver*.go, application_interfaces.go):
 * application settings key on `application:<app>`, device package associations on
 * `end device:<app>.<dev>`; configuration, templates and formats have no entity.
 */
export function integrationEntity(rpc: string, params: ApiRequest['params'], body: unknown): string | undefined {
  const { app, dev } = params;
  if (rpc === 'ApplicationRegistry.Create') {
    const id = getPath(body as never, 'application.ids.application_id');
    return typeof id === 'string' && id !== '' ? `application:${id}` : 'application:_';
  }
  if (rpc === 'ApplicationRegistry.Update' || rpc.startsWith('ApplicationAccess.')) return `application:${app ?? ''}`;
  const [service] = rpc.split('.');
  if (service !== 'As' && service !== WH && service !== PS && service !== PK && rpc !== 'AppAs.GetMQTTConnectionInfo') return undefined;
  if (app === undefined) return '';
  return dev !== undefined ? `end device:${app}.${dev}` : `application:${app}`;
}
