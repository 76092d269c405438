// Users just in time (IDENTITY_MFA_USERS=token): a verified token for its own
// user creates or updates the record from its claims, with the first write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { loadConfig, ConfigError } from 'identity-mfa/server';
import { startServer } from './support/server.js';

const JIT = { IDENTITY_MFA_USERS: 'token' };
const claims = { preferred_username: 'ada.lovelace', email: 'ada@example.com', phone_number: '+447700900123' };

async function as(server, id, extra = claims, options = {}) {
  const token = await server.token(id, { claims: extra, ...options });
  const path = `/v1/users/${id}/mfa`;
  return {
    status: () => server.request('GET', path, { token }),
    setup: (mfaType) => server.request('POST', `${path}/setup`, { token, body: { mfaType } }),
  };
}

test('a token for an unknown user creates it from its claims with the first write, and updates it later', async (t) => {
  const server = await startServer({ env: JIT });
  t.after(() => server.close());
  const id = randomUUID();
  const ada = await as(server, id);

  // A read writes nothing: the status of a user with no factor.
  const status = await ada.status();
  assert.deepStrictEqual([status.status, status.json.enabled], [200, false]);
  assert.equal(await server.store.getUser(id), null);

  // The first write: the user and the setup in one transaction; SMS goes to the token's number.
  assert.equal((await ada.setup('sms')).status, 200);
  assert.deepStrictEqual(await server.store.getUser(id), { id, username: 'ada.lovelace', email: 'ada@example.com', phone: '+447700900123' });
  assert.equal((await server.store.readOutbox(id))[0].to, '+447700900123');
  assert.deepStrictEqual((await server.store.readAudit(id)).map((a) => [a.event, a.actor, a.actorAdmin]),
    [['user.created', id, false], ['setup', id, false]]);

  // New claims: the record follows with the next write, and the setup's label with it.
  const renamed = await as(server, id, { ...claims, preferred_username: undefined, email: 'countess@example.com' });
  const setup = await renamed.setup('app');
  assert.equal(setup.status, 200);
  assert.match(setup.json.url, /countess%40example\.com/);
  assert.equal((await server.store.getUser(id)).email, 'countess@example.com');
  assert.deepStrictEqual((await server.store.readAudit(id)).map((a) => a.event).slice(-2), ['user.updated', 'setup']);
  // The same claims again: no more user events.
  await renamed.setup('email');
  assert.equal((await server.store.readAudit(id)).filter((a) => a.event.startsWith('user.')).length, 2);
});

test('bad claims are IDE-0007 naming the claim, and nothing is written', async (t) => {
  const server = await startServer({ env: JIT });
  t.after(() => server.close());
  const cases = [
    [{ ...claims, email: 'not-an-address' }, { email: 'must be an e-mail address' }],
    [{ ...claims, phone_number: '07700 900123' }, { phone_number: 'must be an E.164 phone number: + and 7 to 15 digits' }],
    [{ email: 'a@example.com', preferred_username: 42 }, { preferred_username: 'must be a string' }],
    [{}, { preferred_username: 'required' }],
    [{ ...claims, preferred_username: 'ada\nadmin' }, { preferred_username: 'must be at most 128 characters, none of them a control character' }],
  ];
  for (const [tokenClaims, fields] of cases) {
    const id = randomUUID();
    const user = await as(server, id, tokenClaims);
    for (const response of [await user.setup('email'), await user.status()]) {
      assert.deepStrictEqual([response.status, response.json.code, response.json.fields], [400, 'IDE-0007', fields], JSON.stringify(tokenClaims));
    }
    assert.equal(await server.store.getUser(id), null);
  }
  // With only an email, the username falls back to it.
  const id = randomUUID();
  assert.equal((await (await as(server, id, { email: 'only@example.com' })).setup('email')).status, 200);
  assert.equal((await server.store.getUser(id)).username, 'only@example.com');
});

test('admin tokens never create users; the table mode ignores claims; claims are configurable', async (t) => {
  const server = await startServer({ env: { ...JIT, IDENTITY_MFA_USERNAME_CLAIMS: 'name,upn', IDENTITY_MFA_EMAIL_CLAIM: 'mail', IDENTITY_MFA_PHONE_CLAIM: 'https://idp.example/phone' } });
  t.after(() => server.close());
  const id = randomUUID();
  const admin = await as(server, id, claims, { admin: true });
  assert.equal((await admin.setup('email')).json.code, 'IDE-1003');
  assert.equal(await server.store.getUser(id), null);
  const own = await as(server, id, { upn: 'ada@corp', mail: 'ada@corp.example', 'https://idp.example/phone': '+15550100' });
  assert.equal((await own.setup('sms')).status, 200);
  assert.deepStrictEqual(await server.store.getUser(id), { id, username: 'ada@corp', email: 'ada@corp.example', phone: '+15550100' });

  const table = await startServer();
  t.after(() => table.close());
  assert.equal((await (await as(table, randomUUID())).setup('email')).json.code, 'IDE-1003');

  assert.throws(() => loadConfig({ IDENTITY_MFA_USERS: 'ldap' }), (e) => e instanceof ConfigError && /IDENTITY_MFA_USERS \(--users\) must be table or token/.test(e.message));
  assert.throws(() => loadConfig({ IDENTITY_MFA_EMAIL_CLAIM: 'a b' }), (e) => e instanceof ConfigError && /IDENTITY_MFA_EMAIL_CLAIM/.test(e.message));
});

test('concurrent first writes of a new user: one user, every setup decided once', async (t) => {
  const server = await startServer({ env: JIT });
  t.after(() => server.close());
  const id = randomUUID();
  const user = await as(server, id);
  const answers = await Promise.all(['email', 'sms', 'app'].map((type) => user.setup(type)));
  assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.text).join('\n'));
  const audit = (await server.store.readAudit(id)).map((a) => a.event);
  assert.equal(audit.filter((e) => e === 'user.created').length, 1, audit.join());
  assert.equal(audit.filter((e) => e === 'setup').length, 3, audit.join());
});
