// Catalog error bodies for the server's own steps (auth, path, routing).
import { catalogEntry } from 'identity-mfa/catalog';

export function errorBody(code, fields) {
  const { title, message } = catalogEntry(code);
  const body = { code, title, message };
  if (fields) body.fields = fields;
  return body;
}

export function sendError(reply, code, { status, fields } = {}) {
  return reply
    .code(status ?? catalogEntry(code).status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(code, fields)));
}
