// Every code of the catalog (docs/contract.md §4), produced by a real HTTP request,
// with its exact status and body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { catalog, catalogEntry } from 'identity-mfa/catalog';
import { identityMfaRoutes, createSender } from 'identity-mfa/server';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

function expectError(response, code, { status, fields } = {}) {
  const { title, message } = catalogEntry(code);
  const body = { code, title, message };
  if (fields) body.fields = fields;
  assert.equal(response.status, status ?? catalogEntry(code).status, `${code}: ${response.text}`);
  assert.deepStrictEqual(response.json, body);
  assert.match(response.headers.get('content-type'), /^application\/json/);
}

test('every catalog code from a real request', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const seen = new Set();
  const check = (response, code, options) => {
    expectError(response, code, options);
    seen.add(code);
  };
  const ada = await userSession(server);
  const u = (id) => `/v1/users/${id}/mfa`;

  check(await server.request('GET', u(ada.id)), 'IDE-0008');
  check(await server.request('GET', u(ada.id), { headers: { authorization: 'Token abc' } }), 'IDE-0008');
  check(await server.request('GET', u(ada.id), { token: 'not.a.jwt' }), 'IDE-0009');
  check(await server.request('GET', u('not-a-uuid'), { token: ada.token }), 'IDE-0003');
  const other = await server.addUser({ username: 'grace' });
  check(await server.request('GET', u(other), { token: ada.token }), 'IDE-0013');
  check(await server.request('GET', `/v1/users/${ada.id}`, { token: ada.token }), 'IDE-0910');
  const ghost = '019c96a0-0c21-71f9-a487-66a1258278a1';
  check(await server.request('GET', u(ghost), { token: await server.token(ghost) }), 'IDE-1003');
  check(await server.request('GET', '/v1/nowhere', { token: ada.token }), 'IDE-0908');
  check(await server.request('DELETE', u(ada.id), { token: ada.token }), 'IDE-0908');

  check(await ada.call('POST', '/enable', { mfaType: 'email' }), 'IDE-0001', { fields: { recoveryCode: 'required' } });
  check(await ada.call('POST', '/enable', { mfaType: 'email', recoveryCode: 'R', extra: 1 }), 'IDE-0004', { fields: { extra: 'unexpected field' } });
  check(await ada.call('POST', '/enable', '{"mfaType":"email",'), 'IDE-0007');
  check(await ada.call('POST', '/enable', 'x'.repeat(16385)), 'IDE-0007', { status: 413 });
  check(await ada.call('POST', '/enable', 'x'.repeat(200000)), 'IDE-0007', { status: 413 });
  check(await ada.call('POST', '/enable', '{}', { headers: { 'content-type': 'text/plain' } }), 'IDE-0007');
  check(await ada.call('POST', '/enable', { mfaType: 'push', recoveryCode: 'R' }), 'IDE-0044');

  check(await ada.enable({ mfaType: 'email', recoveryCode: 'R' }), 'IDE-0043');
  const setup = (await ada.setup('app')).json;
  check(await ada.enable({ mfaType: 'app', secret: setup.secret, recoveryCode: setup.recoveryCodes[0] }), 'IDE-0903');
  check(await ada.verify({ mfaType: 'app', secret: 'JBSWY3DPEHPK3PXP', passcode: '123456' }), 'IDE-0904');
  const wrong = totp(setup.secret, server.clock(), { offset: 9 });
  check(await ada.verify({ mfaType: 'app', secret: setup.secret, passcode: wrong }), 'IDE-0902');
  await ada.verify({ mfaType: 'app', secret: setup.secret, passcode: totp(setup.secret, server.clock()) });
  check(await ada.enable({ mfaType: 'app', secret: setup.secret, recoveryCode: 'ZZZZ-ZZZZ-ZZZZ' }), 'IDE-0901');
  await ada.enable({ mfaType: 'app', secret: setup.secret, recoveryCode: setup.recoveryCodes[0] });
  check(await ada.setup('app'), 'IDE-0040');
  check(await ada.setup('email'), 'IDE-0909');
  check(await ada.call('PATCH', '/preferred', { mfaType: 'sms' }), 'IDE-0906');
  await ada.call('POST', '/check', { recoveryCode: setup.recoveryCodes[1] }); // step-up for what follows

  const grace = await userSession(server, { username: 'grace', email: null, phone: null });
  check(await grace.setup('email'), 'IDE-0907');
  await ada.setup('sms');
  const again = await ada.setup('sms');
  check(again, 'IDE-0905');
  assert.equal(again.headers.get('retry-after'), '30');

  // A stored secret that fails to open: a store fault inside an MFA operation.
  await server.raw.setState(grace.id, '{"v":1,"factors":{"app":{"secret":"sealed:v1:k1:AAAA:BBBB"}}}');
  check(await grace.call('POST', '/check', { mfaType: 'app', passcode: '123456' }), 'IDE-0045');

  // Something unexpected outside any MFA operation: the token backend fails.
  const app = Fastify({ logger: false });
  await app.register(identityMfaRoutes, {
    config: server.config, store: server.store, sender: createSender(server.config),
    verifier: async () => { throw new Error('JWKS backend unreachable'); },
  });
  const response = await app.inject({ method: 'GET', url: u(ada.id), headers: { authorization: 'Bearer abc' } });
  check({ status: response.statusCode, json: response.json(), text: response.body, headers: new Headers(response.headers) }, 'IDE-0006');
  assert.ok(!response.body.includes('JWKS backend'), 'no internal detail in the body');
  await app.close();

  const all = ['IDE-0001', 'IDE-0003', 'IDE-0004', 'IDE-0006', 'IDE-0007', 'IDE-0008', 'IDE-0009', 'IDE-0013', 'IDE-0040',
    'IDE-0043', 'IDE-0044', 'IDE-0045', 'IDE-1003', 'IDE-0901', 'IDE-0902', 'IDE-0903', 'IDE-0904', 'IDE-0905',
    'IDE-0906', 'IDE-0907', 'IDE-0908', 'IDE-0909', 'IDE-0910'];
  assert.deepStrictEqual(all.sort(), catalog.map((e) => e.code).sort(), 'every code of the catalog is produced');
  assert.deepStrictEqual(all.filter((c) => !seen.has(c)), []);
});

test('no response carries a stack trace', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  for (const body of ['{', '\u0000', '[]', 'x'.repeat(20000), '{"mfaType":{"a":[1,2,{"b":null}]}}']) {
    const response = await ada.call('POST', '/setup', body);
    assert.ok(!/at .*\.js:\d+|Error:/.test(response.text), response.text);
  }
});

// A user whose app enrollment is verified, and the body that enables it.
async function verifiedApp(server) {
  const ada = await userSession(server);
  const { secret, recoveryCodes } = (await ada.setup('app')).json;
  await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) });
  return { ada, enableBody: { mfaType: 'app', secret, recoveryCode: recoveryCodes[0] } };
}

test('a store error inside a commit answers a clean 500 and leaves no partial state', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const { ada, enableBody } = await verifiedApp(server);
  const before = await server.raw.state(ada.id);

  await server.raw.failAudit('enable.ok');
  const failed = await ada.enable(enableBody);
  expectError(failed, 'IDE-0045');
  assert.equal(await server.raw.state(ada.id), before, 'the state is as it was');
  assert.deepStrictEqual((await ada.status()).json.methods, []);

  await server.raw.clearFault();
  assert.equal((await ada.enable(enableBody)).status, 200);
  assert.deepStrictEqual((await ada.status()).json.recoveryCodesRemaining, 9);
});

test('a store error in one write fails that request only: the writes sent with it commit', async (t) => {
  // SQLite commits the writes that reach it together as one transaction:
  // one that fails must not take the others with it.
  const server = await startServer();
  t.after(() => server.close());
  const { ada, enableBody } = await verifiedApp(server);
  const others = await Promise.all(Array.from({ length: 8 }, () => userSession(server)));

  await server.raw.failAudit('enable.ok');
  const [failed, ...setups] = await Promise.all([
    ada.enable(enableBody),
    ...others.map((user) => user.setup('app')),
  ]);
  expectError(failed, 'IDE-0045');
  for (const [i, setup] of setups.entries()) {
    assert.equal(setup.status, 200, setup.text);
    assert.deepStrictEqual((await others[i].status()).json.pending.map((p) => p.mfaType), ['app']);
  }
  assert.deepStrictEqual((await ada.status()).json.methods, []);
});
