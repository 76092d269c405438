// docs/contract.md §5 over HTTP: lockout, replay, expiry (an injected clock, no
// sleeps), concurrency, secrets at rest, the audit trail, and logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

async function appSetup(server, ada) {
  const { json } = await ada.setup('app');
  return json;
}

test('five failed passcodes lock the user for 15 minutes, with Retry-After', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret } = await appSetup(server, ada);
  const wrong = totp(secret, server.clock(), { offset: 9 });
  for (let i = 0; i < 4; i++) {
    assert.equal((await ada.verify({ mfaType: 'app', secret, passcode: wrong })).json.code, 'IDE-0902');
  }
  const locked = await ada.verify({ mfaType: 'app', secret, passcode: wrong });
  assert.equal(locked.status, 429);
  assert.equal(locked.json.code, 'IDE-0905');
  assert.equal(locked.headers.get('retry-after'), '900');
  server.clock.advance(60_000);
  const right = await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) });
  assert.equal(right.status, 429, 'even the right code waits');
  assert.equal(right.headers.get('retry-after'), '840');
  assert.match((await ada.status()).json.lockedUntil, /^2027-01-15T08:15:10/);
  server.clock.advance(14 * 60_000);
  const { secret: fresh } = await appSetup(server, ada);
  assert.equal((await ada.verify({ mfaType: 'app', secret: fresh, passcode: totp(fresh, server.clock()) })).status, 200);
  const events = (await server.store.readAudit(ada.id)).map((a) => a.event);
  assert.deepStrictEqual(events.filter((e) => e === 'lock'), ['lock']);
});

test('a TOTP code accepted once is refused the second time', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret } = await appSetup(server, ada);
  const passcode = totp(secret, server.clock());
  assert.equal((await ada.verify({ mfaType: 'app', secret, passcode })).status, 200);
  const replay = await ada.verify({ mfaType: 'app', secret, passcode });
  assert.deepStrictEqual([replay.status, replay.json.code], [400, 'IDE-0902']);
});

test('a pending setup expires after 10 minutes', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret, recoveryCodes } = await appSetup(server, ada);
  assert.equal((await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) })).status, 200);
  server.clock.advance(10 * 60_000);
  const late = await ada.enable({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] });
  assert.deepStrictEqual([late.status, late.json.code], [400, 'IDE-0043']);
});

test('50 concurrent enables for one user with the same body: exactly one 200, the code consumed once', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret, recoveryCodes } = await appSetup(server, ada);
  await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) });
  const body = { mfaType: 'app', secret, recoveryCode: recoveryCodes[0] };
  const responses = await Promise.all(Array.from({ length: 50 }, () => ada.enable(body)));
  const statuses = responses.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
  assert.ok(responses.filter((r) => r.status !== 200).every((r) => r.json.code === 'IDE-0040'));
  assert.equal((await ada.status()).json.recoveryCodesRemaining, 9);
  const disable = await ada.call('POST', '/disable', { mfaType: 'app', recoveryCode: recoveryCodes[0] });
  assert.equal(disable.json.code, 'IDE-0901', 'the code used to enable is gone');
});

test('TOTP secrets are sealed at rest; recovery codes are stored only as HMACs', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret, recoveryCodes } = await appSetup(server, ada);
  const state = await server.raw.state(ada.id);
  assert.ok(!state.includes(secret), 'no clear secret in the row');
  assert.match(state, /"secret":"sealed:v1:k1:/);
  const atRest = await server.raw.atRest();
  assert.ok(atRest.includes('sealed:v1:k1:'), 'the dump holds the stored state');
  for (const value of [secret, ...recoveryCodes, ...recoveryCodes.map((c) => c.replace(/-/g, ''))]) {
    assert.ok(!atRest.includes(value), 'nothing at rest holds a secret or a recovery code');
  }
  // A sealed secret moved to another user does not open there, and says why in the log.
  const grace = await userSession(server, { username: 'grace' });
  await server.raw.setState(grace.id, state);
  const moved = await grace.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock() + 30000) });
  assert.deepStrictEqual([moved.status, moved.json.code], [500, 'IDE-0045']);
  assert.ok(server.logs().includes('"cause":"host.open(): a sealed secret failed authentication","msg":"the MFA host failed'), 'the log says why');
});

test('the audit trail is append-only', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.setup('app');
  const [entry] = await server.store.readAudit(ada.id);
  assert.deepStrictEqual([entry.event, entry.mfaType, entry.userId], ['setup', 'app', ada.id]);
  assert.ok(entry.requestId);
  await assert.rejects(server.raw.exec("UPDATE audit SET event = 'x'"), /append-only/);
  await assert.rejects(server.raw.exec('DELETE FROM audit'), /append-only/);
});

test('logs hold no secret, passcode, recovery code, otpauth URL, one-time code or token', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret, url, recoveryCodes } = await appSetup(server, ada);
  const passcode = totp(secret, server.clock());
  await ada.verify({ mfaType: 'app', secret, passcode });
  await ada.enable({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] });
  await ada.call('POST', '/check', { recoveryCode: recoveryCodes[1] }); // step-up for the second factor
  const email = (await ada.setup('email')).json;
  const [message] = await server.store.readOutbox(ada.id);
  const code = message.text.match(/\d{6}/)[0];
  await ada.verify({ mfaType: 'email', passcode: code });
  await ada.call('POST', '/enable', '{"broken":');
  const logs = server.logs();
  assert.ok(logs.includes('"reqId"') && logs.includes('"status":200'), 'requests were logged');
  for (const value of [secret, url, ada.token, ...recoveryCodes, ...email.recoveryCodes]) {
    assert.ok(!logs.includes(value), `a secret value reached the logs`);
  }
  // Six digits occur by chance inside timestamps and durations: a code in a
  // log would stand on its own.
  for (const digits of [passcode, code]) {
    assert.doesNotMatch(logs, new RegExp(`(?<![0-9])${digits}(?![0-9])`), 'a one-time code reached the logs');
  }
});

test('the audit records who acted (the token subject, and whether it was an admin), failed disables and regenerates too', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { secret, recoveryCodes } = await appSetup(server, ada);
  await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) });
  await ada.enable({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] });
  assert.equal((await ada.call('POST', '/disable', { mfaType: 'app', recoveryCode: 'NOPE-NOPE-NOPE' })).json.code, 'IDE-0901');
  assert.equal((await ada.call('POST', '/recovery-codes', { recoveryCode: 'NOPE-NOPE-NOPE' })).json.code, 'IDE-0901');
  const service = '00000000-0000-4000-8000-000000000001';
  const admin = await server.token(service, { admin: true });
  assert.equal((await server.request('POST', `/v1/users/${ada.id}/mfa/disable`, { token: admin, body: { mfaType: 'app' } })).status, 200);
  const audit = (await server.store.readAudit(ada.id)).map((a) => [a.event, a.actor, a.actorAdmin]);
  assert.deepStrictEqual(audit, [
    ['setup', ada.id, false], ['verify.ok', ada.id, false], ['enable.ok', ada.id, false],
    ['disable.failed', ada.id, false], ['regenerate.failed', ada.id, false], ['disable', service, true],
  ]);
});

test('a malformed body to an unknown route, with no token, is that route\'s 404, and no error is logged', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const answer = await server.request('POST', '/v2/whatever', { body: '{"broken":', headers: { 'content-type': 'application/json' } });
  assert.deepStrictEqual([answer.status, answer.json.code], [404, 'IDE-0908']);
  assert.ok(!server.logs().includes('"level":50'), 'nothing at error level');
  for (const [name, value] of [['cache-control', 'no-store'], ['x-content-type-options', 'nosniff']]) {
    assert.equal(answer.headers.get(name), value);
  }
});

test('answers that carry secrets are never cached', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const setup = await ada.setup('app');
  assert.equal(setup.headers.get('cache-control'), 'no-store');
  assert.equal(setup.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await ada.status()).headers.get('cache-control'), 'no-store');
});
