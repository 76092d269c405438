// Start-up and the keys: settings that would weaken the sidecar are refused
// and named; a JWKS that cannot be fetched is logged (once a minute, not per
// request) and keeps /health/ready at 503 until keys load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp, loadConfig, requireProductionSettings, ConfigError } from 'identity-mfa/server';
import { startServer, testEnv } from './support/server.js';

const refuses = (fn, pattern) => assert.throws(fn, (e) => e instanceof ConfigError && pattern.test(e.message), String(pattern));

test('an empty admin scope is refused: a token with scope "" would be an admin', () => {
  refuses(() => loadConfig({ IDENTITY_MFA_ADMIN_SCOPE: '' }), /^IDENTITY_MFA_ADMIN_SCOPE \(--admin-scope\): /);
  refuses(() => loadConfig({ IDENTITY_MFA_ADMIN_SCOPE: 'mfa admin' }), /^IDENTITY_MFA_ADMIN_SCOPE \(--admin-scope\): /);
  assert.equal(loadConfig({ IDENTITY_MFA_ADMIN_SCOPE: 'idp:mfa.admin' }).adminScope, 'idp:mfa.admin');
});

test('a JWKS and an HS256 secret at once are refused: one way to verify tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-startup-'));
  try {
    const config = loadConfig(testEnv(dir, { IDENTITY_MFA_JWKS: 'https://idp.example/jwks.json' }));
    refuses(() => requireProductionSettings(config), /IDENTITY_MFA_JWKS \(--jwks\) and IDENTITY_MFA_JWT_SECRET \(--jwt-secret\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('start-up failures of the database and of a JWKS file name their setting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-startup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const unreachable = loadConfig(testEnv(dir, { IDENTITY_MFA_DB: 'postgres://mfa:hunter2@127.0.0.1:1/mfa' }));
  await assert.rejects(buildApp({ config: unreachable, logger: false }),
    (e) => e instanceof ConfigError && /^IDENTITY_MFA_DB \(--db\): .*ECONNREFUSED/.test(e.message) && !e.message.includes('hunter2'));
  const missing = loadConfig(testEnv(dir, { IDENTITY_MFA_JWT_SECRET: '', IDENTITY_MFA_JWKS: join(dir, 'nope.json') }));
  await assert.rejects(buildApp({ config: missing, logger: false }),
    (e) => e instanceof ConfigError && /^IDENTITY_MFA_JWKS \(--jwks\): .*no such file/.test(e.message));
});

test('a JWKS that cannot be fetched: 401, one log line with the cause, not ready; ready once it answers', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
  let up = false;
  const idp = createServer((req, res) => {
    if (!up) return res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise((resolve) => idp.listen(0, '127.0.0.1', resolve));
  const server = await startServer({ env: { IDENTITY_MFA_JWT_SECRET: '', IDENTITY_MFA_JWKS: `http://127.0.0.1:${idp.address().port}/jwks.json` } });
  t.after(async () => {
    await server.close();
    idp.close();
  });
  const id = await server.addUser();
  const token = await new SignJWT({ sub: id, exp: Math.floor(server.clock() / 1000) + 600 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);

  assert.equal((await server.request('GET', '/health/ready')).status, 503);
  for (let i = 0; i < 3; i++) assert.equal((await server.request('GET', `/v1/users/${id}/mfa`, { token })).json.code, 'IDE-0009');
  const complaints = server.logs().split('\n').filter((l) => l.includes('the JWKS could not be fetched'));
  assert.equal(complaints.length, 1, server.logs());
  assert.match(complaints[0], /"level":50/);
  assert.match(complaints[0], /"cause":"[^"]+"/);

  up = true;
  // The readiness check itself retries the fetch: wait for the state, not for time.
  let ready;
  for (let tries = 0; tries < 50; tries++) {
    ready = await server.request('GET', '/health/ready');
    if (ready.status === 200) break;
  }
  assert.deepStrictEqual(ready.json, { status: 'ready' });
  assert.equal((await server.request('GET', `/v1/users/${id}/mfa`, { token })).status, 200);
});

test('a JWKS or a webhook over plain http is refused beyond this machine', () => {
  refuses(() => loadConfig({ IDENTITY_MFA_JWKS: 'http://idp.example/jwks.json' }), /^IDENTITY_MFA_JWKS \(--jwks\): use https:\/\//);
  refuses(() => loadConfig({ IDENTITY_MFA_SENDER: 'webhook:http://sms.example/send' }), /^IDENTITY_MFA_SENDER \(--sender\): use https:\/\//);
  refuses(() => loadConfig({ IDENTITY_MFA_JWKS: 'ftp://idp.example/jwks.json' }), /^IDENTITY_MFA_JWKS \(--jwks\): a file path or an http\(s\) URL/);
  assert.equal(loadConfig({ IDENTITY_MFA_JWKS: 'https://idp.example/jwks.json' }).jwks, 'https://idp.example/jwks.json');
  assert.equal(loadConfig({ IDENTITY_MFA_JWKS: 'http://127.0.0.1:9000/jwks.json' }).jwks, 'http://127.0.0.1:9000/jwks.json');
  assert.equal(loadConfig({ IDENTITY_MFA_SENDER: 'webhook:http://localhost:9000/send' }).sender.url, 'http://localhost:9000/send');
  assert.equal(loadConfig({ IDENTITY_MFA_JWKS: './keys/jwks.json' }).jwks, './keys/jwks.json');
});
