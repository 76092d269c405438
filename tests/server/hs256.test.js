// The HS256 verifier (server/hs256.js) accepts exactly the tokens jose's
// jwtVerify accepts with the sidecar's options: a matrix of well-formed,
// expired, early, forged, mis-addressed, malformed and extended tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { tokenHeader, verifyHs256 } from '../../server/hs256.js';

const key = randomBytes(32);
const now = 1_800_000_000;
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const signWith = (secret, head, body) => `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
const token = (header, payload, secret = key) => signWith(secret, b64(header), b64(payload));
const base = { sub: 'u1', exp: now + 60 };

function cases() {
  const h = { alg: 'HS256', typ: 'JWT' };
  const list = [
    ['valid', token(h, base)],
    ['no typ', token({ alg: 'HS256' }, base)],
    ['expired', token(h, { ...base, exp: now - 1 })],
    ['expires now', token(h, { ...base, exp: now })],
    ['no exp', token(h, { sub: 'u1' })],
    ['exp as text', token(h, { ...base, exp: String(now + 60) })],
    ['nbf now', token(h, { ...base, nbf: now })],
    ['nbf later', token(h, { ...base, nbf: now + 1 })],
    ['nbf as text', token(h, { ...base, nbf: 'soon' })],
    ['iat', token(h, { ...base, iat: now - 10 })],
    ['iat as text', token(h, { ...base, iat: 'then' })],
    ['no sub', token(h, { exp: now + 60 })],
    ['sub as number', token(h, { ...base, sub: 42 })],
    ['iss right', token(h, { ...base, iss: 'https://idp.example' })],
    ['iss wrong', token(h, { ...base, iss: 'https://evil.example' })],
    ['iss as number', token(h, { ...base, iss: 7 })],
    ['aud right', token(h, { ...base, aud: 'identity-mfa' })],
    ['iss and aud right', token(h, { ...base, iss: 'https://idp.example', aud: 'identity-mfa' })],
    ['iss and aud right, aud a list', token(h, { ...base, iss: 'https://idp.example', aud: ['identity-mfa', 'y'], iat: now })],
    ['iss and aud right, expired', token(h, { ...base, iss: 'https://idp.example', aud: 'identity-mfa', exp: now - 5 })],
    ['aud in a list', token(h, { ...base, aud: ['x', 'identity-mfa'] })],
    ['aud wrong', token(h, { ...base, aud: 'someone' })],
    ['aud list wrong', token(h, { ...base, aud: ['x'] })],
    ['forged', token(h, base, randomBytes(32))],
    ['alg HS512', token({ alg: 'HS512' }, base)],
    ['alg none', `${b64({ alg: 'none' })}.${b64(base)}.`],
    ['alg lower-case', token({ alg: 'hs256' }, base)],
    ['crit', token({ alg: 'HS256', crit: ['exp'] }, base)],
    ['b64 false', token({ alg: 'HS256', b64: false, crit: ['b64'] }, base)],
    ['payload an array', token(h, [base])],
    ['payload not JSON', signWith(key, b64(h), b64('not json'))],
    ['header not JSON', signWith(key, b64('{'), b64(base))],
    ['two parts', `${b64(h)}.${b64(base)}`],
    ['four parts', `${token(h, base)}.x`],
    ['padding in the signature', `${token(h, base)}=`],
    ['padding in the payload', signWith(key, b64(h), `${b64(base)}=`)],
    ['a bad character in the signature', `${token(h, base).slice(0, -1)}*`],
    ['signature cut short', token(h, base).slice(0, -2)],
    ['empty', ''],
  ];
  return list;
}

test('verifyHs256 accepts exactly what jose accepts, with and without issuer and audience', async () => {
  for (const options of [{}, { issuer: 'https://idp.example', audience: 'identity-mfa' }]) {
    let accepted = 0;
    for (const [name, jwt] of cases()) {
      const ours = verifyHs256(jwt, key, { now, ...options }) !== null;
      // As the verifier calls it, with the header it parsed to choose the algorithm.
      assert.equal(verifyHs256(jwt, key, { now, ...options, header: tokenHeader(jwt) }) !== null, ours, `${name}: with the header given`);
      const theirs = await jwtVerify(jwt, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'], currentDate: new Date(now * 1000), ...options })
        .then(() => true, () => false);
      assert.equal(ours, theirs, `${name} ${JSON.stringify(options)}: ours ${ours}, jose ${theirs}`);
      if (ours) accepted++;
    }
    assert.ok(accepted >= 2, `${accepted} accepted`);
  }
});

test('a rejected token costs no stack trace, and leaves the stack trace limit as it was', async () => {
  const { AuthError } = await import('../../server/auth.js');
  const before = Error.stackTraceLimit;
  const error = new AuthError('IDE-0009');
  assert.equal(error.code, 'IDE-0009');
  assert.ok(error instanceof Error);
  assert.doesNotMatch(error.stack, /\n\s+at /);
  assert.equal(Error.stackTraceLimit, before);
  assert.match(new Error('x').stack, /\n\s+at /);
});
