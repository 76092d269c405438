// Answers of the server's own: a JSON text with its status, and the error
// answers of the server's own steps (auth, path, routing), whose body is the
// catalog's, built by the package's errorBody().
import { catalogEntry, errorBody } from 'identity-mfa/catalog';

/** Sends `text`, a JSON document, with `status`. */
export function sendJson(reply, status, text) {
  return reply.code(status).type('application/json; charset=utf-8').send(text);
}

export function sendError(reply, code, { status, fields } = {}) {
  return sendJson(reply, status ?? catalogEntry(code).status, JSON.stringify(errorBody(code, fields)));
}
