// The user routes: PUT, GET and DELETE /v1/users/{id}, for a token with the
// admin scope only (the plugin registers them and its hook answers IDE-0910
// to any other). They change who a user is and where their codes go, so a
// user's own token must not reach them. A user's fields, wherever they come
// from (a PUT body, a token's claims, a row of an import), are checked by
// the core as a PUT body.
import { validateRequest } from 'identity-mfa';
import { sendError, sendAnswer } from './replies.js';

/**
 * The user `body` (a PUT body: JSON text or bytes) describes for `id`:
 * { user } with absent e-mail and phone as null, or { error } — the core's
 * refusal, { ok: false, status, error: {code, title, message, fields?} }.
 */
export function checkUser(id, body, options) {
  const result = validateRequest('put-user', body, options);
  if (!result.ok) return { error: result };
  const { username, email = null, phone = null } = result.value;
  return { user: { id: id.toLowerCase(), username, email, phone } };
}

// Users just in time (IDENTITY_MFA_USERS=token): the user a token's claims
// describe, checked once per verified token. { user } or { fields } (claim
// name → reason) for IDE-0007.
const profiles = new WeakMap();
export function profileUser(identity) {
  let checked = profiles.get(identity);
  if (checked) return checked;
  const { username, email, phone } = identity.profile;
  const { user, error } = checkUser(identity.sub, JSON.stringify({ username: username.value, email: email.value, phone: phone.value }));
  if (user) {
    checked = { user };
  } else {
    // The core names the body's fields; the caller knows the token's claims.
    const claim = { username: username.claim, email: email.claim, phone: phone.claim };
    checked = { fields: Object.fromEntries(Object.entries(error.error.fields ?? { username: 'required' }).map(([field, reason]) => [claim[field] ?? field, reason])) };
  }
  profiles.set(identity, checked);
  return checked;
}

/** A stored user as the User schema answers it. */
const userBody = (user) => ({ id: user.id, username: user.username, email: user.email ?? null, phone: user.phone ?? null });
const send = (reply, body) => sendAnswer(reply, 200, JSON.stringify(body));

/**
 * The handler of each user route, by operation: (request, reply, userId, by)
 * where `by` is the audit context of the admin who asks.
 */
export function userHandlers({ store, config }) {
  return {
    'put-user': async (request, reply, userId, by) => {
      const { user, error } = checkUser(userId, request.body ?? '', { bodyLimit: config.bodyLimit });
      if (error) return sendAnswer(reply, error.status, JSON.stringify(error.error));
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
}
