// Operations: health, metrics, the plugin embedded in another app, senders,
// key rotation, a JWKS served over HTTP, graceful shutdown, demo mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { identityMfaRoutes, createSender, createVerifier, loadConfig, openStore, mintToken } from 'identity-mfa/server';
import { totp } from '../vectors/src/reference.mjs';
import { BACKEND, startServer, tempDatabase, testDatabase, testEnv, userSession } from './support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('health, readiness and metrics', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  assert.deepStrictEqual((await server.request('GET', '/health/live')).json, { status: 'ok' });
  assert.deepStrictEqual((await server.request('GET', '/health/ready')).json, { status: 'ready' });
  const ada = await userSession(server);
  await ada.setup('app');
  await ada.call('POST', '/enable', { mfaType: 'sms' });
  const metrics = (await server.request('GET', '/metrics')).text;
  assert.match(metrics, /identity_mfa_http_requests_total\{route="\/v1\/users\/:id\/mfa\/setup",status="200"\} 1/);
  assert.match(metrics, /identity_mfa_http_requests_total\{route="\/v1\/users\/:id\/mfa\/enable",status="400"\} 1/);
  assert.match(metrics, /identity_mfa_http_request_duration_seconds_count\{route="\/v1\/users\/:id\/mfa\/setup"\} 1/);
  // The latency is a real duration: a finite sum, above zero, under a minute.
  const sum = Number(/identity_mfa_http_request_duration_seconds_sum\{route="\/v1\/users\/:id\/mfa\/setup"\} (\S+)/.exec(metrics)?.[1]);
  assert.ok(sum > 0 && sum < 60, `setup latency sum: ${sum}`);
  assert.match(metrics, /identity_mfa_events_total\{event="setup",mfa_type="app"\} 1/);
  await server.store.close();
  assert.equal((await server.request('GET', '/health/ready')).status, 503);
  server.app.store.close = async () => {}; // already closed
});

test('the routes embed in another Fastify app with app.register()', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-embed-'));
  const database = await testDatabase(dir);
  const config = loadConfig(testEnv(dir, { IDENTITY_MFA_DB: database.url }));
  const store = await openStore(config.db);
  await store.migrate();
  const app = Fastify({ logger: false });
  app.get('/their-own-route', async () => ({ theirs: true }));
  await app.register(identityMfaRoutes, {
    config, store,
    verifier: createVerifier(config), sender: createSender(config),
  });
  t.after(async () => {
    await app.close();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const id = '019c96a0-0c21-71f9-a487-66a1258278a1';
  await store.addUser({ id, username: 'ada' });
  const token = await mintToken(config, { sub: id });
  const setup = await app.inject({ method: 'POST', url: `/v1/users/${id}/mfa/setup`, headers: { authorization: `Bearer ${token}` }, payload: { mfaType: 'app' } });
  assert.equal(setup.statusCode, 200);
  assert.match(setup.json().secret, /^[A-Z2-7]{32}$/);
  assert.deepStrictEqual((await app.inject('/their-own-route')).json(), { theirs: true });
});

test('key rotation: secrets sealed under an old key still open; new writes use the new key', async (t) => {
  const old = `old:${randomBytes(32).toString('base64')}`;
  const server = await startServer({ env: { IDENTITY_MFA_ENCRYPTION_KEYS: old } });
  const ada = await userSession(server);
  const { secret, recoveryCodes } = (await ada.setup('app')).json;
  assert.match(await server.raw.state(ada.id), /sealed:v1:old:/);
  const { dir, database } = server;
  await server.app.close();

  const rotated = await startServer({ dir, database, env: { IDENTITY_MFA_ENCRYPTION_KEYS: `new:${randomBytes(32).toString('base64')},${old}`, IDENTITY_MFA_JWT_SECRET: server.config.jwtSecret, IDENTITY_MFA_RECOVERY_PEPPER: server.config.pepper.toString('base64') } });
  t.after(() => rotated.close());
  const token = await rotated.token(ada.id);
  const post = (what, body) => rotated.request('POST', `/v1/users/${ada.id}/mfa/${what}`, { token, body });
  assert.equal((await post('verify', { mfaType: 'app', secret, passcode: totp(secret, rotated.clock()) })).status, 200);
  assert.equal((await post('enable', { mfaType: 'app', secret, recoveryCode: recoveryCodes[0] })).status, 200);
  // Verify and enable checked the secret sent back by its digest: it is still under the old key.
  assert.match(await rotated.raw.state(ada.id), /sealed:v1:old:/);
  // A sign-in opens it (under the old key) to compute its code, and writes it under the new one.
  rotated.clock.advance(60_000);
  assert.equal((await post('check', { mfaType: 'app', passcode: totp(secret, rotated.clock()) })).status, 200);
  const state = await rotated.raw.state(ada.id);
  assert.match(state, /sealed:v1:new:/);
  assert.ok(!state.includes('sealed:v1:old:'));

  // `identity-mfa rekey` moves the states nobody touched.
  const grace = await userSession(rotated, { username: 'grace' });
  const oldOnly = await startServer({ dir: mkdtempSync(join(tmpdir(), 'identity-mfa-old-')), database: rotated.database, env: { IDENTITY_MFA_ENCRYPTION_KEYS: old, IDENTITY_MFA_JWT_SECRET: rotated.config.jwtSecret, IDENTITY_MFA_RECOVERY_PEPPER: rotated.config.pepper.toString('base64') } });
  await oldOnly.request('POST', `/v1/users/${grace.id}/mfa/setup`, { token: await oldOnly.token(grace.id), body: { mfaType: 'app' } });
  await oldOnly.app.close(); // its database is rotated's: only its folder goes
  rmSync(oldOnly.dir, { recursive: true, force: true });
  assert.match(await rotated.raw.state(grace.id), /sealed:v1:old:/);
  const out = spawnSync(process.execPath, [cli, 'rekey'], { encoding: 'utf8', env: { PATH: process.env.PATH, IDENTITY_MFA_DB: rotated.database.url, IDENTITY_MFA_ENCRYPTION_KEYS: rotated.config.encryptionKeys.map((k) => `${k.kid}:${k.key.toString('base64')}`).join(',') } });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /states re-sealed under key new: 1; already under it: 1/);
  assert.match(await rotated.raw.state(grace.id), /sealed:v1:new:/);
  assert.equal((await rotated.request('GET', `/v1/users/${grace.id}/mfa`, { token: await rotated.token(grace.id) })).status, 200);
});

test('a JWKS served over HTTP verifies tokens', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
  const idp = await listen((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
  const server = await startServer({ env: { IDENTITY_MFA_JWT_SECRET: '', IDENTITY_MFA_JWKS: `http://127.0.0.1:${idp.address().port}/jwks.json` } });
  t.after(async () => {
    await server.close();
    idp.close();
  });
  const id = await server.addUser();
  const token = await new SignJWT({ sub: id, exp: Math.floor(server.clock() / 1000) + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
  assert.equal((await server.request('GET', `/v1/users/${id}/mfa`, { token })).status, 200);
});

function startCli(args, env) {
  const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const waitFor = (pattern) => new Promise((resolve, reject) => {
    const check = () => (pattern.test(out) ? resolve(out.match(pattern)) : null);
    child.stdout.on('data', check);
    child.on('exit', () => reject(new Error(`exited early:\n${out}`)));
    check();
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, waitFor, exited, output: () => out };
}

test('SIGTERM: an in-flight request finishes, then the process exits 0', async (t) => {
  const { env } = await tempDatabase(t, 'identity-mfa-sigterm-');
  const cliRun = startCli(['serve', '--port', '0'], env);
  const [, port] = await cliRun.waitFor(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/);
  const config = loadConfig(env);
  const store = await openStore(config.db);
  await store.migrate(); // already done by serve: this prepares the store's statements
  const id = '019c96a0-0c21-71f9-a487-66a1258278a1';
  await store.addUser({ id, username: 'ada' });
  await store.close();
  const token = await mintToken(config, { sub: id });
  // A slow upload: "Expect: 100-continue" makes the server say when it has
  // the request (its 100 Continue), so SIGTERM surely arrives while it is in
  // flight; the body ends only once the sidecar has begun to close.
  const { request } = await import('node:http');
  const answered = await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/v1/users/${id}/mfa/setup`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, expect: '100-continue' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.on('continue', async () => {
      req.write('{"mfaType":');
      cliRun.child.kill('SIGTERM');
      await cliRun.waitFor(/SIGTERM: closing/);
      req.end('"app"}');
    });
    req.flushHeaders();
  });
  assert.equal(answered.status, 200, 'the in-flight request got its answer');
  assert.match(JSON.parse(answered.body).secret, /^[A-Z2-7]{32}$/);
  assert.equal(await cliRun.exited, 0);
  assert.match(cliRun.output(), /"msg":"closed"/);
});

test('demo mode: generated secrets, a demo user, a token and curl lines that work', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-demo-'));
  const run = startCli(['serve', '--demo', '--port', '0'], { IDENTITY_MFA_DATA: dir });
  t.after(() => {
    run.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const [, token] = await run.waitFor(/export TOKEN='([^']+)'/);
  const [, setupCurl] = await run.waitFor(/\n(curl -s -X POST [^\n]*\/setup)\n/);
  const [, base, id] = setupCurl.match(/(http:\/\/127\.0\.0\.1:\d+)\/v1\/users\/([0-9a-f-]+)\/mfa\/setup/);
  const call = async (method, suffix, body) => {
    const r = await fetch(`${base}/v1/users/${id}/mfa${suffix}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    return r.json();
  };
  const setup = await call('POST', '/setup', { mfaType: 'app' });
  assert.deepStrictEqual(await call('POST', '/verify', { mfaType: 'app', secret: setup.secret, passcode: totp(setup.secret, Date.now()) }), { verified: true });
  assert.deepStrictEqual(await call('POST', '/enable', { mfaType: 'app', secret: setup.secret, recoveryCode: setup.recoveryCodes[0] }), { enabled: true });
  assert.equal((await call('GET', '')).enabled, true);
  const page = await fetch(base + '/');
  assert.match(await page.text(), /<title>identity-mfa demo/);
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  const session = await (await fetch(base + '/demo/session')).json();
  assert.equal(session.userId, id);
  assert.equal((await fetch(`${base}/v1/users/${id}/mfa`, { headers: { authorization: `Bearer ${session.token}` } })).status, 200);
  const wasm = await fetch(base + '/identity-mfa/wasm/identity_mfa.wasm');
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
});

test('without --demo there is no demo page and no /demo/session', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  for (const path of ['/', '/demo/session', '/demo/app.js', '/identity-mfa/load.js']) {
    const r = await server.request('GET', path);
    assert.equal(r.status, 404, path);
    assert.equal(r.json.code, 'IDE-0908', path);
  }
});

test('SQLite: a writer thread that dies is replaced, and the next write goes through', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  assert.equal((await ada.setup('app')).status, 200);
  await server.store.writer.terminate();
  const again = await ada.setup('email');
  assert.equal(again.status, 200);
  assert.deepStrictEqual((await ada.status()).json.pending.map((p) => p.mfaType).sort(), ['app', 'email']);
});
