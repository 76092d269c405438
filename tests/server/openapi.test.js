// Every response of a run through all routes is valid against /openapi.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ENDPOINTS, USER_ENDPOINTS } from 'identity-mfa/contract';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

test('every response matches the schema /openapi.json gives for its route and status', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const doc = (await server.request('GET', '/openapi.json')).json;
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/')).length, new Set([...ENDPOINTS, ...USER_ENDPOINTS].map((e) => e.path)).size);

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const schemaFor = (method, path, status) => {
    const template = path.replace(/\/v1\/users\/[^/]+/, '/v1/users/{id}');
    const responses = doc.paths[template]?.[method.toLowerCase()]?.responses;
    assert.ok(responses, `${method} ${template} is documented`);
    const response = responses[status];
    assert.ok(response, `${method} ${template} documents status ${status}`);
    const ref = response.content['application/json'].schema.$ref.replace('#/', 'openapi#/');
    return ajv.getSchema(ref);
  };
  let checked = 0;
  const call = async (method, path, options) => {
    const response = await server.request(method, path, options);
    const validate = schemaFor(method, path, response.status);
    assert.ok(validate(response.json), `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`);
    checked++;
    return response;
  };

  const ada = await userSession(server);
  const base = `/v1/users/${ada.id}/mfa`;
  const as = { token: ada.token };
  await call('GET', base, as);
  const setup = (await call('POST', `${base}/setup`, { ...as, body: { mfaType: 'app' } })).json;
  await call('POST', `${base}/verify`, { ...as, body: { mfaType: 'app', secret: setup.secret, passcode: totp(setup.secret, server.clock()) } });
  await call('POST', `${base}/enable`, { ...as, body: { mfaType: 'app', secret: setup.secret, recoveryCode: setup.recoveryCodes[0] } });
  await call('PATCH', `${base}/preferred`, { ...as, body: { mfaType: 'app' } });
  await call('POST', `${base}/challenge`, { ...as, body: { mfaType: 'app' } });
  await call('POST', `${base}/check`, { ...as, body: { recoveryCode: setup.recoveryCodes[2] } });
  await call('POST', `${base}/check`, { ...as, body: { mfaType: 'app', passcode: '000000' } });
  await call('POST', `${base}/challenge`, { ...as, body: { mfaType: 'sms' } });
  await call('POST', `${base}/recovery-codes`, { ...as, body: { recoveryCode: setup.recoveryCodes[1] } });
  await call('POST', `${base}/setup`, { ...as, body: { mfaType: 'email' } });
  await call('GET', base, as);
  await call('POST', `${base}/disable`, { ...as, body: { mfaType: 'app', passcode: totp(setup.secret, server.clock() + 30000) } });
  // Errors: each status a route can answer with.
  await call('POST', `${base}/enable`, { ...as, body: { mfaType: 'app' } });
  await call('POST', `${base}/enable`, { ...as, body: 'x'.repeat(17000) });
  await call('POST', `${base}/setup`, { ...as, body: { mfaType: 'email' } });
  await call('GET', base, {});
  await call('GET', `/v1/users/${await server.addUser()}/mfa`, as);
  const ghost = '019c96a0-0c21-71f9-a487-66a1258278a1';
  await call('GET', `/v1/users/${ghost}/mfa`, { token: await server.token(ghost) });
  assert.ok(checked >= 15);
});
