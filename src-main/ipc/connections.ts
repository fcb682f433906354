// connections:list/test/add/update/remove. A key is tested with auth_info before it is
// stored; it goes to the keychain (account = connection id) and nowhere else.
import { randomUUID } from 'node:crypto';
import { StackClient } from '../stack/client.js';
import { StackError } from '../stack/errors.js';
import type { ConnectionTarget } from '../stack/connection.js';
import type { StoredConnection } from '../credentials/connections-file.js';
import { redact, registerSecret } from '../logging/redact.js';
import { connectionInfo, missingRights, targetOfConnection, targetOfPreset } from './connection-registry.js';
import { conflict, notFound } from './errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';

type Channels = 'connections:list' | 'connections:test' | 'connections:add' | 'connections:update' | 'connections:remove';

/** What auth_info says about a key; throws the StackError when the key does not work. */
async function inspectKey(ctx: HandlerContext, target: ConnectionTarget, apiKey: string) {
  registerSecret(apiKey);
  const client = new StackClient({ ...target, apiKey }, ctx.connections.clientOptions);
  try {
    const auth = await client.authInfo();
    return {
      rights: auth.rights,
      keyId: auth.api_key?.api_key.id,
      applicationId: auth.api_key?.entity_ids?.application_ids?.application_id,
      applicationCreation: applicationCreation(auth.api_key?.entity_ids, auth.rights),
    };
  } finally {
    client.close();
  }
}

/**
 * Whether the key can create a missing target application, and why not: only a user's or an
 * organization's key with the create right can (an application's own key never can).
 */
export function applicationCreation(entity: { user_ids?: { user_id: string }; organization_ids?: { organization_id: string } } | undefined, rights: readonly string[]): string {
  const user = entity?.user_ids?.user_id;
  const org = entity?.organization_ids?.organization_id;
  const right = user ? 'RIGHT_USER_APPLICATIONS_CREATE' : 'RIGHT_ORGANIZATION_APPLICATIONS_CREATE';
  if (!user && !org) {
    return 'As a target, this key cannot create a missing application (an application\u2019s own key never can): to have Stack Migrator create it, use a key of a user or organization with RIGHT_USER_APPLICATIONS_CREATE or RIGHT_ORGANIZATION_APPLICATIONS_CREATE, plus the application rights above.';
  }
  const owner = user ? `user "${user}"` : `organization "${org}"`;
  return rights.includes(right) || rights.includes('RIGHT_ALL')
    ? `As a target, this key of ${owner} can create a missing application (under ${owner}); the application rights it holds then apply to it.`
    : `This key of ${owner} cannot create applications (it lacks ${right}): a missing target application must be created first.`;
}

export function connectionHandlers(ctx: HandlerContext): HandlersOf<Channels> {
  const { connections, deps } = ctx;
  return {
    'connections:list': async () => ({ connections: (await connections.list()).map(connectionInfo) }),

    'connections:test': async ({ preset, apiKey }) => {
      const target = targetOfPreset(preset);
      try {
        const key = await inspectKey(ctx, target, apiKey);
        const { missingForSource, missingForTarget } = missingRights(key.rights);
        return {
          ok: true, rights: key.rights, problems: [...missingForSource, ...missingForTarget].map(redact),
          ...(key.keyId ? { keyId: key.keyId } : {}), ...(key.applicationId ? { applicationId: key.applicationId } : {}),
          applicationCreation: key.applicationCreation,
        };
      } catch (err) {
        // A key or server that does not work is the answer to "test", not a failure of it.
        if (err instanceof StackError) return { ok: false, rights: [], problems: [redact(err.message)] };
        throw err;
      }
    },

    'connections:add': async ({ name, preset, apiKey, applicationId }) => {
      const target = targetOfPreset(preset);
      const key = await inspectKey(ctx, target, apiKey);
      const connection: StoredConnection = {
        id: randomUUID(), name, preset, isUrl: target.isUrl, clusterUrl: target.clusterUrl,
        rights: key.rights, createdAt: new Date().toISOString(),
        ...((applicationId ?? key.applicationId) ? { applicationId: applicationId ?? key.applicationId } : {}),
        ...(key.keyId ? { keyId: key.keyId } : {}),
      };
      // Keychain first: a connection in the file always has its key.
      await deps.secrets.set(connection.id, apiKey);
      try {
        await connections.file.update((list) => ({ connections: [...list, connection], result: undefined }));
      } catch (err) {
        await deps.secrets.delete(connection.id).catch(() => false);
        throw err;
      }
      ctx.log.info(`connection added: ${connection.id} (${connection.isUrl})`);
      return { connection: connectionInfo(connection) };
    },

    'connections:update': async ({ id, name, apiKey, applicationId }) => {
      if (connections.isDemo(id)) throw conflict('Demo connections cannot be changed; they end with the demo.');
      const current = await connections.file.get(id);
      if (!current) throw notFound(`There is no connection with id "${id}".`);
      const key = apiKey ? await inspectKey(ctx, targetOfConnection(current), apiKey) : undefined;
      const previousKey = apiKey ? await deps.secrets.get(id) : undefined;
      if (apiKey) await deps.secrets.set(id, apiKey);
      try {
        const updated = await connections.file.update((list) => {
          const i = list.findIndex((c) => c.id === id);
          if (i < 0) throw notFound(`There is no connection with id "${id}".`);
          const next: StoredConnection = { ...list[i]!, ...(name ? { name } : {}), ...(applicationId ? { applicationId } : {}) };
          if (key) {
            next.rights = key.rights;
            if (key.keyId) next.keyId = key.keyId;
            else delete next.keyId;
          }
          return { connections: list.map((c, j) => (j === i ? next : c)), result: next };
        });
        return { connection: connectionInfo(updated) };
      } catch (err) {
        if (apiKey && previousKey) await deps.secrets.set(id, previousKey).catch(() => undefined);
        throw err;
      }
    },

    'connections:remove': async ({ id }) => {
      if (connections.isDemo(id)) throw conflict('Demo connections end with the demo: stop the demo instead.');
      if (!(await connections.file.get(id))) throw notFound(`There is no connection with id "${id}".`);
      if (ctx.runs.usesConnection(id)) throw conflict('A run in progress uses this connection: wait for it to finish or cancel it first.');
      // The keychain entry first: better a connection without key than a key left behind.
      await deps.secrets.delete(id);
      await connections.file.update((list) => ({ connections: list.filter((c) => c.id !== id), result: undefined }));
      ctx.lists.abortConnection(id);
      ctx.plans.dropConnection(id);
      ctx.log.info(`connection removed: ${id}`);
      return {};
    },
  };
}
