// Error answers for the server's own steps (auth, path, routing): the body
// is the catalog's, built by the package's errorBody().
import { catalogEntry, errorBody } from 'identity-mfa/catalog';

export function sendError(reply, code, { status, fields } = {}) {
  return reply
    .code(status ?? catalogEntry(code).status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(code, fields)));
}
