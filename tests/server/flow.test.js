// The enable flow end to end over HTTP, with TOTP codes from an independent
// implementation (node:crypto, tests/vectors/src/reference.mjs), not the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { totp } from '../vectors/src/reference.mjs';
import { startServer, userSession } from './support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;

test('app: setup → verify → enable → status', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);

  const setup = await ada.setup('app');
  assert.equal(setup.status, 200);
  assert.match(setup.json.secret, /^[A-Z2-7]{32}$/);
  assert.equal(setup.json.url, `otpauth://totp/identity-mfa:ada%40example.com?secret=${setup.json.secret}&issuer=identity-mfa&algorithm=SHA1&digits=6&period=30`);
  assert.equal(setup.json.recoveryCodes.length, 10);
  assert.equal(setup.json.enabled, false);
  const { secret, recoveryCodes } = setup.json;

  server.clock.advance(5000);
  const verify = await ada.verify({ mfaType: 'app', secret, passcode: totp(secret, server.clock()) });
  assert.deepStrictEqual([verify.status, verify.json], [200, { verified: true }]);

  const enable = await ada.enable({ mfaType: 'app', secret, recoveryCode: recoveryCodes[3] });
  assert.deepStrictEqual([enable.status, enable.json], [200, { enabled: true }]);

  const status = await ada.status();
  assert.deepStrictEqual(status.json, {
    enabled: true, preferredType: 'app', methods: ['app'], totpEnabled: true, emailEnabled: false, smsEnabled: false,
    recoveryCodesRemaining: 9, pending: [], lockedUntil: null,
  });
  const audit = (await server.store.readAudit(ada.id)).map((a) => `${a.event}:${a.mfaType}`);
  assert.deepStrictEqual(audit, ['setup:app', 'verify.ok:app', 'enable.ok:app']);
});

test('email: the code goes to the outbox, `identity-mfa outbox` prints it, verify and enable', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);

  const setup = await ada.setup('email');
  assert.equal(setup.status, 200);
  assert.equal(setup.json.secret, undefined);
  const printed = execFileSync(process.execPath, [cli, 'outbox', '--user', ada.id], {
    encoding: 'utf8', env: { ...process.env, IDENTITY_MFA_DB: server.database.url },
  }).trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(printed.length, 1);
  assert.equal(printed[0].userId, ada.id);
  assert.equal(printed[0].channel, 'email');
  assert.equal(printed[0].to, 'ada@example.com');
  assert.match(printed[0].createdAt, /^\d{4}-\d\d-\d\dT/);
  const code = printed[0].text.match(/\b(\d{6})\b/)[1];

  assert.equal((await ada.verify({ mfaType: 'email', passcode: code })).status, 200);
  assert.equal((await ada.enable({ mfaType: 'email', recoveryCode: setup.json.recoveryCodes[0] })).status, 200);
  assert.deepStrictEqual((await ada.status()).json.methods, ['email']);
});

test('a restart keeps the enabled state', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const { json } = await ada.setup('app');
  await ada.verify({ mfaType: 'app', secret: json.secret, passcode: totp(json.secret, server.clock()) });
  await ada.enable({ mfaType: 'app', secret: json.secret, recoveryCode: json.recoveryCodes[0] });

  await server.restart();
  const status = await ada.status();
  assert.equal(status.status, 200);
  assert.deepStrictEqual(status.json.methods, ['app']);
  assert.equal(status.json.recoveryCodesRemaining, 9);
  // The TOTP secret still opens after the restart: the factor still works.
  server.clock.advance(30000);
  const regenerate = await ada.call('POST', '/recovery-codes', { passcode: totp(json.secret, server.clock()) });
  assert.equal(regenerate.status, 200);
});

test('HEAD is no method of the contract: IDE-0908 on the MFA and user routes, and nothing reaches the store writer', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const token = await server.token(ada.id);
  const admin = await server.token('ops-console', { admin: true });
  const posted = [];
  const writer = server.store.writer; // SQLite's writer thread; PostgreSQL has none
  if (writer) {
    const post = writer.postMessage.bind(writer);
    writer.postMessage = (message) => {
      posted.push(message.op);
      post(message);
    };
  }
  for (const [path, bearer] of [[`/v1/users/${ada.id}/mfa`, token], [`/v1/users/${ada.id}`, admin]]) {
    assert.equal((await server.request('GET', path, { token: bearer })).status, 200, path);
    const head = await server.request('HEAD', path, { token: bearer });
    assert.equal(head.status, 404, path);
    assert.equal(head.headers.get('content-type'), 'application/json; charset=utf-8');
  }
  assert.deepStrictEqual(posted, []);
});
