// applications:list and applications:get. An application API key cannot list
// applications (the server answers an empty list): its own application is added.
import { StackError } from '../stack/errors.js';
import type { HandlerContext, HandlersOf } from './handlers.js';

const quietly = <T>(p: Promise<T>, fallback: T) =>
  p.catch((err: unknown) => {
    if (err instanceof StackError && (err.is('PermissionDenied') || err.is('NotFound'))) return fallback;
    throw err;
  });

export function applicationHandlers(ctx: HandlerContext): HandlersOf<'applications:list' | 'applications:get'> {
  return {
    'applications:list': ({ connectionId }) =>
      ctx.connections.withClient(connectionId, async (client, connection) => {
        const listed = await quietly(client.listApplications(), []);
        const apps = listed.map((a) => ({ id: a.ids.application_id, ...(a.name ? { name: a.name } : {}) }));
        const own = connection.applicationId;
        if (own && !apps.some((a) => a.id === own)) {
          const app = await quietly(client.getApplication(own, ['name']), undefined);
          if (app) apps.push({ id: own, ...(app.name ? { name: app.name } : {}) });
        }
        return { applications: apps.sort((a, b) => a.id.localeCompare(b.id)) };
      }),
    'applications:get': ({ connectionId, applicationId }) =>
      ctx.connections.withClient(connectionId, async (client) => {
        const app = await client.getApplication(applicationId, ['name', 'description']);
        return { id: app.ids.application_id, ...(app.name ? { name: app.name } : {}), ...(app.description ? { description: app.description } : {}) };
      }),
  };
}
