// The user routes: PUT, GET and DELETE /v1/users/{id}, for a token with the
// admin scope only (the plugin's hook answers IDE-0910 to any other). They
// change who a user is and where their codes go, so a user's own token must
// not reach them. A PUT body is validated by the core, as every body is.
import { validateRequest } from 'identity-mfa';
import { USER_ENDPOINTS } from 'identity-mfa/contract';
import { sendError } from './errors.js';

const fastifyPath = (path) => path.replace(/\{(\w+)\}/g, ':$1');

// Users just in time (IDENTITY_MFA_USERS=token): the user a token's claims
// describe, checked by the core exactly as a PUT body is, once per verified
// token. { user } or { fields } (claim name → reason) for IDE-0007.
const profiles = new WeakMap();
export function profileUser(identity) {
  let checked = profiles.get(identity);
  if (checked) return checked;
  const { username, email, phone } = identity.profile;
  const body = JSON.stringify({ username: username.value, email: email.value, phone: phone.value });
  const result = validateRequest('put-user', body);
  if (result.ok) {
    const { value } = result;
    checked = { user: { id: identity.sub.toLowerCase(), username: value.username, email: value.email ?? null, phone: value.phone ?? null } };
  } else {
    // The core names the body's fields; the caller knows the token's claims.
    const claim = { username: username.claim, email: email.claim, phone: phone.claim };
    checked = { fields: Object.fromEntries(Object.entries(result.error.fields ?? { username: 'required' }).map(([field, reason]) => [claim[field] ?? field, reason])) };
  }
  profiles.set(identity, checked);
  return checked;
}

/** Whether a stored user already says what `user` says. */
export const sameUser = (stored, user) =>
  stored.username === user.username && (stored.email ?? null) === user.email && (stored.phone ?? null) === user.phone;

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
