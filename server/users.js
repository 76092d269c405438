// The user routes: PUT, GET and DELETE /v1/users/{id}, for a token with the
// admin scope only (the plugin's hook answers IDE-0910 to any other). They
// change who a user is and where their codes go, so a user's own token must
// not reach them. A PUT body is validated by the core, as every body is.
import { validateRequest } from 'identity-mfa';
import { USER_ENDPOINTS } from 'identity-mfa/contract';
import { sendError } from './errors.js';

const fastifyPath = (path) => path.replace(/\{(\w+)\}/g, ':$1');

/** A stored user as the User schema answers it. */
const userBody = (user) => ({ id: user.id, username: user.username, email: user.email ?? null, phone: user.phone ?? null });

/** Registers the user routes on `app` (inside the MFA plugin: its auth hook applies). */
export function userRoutes(app, { store, config }) {
  const handlers = {
    'put-user': async (request, reply, userId, by) => {
      const result = validateRequest('put-user', request.body ?? '', { bodyLimit: config.bodyLimit });
      if (!result.ok) return reply.code(result.status).type('application/json; charset=utf-8').send(JSON.stringify(result.error));
      const user = { id: userId, username: result.value.username, email: result.value.email ?? null, phone: result.value.phone ?? null };
      const [outcome] = await store.putUsers([user], by);
      return send(reply, { ...userBody(user), created: outcome === 'created' });
    },
    'get-user': async (request, reply, userId) => {
      const user = await store.getUser(userId);
      return user ? send(reply, userBody(user)) : sendError(reply, 'IDE-1003');
    },
    'delete-user': async (request, reply, userId, by) => {
      return (await store.eraseUser(userId, by)) ? send(reply, { id: userId, erased: true }) : sendError(reply, 'IDE-1003');
    },
  };
  for (const { operation, method, path } of USER_ENDPOINTS) {
    app.route({
      method,
      url: fastifyPath(path),
      config: { adminOnly: true },
      handler: (request, reply) => {
        const by = { requestId: request.id, actor: request.auth.sub, actorAdmin: true };
        return handlers[operation](request, reply, request.params.id.toLowerCase(), by);
      },
    });
  }
}

function send(reply, body) {
  return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
