// Bearer tokens: every way a token can be wrong, and the admin claim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { startServer } from './support/server.js';

const code = (response) => `${response.status} ${response.json?.code}`;

test('HS256 tokens: missing, malformed, forged, unsigned, expired, future, wrong issuer or audience, another user, admin', async (t) => {
  const server = await startServer({ env: { IDENTITY_MFA_JWT_ISSUER: 'https://idp.example', IDENTITY_MFA_JWT_AUDIENCE: 'identity-mfa' } });
  t.after(() => server.close());
  const id = await server.addUser();
  const other = await server.addUser({ username: 'grace' });
  const path = `/v1/users/${id}/mfa`;
  const get = (headers) => server.request('GET', path, { headers });
  const bearer = (token) => get({ authorization: `Bearer ${token}` });
  const key = new TextEncoder().encode(server.config.jwtSecret);
  const now = Math.floor(server.clock() / 1000);
  const sign = (claims, { secret = key, alg = 'HS256' } = {}) =>
    new SignJWT({ iss: 'https://idp.example', aud: 'identity-mfa', sub: id, iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg }).sign(secret);

  assert.equal(code(await bearer(await server.token(id))), '200 undefined');
  assert.equal(code(await get({})), '401 IDE-0008');
  assert.equal(code(await get({ authorization: 'Bearer' })), '401 IDE-0008');
  assert.equal(code(await get({ authorization: 'Basic YWRhOnB3' })), '401 IDE-0008');
  assert.equal(code(await get({ authorization: `bearer ${await server.token(id)}` })), '401 IDE-0008');
  assert.equal(code(await bearer('abc')), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({}, { secret: new TextEncoder().encode('x'.repeat(32)) }))), '401 IDE-0009');
  const unsigned = new UnsecuredJWT({ sub: id, iss: 'https://idp.example', aud: 'identity-mfa' }).setExpirationTime(now + 600).encode();
  assert.equal(code(await bearer(unsigned)), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ exp: now - 1 }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ exp: undefined }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ nbf: now + 600 }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ iss: 'https://evil.example' }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ aud: 'someone-else' }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({ sub: undefined }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({}, { alg: 'HS512' }))), '401 IDE-0009');
  assert.equal(code(await bearer(await sign({}))), '200 undefined');

  const otherPath = `/v1/users/${other}/mfa`;
  const asAda = await server.request('GET', otherPath, { token: await sign({}) });
  assert.equal(code(asAda), '403 IDE-0013');
  const asAdmin = await server.request('GET', otherPath, { token: await sign({ sub: 'ops-console', scope: 'openid mfa:admin' }) });
  assert.equal(code(asAdmin), '200 undefined');
  const notQuiteAdmin = await server.request('GET', otherPath, { token: await sign({ sub: 'ops', scope: 'mfa:administrator' }) });
  assert.equal(code(notQuiteAdmin), '403 IDE-0013');

  // Time moves: a token expires while the server runs.
  const token = await server.token(id, { ttl: 60 });
  assert.equal(code(await bearer(token)), '200 undefined');
  server.clock.advance(61000);
  assert.equal(code(await bearer(token)), '401 IDE-0009');
});

test('JWKS from a file: RS256, ES256 and EdDSA tokens verify; HS256 and unknown keys do not', async (t) => {
  const keys = await Promise.all(['RS256', 'ES256', 'EdDSA'].map(async (alg) => ({ alg, ...(await generateKeyPair(alg, { extractable: true })) })));
  const jwks = { keys: await Promise.all(keys.map(async ({ alg, publicKey }, i) => ({ ...(await exportJWK(publicKey)), kid: `k${i}`, alg })) ) };
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-jwks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify(jwks));
  const withJwks = await startServer({ env: { IDENTITY_MFA_JWT_SECRET: '', IDENTITY_MFA_JWKS: file } });
  t.after(() => withJwks.close());
  const id = await withJwks.addUser();
  const now = Math.floor(withJwks.clock() / 1000);
  const get = (token) => withJwks.request('GET', `/v1/users/${id}/mfa`, { token });
  for (const [i, { alg, privateKey }] of keys.entries()) {
    const token = await new SignJWT({ sub: id, exp: now + 60 }).setProtectedHeader({ alg, kid: `k${i}` }).sign(privateKey);
    assert.equal(code(await get(token)), '200 undefined', alg);
  }
  const stranger = await generateKeyPair('ES256');
  const forged = await new SignJWT({ sub: id, exp: now + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(stranger.privateKey);
  assert.equal(code(await get(forged)), '401 IDE-0009');
  const hs = await new SignJWT({ sub: id, exp: now + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('y'.repeat(32)));
  assert.equal(code(await get(hs)), '401 IDE-0009');
});

test('the verified-token cache is bounded by bytes, not entries, and sweeps what has expired', async () => {
  const { VerifiedTokens, DEFAULT_CACHE_BYTES } = await import('../../server/auth.js');
  let now = 1_000_000;
  const cache = new VerifiedTokens(() => now, 200_000);
  const identity = { sub: 'u', admin: false, exp: now / 1000 + 3600, mfaAt: null };
  // Tokens of 11 KB, as some identity providers issue: 60 000 of them once held 812 MB.
  for (let i = 0; i < 5000; i++) cache.set(`${'t'.repeat(11_000)}.${i}`, identity);
  assert.ok(cache.bytes <= 200_000, `${cache.bytes} bytes`);
  assert.ok(cache.entries.size > 10 && cache.entries.size < 20, `${cache.entries.size} entries`);
  assert.ok(cache.get(`${'t'.repeat(11_000)}.4999`), 'the newest are kept');
  assert.equal(cache.get(`${'t'.repeat(11_000)}.0`), null, 'the oldest went');
  // Once full, the oldest eighth goes at once (one walk from the oldest end,
  // not one per insertion): the next insertion that does not fit leaves room.
  cache.set(`${'t'.repeat(11_000)}.full`, identity);
  while (cache.bytes + 11_160 <= 200_000) cache.set(`${'t'.repeat(11_000)}.${cache.entries.size}.more`, identity);
  cache.set(`${'t'.repeat(11_000)}.over`, identity);
  assert.ok(cache.bytes <= 200_000 * 7 / 8, `${cache.bytes} bytes after an eviction`);
  // A token bigger than a quarter of the budget is verified every time, never cached.
  cache.set('x'.repeat(60_000), identity);
  assert.equal(cache.get('x'.repeat(60_000)), null);
  // A minute on, the next insertion sweeps every entry that no longer holds.
  now += 61_000;
  cache.set('fresh', identity);
  assert.deepStrictEqual([...cache.entries.keys()], ['fresh']);
  assert.equal(cache.bytes, 'fresh'.length + 160);
  assert.equal(DEFAULT_CACHE_BYTES, 16 * 1024 * 1024);
});

test('verifier.now: an HS256 token is known without a promise, a JWKS one only through the promise', async () => {
  const { createVerifier, loadConfig } = await import('identity-mfa/server');
  const { generateKeyPair, exportJWK } = await import('jose');
  const secret = 's'.repeat(32);
  const hs = (claims, key = secret) => new SignJWT({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));
  const base = { IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, IDENTITY_MFA_RECOVERY_PEPPER: Buffer.alloc(32, 9).toString('base64') };
  const verifier = createVerifier(loadConfig({ ...base, IDENTITY_MFA_JWT_SECRET: secret }));

  const token = await hs({ sub: 'ada' });
  const identity = verifier.now(token);
  assert.equal(identity.sub, 'ada', 'verified now, not in a promise');
  assert.equal(verifier.cached(token), identity, 'and cached');
  assert.deepStrictEqual(await verifier(token), identity);
  const forged = await hs({ sub: 'ada' }, 'f'.repeat(32));
  assert.throws(() => verifier.now(forged), (error) => error.code === 'IDE-0009');
  await assert.rejects(verifier(forged), (error) => error.code === 'IDE-0009');
  const mangled = `${token.split('.')[0]}.x.y`;
  assert.throws(() => verifier.now(mangled), (error) => error.code === 'IDE-0009');
  // Signed, but its subject converts to no string: refused, not a crash.
  const odd = await hs({ sub: { toString: 1, valueOf: 1 } });
  assert.throws(() => verifier.now(odd), (error) => error.code === 'IDE-0009');

  // With a JWKS only: an HS256 token is refused at once; an ES256 one is the promise's.
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-now-'));
  try {
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] }));
    const withJwks = createVerifier(loadConfig({ ...base, IDENTITY_MFA_JWKS: join(dir, 'jwks.json') }));
    assert.throws(() => withJwks.now(token), (error) => error.code === 'IDE-0009');
    const es = await new SignJWT({ sub: 'grace', exp: Math.floor(Date.now() / 1000) + 600 }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(privateKey);
    assert.equal(withJwks.now(es), null);
    assert.equal((await withJwks(es)).sub, 'grace');
    assert.equal(withJwks.now(es).sub, 'grace', 'known now, from the cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
