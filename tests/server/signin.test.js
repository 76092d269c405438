// Sign-in with an enabled factor over real HTTP: challenge and check, with
// TOTP codes from an independent implementation (node:crypto).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

async function enrolled(server, mfaType, user) {
  const ada = await userSession(server, user);
  const setup = (await ada.setup(mfaType)).json;
  let passcode;
  if (mfaType === 'app') {
    passcode = totp(setup.secret, server.clock());
  } else {
    const [message] = await server.store.readOutbox(ada.id);
    passcode = message.text.match(/\b(\d{6})\b/)[1];
  }
  assert.equal((await ada.verify({ mfaType, passcode, ...(setup.secret ? { secret: setup.secret } : {}) })).status, 200);
  assert.equal((await ada.enable({ mfaType, recoveryCode: setup.recoveryCodes[0], ...(setup.secret ? { secret: setup.secret } : {}) })).status, 200);
  return { ...ada, secret: setup.secret, codes: setup.recoveryCodes };
}

const events = async (server, id) => (await server.store.readAudit(id)).map((a) => `${a.event}:${a.mfaType}`);

test('app: check a TOTP code; the same code again is a replay', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'app');
  const challenge = await ada.call('POST', '/challenge', { mfaType: 'app' });
  assert.deepStrictEqual([challenge.status, challenge.json], [200, { mfaType: 'app', sent: false, expiresAt: null }]);

  server.clock.advance(30_000);
  const passcode = totp(ada.secret, server.clock());
  const check = await ada.call('POST', '/check', { mfaType: 'app', passcode });
  assert.deepStrictEqual([check.status, check.json], [200, { verified: true, method: 'app', recoveryCodesRemaining: 9 }]);
  const replay = await ada.call('POST', '/check', { mfaType: 'app', passcode });
  assert.deepStrictEqual([replay.status, replay.json.code], [400, 'IDE-0902']);
  assert.deepStrictEqual((await events(server, ada.id)).slice(-2), ['check.ok:app', 'check.failed:app']);
});

test('email: challenge puts a sign-in code in the outbox; check consumes it; a resend within 30 s is 429', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'email');
  server.clock.advance(60_000);
  const challenge = await ada.call('POST', '/challenge', { mfaType: 'email' });
  assert.equal(challenge.status, 200);
  assert.deepStrictEqual(challenge.json, { mfaType: 'email', sent: true, expiresAt: new Date(server.clock() + 300_000).toISOString() });
  const messages = await server.store.readOutbox(ada.id);
  const last = messages.at(-1);
  assert.equal(messages.length, 2); // the enrollment's code, then the sign-in code
  assert.equal(last.to, 'ada@example.com');
  assert.match(last.text, /sign-in code is \d{6}\./);
  const code = last.text.match(/\b(\d{6})\b/)[1];

  const again = await ada.call('POST', '/challenge', { mfaType: 'email' });
  assert.deepStrictEqual([again.status, again.json.code, again.headers.get('retry-after')], [429, 'IDE-0905', '30']);
  assert.deepStrictEqual((await ada.call('POST', '/check', { mfaType: 'email', passcode: code })).json, { verified: true, method: 'email', recoveryCodesRemaining: 9 });
  assert.equal((await ada.call('POST', '/check', { mfaType: 'email', passcode: code })).json.code, 'IDE-0902');
  assert.deepStrictEqual((await events(server, ada.id)).slice(-3), ['challenge.sent:email', 'check.ok:email', 'check.failed:email']);
});

test('sms through the webhook sender: the sign-in code is POSTed, and it checks', async (t) => {
  const received = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: `webhook:http://127.0.0.1:${hook.address().port}/sms` } });
  t.after(async () => {
    await server.close();
    hook.closeAllConnections();
    hook.close();
  });
  const ada = await userSession(server);
  const setup = (await ada.setup('sms')).json;
  await server.app.relay.idle(); // the relay delivers what the decision committed
  await ada.verify({ mfaType: 'sms', passcode: received[0].text.match(/\d{6}/)[0] });
  await ada.enable({ mfaType: 'sms', recoveryCode: setup.recoveryCodes[0] });
  server.clock.advance(60_000);
  assert.equal((await ada.call('POST', '/challenge', { mfaType: 'sms' })).status, 200);
  await server.app.relay.idle();
  assert.equal(received.length, 2);
  assert.deepStrictEqual([received[1].userId, received[1].channel, received[1].to], [ada.id, 'sms', '+15550100']);
  const check = await ada.call('POST', '/check', { mfaType: 'sms', passcode: received[1].text.match(/\d{6}/)[0] });
  assert.deepStrictEqual(check.json, { verified: true, method: 'sms', recoveryCodesRemaining: 9 });
});

test('a recovery code checks once; the count left goes down; a type not enabled is IDE-0906', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'app');
  const first = await ada.call('POST', '/check', { recoveryCode: ada.codes[4].toLowerCase() });
  assert.deepStrictEqual(first.json, { verified: true, method: 'recovery', recoveryCodesRemaining: 8 });
  assert.equal((await ada.call('POST', '/check', { recoveryCode: ada.codes[4] })).json.code, 'IDE-0901');
  assert.equal((await ada.status()).json.recoveryCodesRemaining, 8);
  assert.deepStrictEqual((await ada.call('POST', '/challenge', { mfaType: 'email' })).json.code, 'IDE-0906');
  assert.deepStrictEqual((await ada.call('POST', '/check', { mfaType: 'sms', passcode: '123456' })).json.code, 'IDE-0906');
  assert.ok((await events(server, ada.id)).includes('check.ok:recovery'));
});

test('failures at check lock every route for 15 minutes', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'app');
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push((await ada.call('POST', '/check', { recoveryCode: `NOPE-${i}` })).json.code);
  assert.deepStrictEqual(answers, ['IDE-0901', 'IDE-0901', 'IDE-0901', 'IDE-0901', 'IDE-0905']);
  server.clock.advance(30_000);
  const locked = await ada.call('POST', '/check', { mfaType: 'app', passcode: totp(ada.secret, server.clock()) });
  assert.deepStrictEqual([locked.status, locked.headers.get('retry-after')], [429, '870']);
  assert.equal((await ada.call('POST', '/recovery-codes', { recoveryCode: ada.codes[1] })).status, 429);
  assert.ok((await events(server, ada.id)).includes('lock:recovery'));
});

test('who may check: the user, an admin service; not another user', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'app');
  const path = `/v1/users/${ada.id}/mfa/check`;
  const other = await server.token(await server.addUser({ username: 'mallory' }));
  const refused = await server.request('POST', path, { token: other, body: { recoveryCode: ada.codes[1] } });
  assert.deepStrictEqual([refused.status, refused.json.code], [403, 'IDE-0013']);
  const service = await server.token('00000000-0000-4000-8000-000000000001', { admin: true });
  const byService = await server.request('POST', path, { token: service, body: { recoveryCode: ada.codes[1] } });
  assert.deepStrictEqual(byService.json, { verified: true, method: 'recovery', recoveryCodesRemaining: 8 });
  assert.equal((await server.request('POST', path, { body: { recoveryCode: ada.codes[2] } })).json.code, 'IDE-0008');
});

test('malformed bodies get their catalog code; metrics count the events; no code reaches the logs', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await enrolled(server, 'email');
  const bodies = [
    ['{"passcode":"123456"}', 'IDE-0001', { mfaType: 'required with passcode' }],
    ['{"mfaType":"email","passcode":"123456","recoveryCode":"R"}', 'IDE-0007', { passcode: 'send only one of passcode and recoveryCode', recoveryCode: 'send only one of passcode and recoveryCode' }],
    ['{"mfaType":"push","passcode":"123456"}', 'IDE-0044', undefined],
    ['{}', 'IDE-0001', { passcode: 'send one of passcode and recoveryCode', recoveryCode: 'send one of passcode and recoveryCode' }],
    ['{"mfaType":"email","code":"1"}', 'IDE-0004', { code: 'unexpected field' }],
    ['[', 'IDE-0007', undefined],
  ];
  for (const [body, code, fields] of bodies) {
    const answer = await ada.call('POST', '/check', body);
    assert.deepStrictEqual([answer.status, answer.json.code, answer.json.fields], [400, code, fields], body);
  }
  assert.equal((await ada.call('POST', '/challenge', '{"mfaType":"fax"}')).json.code, 'IDE-0044');
  server.clock.advance(60_000);
  await ada.call('POST', '/challenge', { mfaType: 'email' });
  const code = (await server.store.readOutbox(ada.id)).at(-1).text.match(/\d{6}/)[0];
  await ada.call('POST', '/check', { mfaType: 'email', passcode: code });
  await ada.call('POST', '/check', { recoveryCode: ada.codes[3] });
  const metrics = (await server.request('GET', '/metrics')).text;
  assert.match(metrics, /identity_mfa_events_total\{event="challenge.sent",mfa_type="email"\} 1/);
  assert.match(metrics, /identity_mfa_events_total\{event="check.ok",mfa_type="email"\} 1/);
  assert.match(metrics, /identity_mfa_events_total\{event="check.ok",mfa_type="recovery"\} 1/);
  const logs = server.logs();
  assert.doesNotMatch(logs, new RegExp(`(?<![0-9])${code}(?![0-9])`));
  assert.ok(!logs.includes(ada.codes[3]));
  const audit = JSON.stringify(await server.store.readAudit(ada.id));
  assert.doesNotMatch(audit, new RegExp(`(?<![0-9])${code}(?![0-9])`));
  assert.ok(!audit.includes(ada.codes[3]));
});
