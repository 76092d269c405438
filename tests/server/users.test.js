// The user routes (PUT/GET/DELETE /v1/users/{id}): admin scope only. A
// user's own token must not move where their codes go (an attacker holding
// it would point SMS codes at their own phone), nor read or erase the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, userSession } from './support/server.js';

const ADMIN = '00000000-0000-4000-8000-0000000000ad';

test('a user\'s own token cannot read, change or erase their user record: 403 IDE-0910, nothing changed', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await userSession(server, { phone: '+15550100' });
  const path = `/v1/users/${victim.id}`;
  const attempts = [
    await server.request('PUT', path, { token: victim.token, body: { username: 'victim', phone: '+15559999' } }),
    await server.request('GET', path, { token: victim.token }),
    await server.request('DELETE', path, { token: victim.token }),
  ];
  for (const response of attempts) {
    assert.deepStrictEqual([response.status, response.json.code], [403, 'IDE-0910'], response.text);
  }
  // Another user's id is refused the same way, before anything is looked up.
  const other = await server.request('GET', `/v1/users/${randomUUID()}`, { token: victim.token });
  assert.deepStrictEqual([other.status, other.json.code], [403, 'IDE-0910']);
  assert.equal((await server.store.getUser(victim.id)).phone, '+15550100');
  assert.deepStrictEqual((await server.store.readAudit(victim.id)).map((a) => a.event), []);
  // No token, a bad token: the usual 401s.
  assert.equal((await server.request('GET', path)).json.code, 'IDE-0008');
  assert.equal((await server.request('GET', path, { token: 'x.y.z' })).json.code, 'IDE-0009');
});

test('an admin creates, reads, updates and erases a user; PUT is idempotent and audited', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = await server.token(ADMIN, { admin: true });
  const id = randomUUID();
  const path = `/v1/users/${id.toUpperCase()}`; // ids are case-insensitive, stored lower-case

  assert.deepStrictEqual((await server.request('GET', path, { token: admin })).json.code, 'IDE-1003');
  const created = await server.request('PUT', path, { token: admin, body: { username: 'Ada Lovelace', email: 'ada@example.com' } });
  assert.equal(created.status, 200, created.text);
  assert.deepStrictEqual(created.json, { id, username: 'Ada Lovelace', email: 'ada@example.com', phone: null, created: true });
  const again = await server.request('PUT', path, { token: admin, body: { username: 'Ada Lovelace', email: 'ada@example.com' } });
  assert.deepStrictEqual(again.json, { ...created.json, created: false });
  const moved = await server.request('PUT', path, { token: admin, body: { username: 'Ada Lovelace', phone: '+447700900123' } });
  assert.deepStrictEqual(moved.json, { id, username: 'Ada Lovelace', email: null, phone: '+447700900123', created: false });
  assert.deepStrictEqual((await server.request('GET', path, { token: admin })).json, { id, username: 'Ada Lovelace', email: null, phone: '+447700900123' });

  // The created user can now set up MFA with their own token.
  const token = await server.token(id);
  assert.equal((await server.request('POST', `/v1/users/${id}/mfa/setup`, { token, body: { mfaType: 'sms' } })).status, 200);

  const audit = (await server.store.readAudit(id)).map((a) => [a.event, a.actor, a.actorAdmin]);
  assert.deepStrictEqual(audit.slice(0, 2), [['user.created', ADMIN, true], ['user.updated', ADMIN, true]]);

  const erased = await server.request('DELETE', path, { token: admin });
  assert.deepStrictEqual([erased.status, erased.json], [200, { id, erased: true }]);
  assert.equal((await server.request('DELETE', path, { token: admin })).json.code, 'IDE-1003');
  assert.equal((await server.request('GET', path, { token: admin })).json.code, 'IDE-1003');
  assert.equal((await server.request('GET', `/v1/users/${id}/mfa`, { token })).json.code, 'IDE-1003');
  assert.equal((await server.store.readAudit(id)).at(-1).event, 'user.erased');
});

test('a PUT body is validated by the core: the catalog\'s errors, naming the field', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = await server.token(ADMIN, { admin: true });
  const path = `/v1/users/${randomUUID()}`;
  const cases = [
    [{}, 400, 'IDE-0001', { username: 'required' }],
    [{ username: 'a', email: 'not-an-address' }, 400, 'IDE-0007', { email: 'must be an e-mail address' }],
    [{ username: 'a', phone: '555-0100' }, 400, 'IDE-0007', { phone: 'must be an E.164 phone number: + and 7 to 15 digits' }],
    [{ username: 'a', role: 'admin' }, 400, 'IDE-0004', { role: 'unexpected field' }],
    ['{"username":', 400, 'IDE-0007', undefined],
    [JSON.stringify({ username: 'x'.repeat(20_000) }), 413, 'IDE-0007', undefined],
  ];
  for (const [body, status, code, fields] of cases) {
    const response = await server.request('PUT', path, { token: admin, body });
    assert.deepStrictEqual([response.status, response.json.code, response.json.fields], [status, code, fields], response.text);
  }
  const noType = await server.request('PUT', path, { token: admin, body: '{"username":"a"}', headers: { 'content-type': 'text/plain' } });
  assert.equal(noType.json.code, 'IDE-0007');
  assert.equal((await server.request('PUT', '/v1/users/not-a-uuid', { token: admin, body: { username: 'a' } })).json.code, 'IDE-0003');
  assert.equal(await server.store.getUser(path.split('/').pop()), null);
});

test('erasure leaves no personal data at rest: not in any table, not in the file', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const admin = await server.token(ADMIN, { admin: true });
  const personal = { username: 'Erasable Person', email: 'erasable.person@example.com', phone: '+15550142' };
  const id = randomUUID();
  const path = `/v1/users/${id}`;
  assert.equal((await server.request('PUT', path, { token: admin, body: personal })).status, 200);
  const token = await server.token(id);
  const setup = await server.request('POST', `${path}/mfa/setup`, { token, body: { mfaType: 'email' } });
  assert.equal(setup.status, 200);
  const [message] = await server.store.readOutbox(id);
  const code = message.text.match(/\d{6}/)[0];
  const witness = await userSession(server, { username: 'Witness Person', email: 'witness@example.com' });

  assert.equal((await server.request('DELETE', path, { token: admin })).status, 200);
  const atRest = await server.raw.atRest();
  for (const value of [...Object.values(personal), `Your code is ${code}`]) {
    assert.ok(!atRest.includes(value), `"${value}" is still at rest`);
  }
  assert.ok(atRest.includes(id), 'the audit rows keep the user id');
  assert.ok(atRest.includes('witness@example.com'), 'other users are untouched');
  assert.equal((await server.store.getUser(witness.id)).email, 'witness@example.com');
});
