// An attacker holding one stolen bearer token and nothing else: they must not
// be able to enrol their own authenticator, replace the recovery codes, and
// then turn the victim's factor off. Setup needs step-up once a factor is
// enabled: a recent check, a token that proves MFA (RFC 8176 amr, RFC 9470).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

async function victimWithEmail(server) {
  const victim = await userSession(server);
  const setup = (await victim.setup('email')).json;
  const [message] = await server.store.readOutbox(victim.id);
  await victim.verify({ mfaType: 'email', passcode: message.text.match(/\d{6}/)[0] });
  assert.equal((await victim.enable({ mfaType: 'email', recoveryCode: setup.recoveryCodes[0] })).status, 200);
  return { ...victim, codes: setup.recoveryCodes };
}

// An HS256 token with extra claims, as an identity provider that did MFA issues it.
function tokenWith(server, sub, claims) {
  const now = Math.floor(server.clock() / 1000);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(now).setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(server.config.jwtSecret));
}

test('a stolen token alone cannot enrol a new factor: 401 IDE-0909 with an RFC 9470 challenge', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await victimWithEmail(server);
  server.clock.advance(60_000);

  // The attack: set up the attacker's own authenticator with the token alone.
  const attack = await victim.setup('app');
  assert.deepStrictEqual([attack.status, attack.json.code, attack.json.title], [401, 'IDE-0909', 'MFA Step-Up Required']);
  assert.equal(attack.json.secret, undefined);
  assert.match(attack.headers.get('www-authenticate'), /^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age=300$/);
  assert.equal((await victim.setup('sms')).json.code, 'IDE-0909');
  // An already enabled type still answers IDE-0040 first.
  assert.equal((await victim.setup('email')).json.code, 'IDE-0040');
  // Nothing changed: no pending enrollment, the same recovery codes, the factor on.
  const status = (await victim.status()).json;
  assert.deepStrictEqual([status.methods, status.pending, status.recoveryCodesRemaining], [['email'], [], 9]);
  assert.ok((await server.store.readAudit(victim.id)).some((e) => e.event === 'setup.refused'));
});

test('after a check of the enabled factor, setup goes through for 5 minutes', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await victimWithEmail(server);
  server.clock.advance(60_000);
  assert.equal((await victim.call('POST', '/check', { recoveryCode: victim.codes[1] })).status, 200);
  server.clock.advance(4 * 60_000);
  const setup = await victim.setup('app');
  assert.equal(setup.status, 200);
  assert.match(setup.json.secret, /^[A-Z2-7]{32}$/);
  server.clock.advance(60_000); // 5 minutes after the check
  assert.equal((await victim.setup('sms')).json.code, 'IDE-0909');
});

test('a token that proves MFA (amr contains "mfa", auth_time under 5 minutes) is step-up; an older one is not', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await victimWithEmail(server);
  const path = `/v1/users/${victim.id}/mfa/setup`;
  const now = Math.floor(server.clock() / 1000);
  const fresh = await tokenWith(server, victim.id, { amr: ['pwd', 'mfa'], auth_time: now - 60 });
  const stale = await tokenWith(server, victim.id, { amr: ['pwd', 'mfa'], auth_time: now - 301 });
  const noMfa = await tokenWith(server, victim.id, { amr: ['pwd', 'otp'], auth_time: now });
  const future = await tokenWith(server, victim.id, { amr: ['mfa'], auth_time: now + 3600 });
  for (const token of [stale, noMfa, future]) {
    assert.equal((await server.request('POST', path, { token, body: { mfaType: 'app' } })).json.code, 'IDE-0909');
  }
  assert.equal((await server.request('POST', path, { token: fresh, body: { mfaType: 'app' } })).status, 200);
});

test('an admin (service) token needs no step-up: an administrator resets factors', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await victimWithEmail(server);
  const admin = await server.token('00000000-0000-4000-8000-000000000001', { admin: true });
  const setup = await server.request('POST', `/v1/users/${victim.id}/mfa/setup`, { token: admin, body: { mfaType: 'app' } });
  assert.equal(setup.status, 200);
});

test('a setup started before the first factor was enabled cannot be finished after it', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const victim = await userSession(server);
  // The attacker starts an app setup while the user has no factor yet…
  const planted = (await victim.setup('app')).json;
  // …the user then enables email…
  const setup = (await victim.setup('email')).json;
  const [message] = await server.store.readOutbox(victim.id);
  await victim.verify({ mfaType: 'email', passcode: message.text.match(/\d{6}/)[0] });
  await victim.enable({ mfaType: 'email', recoveryCode: setup.recoveryCodes[0] });
  // …and the planted enrollment is gone: it cannot replace the codes.
  const verify = await victim.verify({ mfaType: 'app', secret: planted.secret, passcode: totp(planted.secret, server.clock()) });
  assert.equal(verify.json.code, 'IDE-0043');
  assert.equal((await victim.enable({ mfaType: 'app', secret: planted.secret, recoveryCode: planted.recoveryCodes[0] })).json.code, 'IDE-0043');
  assert.deepStrictEqual((await victim.status()).json.methods, ['email']);
});
