// The package's public API beyond the vectors: types, errors, isolation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mfa from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';

const host = createNodeHost({ pepper: Buffer.alloc(32, 1) });

test('a valid enable body gives its value', () => {
  const result = mfa.validateEnableRequest('{"recoveryCode":"ABCD-EFGH-JKMN","mfaType":"email"}');
  assert.deepStrictEqual(result, { ok: true, value: { recoveryCode: 'ABCD-EFGH-JKMN', mfaType: 'email' } });
});

test('an invalid body gives the exact error body the server sends', () => {
  const result = mfa.validateEnableRequest('{"mfaType":"app"}');
  assert.deepStrictEqual(result, {
    ok: false,
    status: 400,
    error: {
      code: 'IDE-0001',
      title: 'Missing Fields in Request',
      message: 'Your request is missing one or more required fields.',
      fields: { recoveryCode: 'required' },
    },
  });
});

test('a field named __proto__ is reported, not assigned as a prototype', () => {
  const result = mfa.validateEnableRequest('{"recoveryCode":"R","mfaType":"email","__proto__":{"polluted":true}}');
  assert.equal(result.error.code, 'IDE-0004');
  assert.ok(Object.hasOwn(result.error.fields, '__proto__'));
  assert.equal(Object.getPrototypeOf(result.error.fields), Object.prototype);
  assert.equal({}.polluted, undefined);
});

test('IdentityMfaError carries code, status, fields and the catalog message', () => {
  const result = mfa.validateSetupRequest('{"mfaType":7}');
  const error = mfa.IdentityMfaError.from(result);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'IdentityMfaError');
  assert.equal(error.code, 'IDE-0007');
  assert.equal(error.status, 400);
  assert.deepStrictEqual(error.fields, { mfaType: 'must be a string' });
  assert.equal(error.message, 'The server could not understand the request due to malformed syntax.');
  assert.deepStrictEqual(JSON.parse(JSON.stringify(error)), result.error);
  assert.throws(() => new mfa.IdentityMfaError('IDE-0000'), TypeError);
});

test('IdentityMfaError.from a decision keeps status 429 and Retry-After', () => {
  const user = { username: 'ada', email: 'ada@example.com' };
  const now = Date.UTC(2027, 0, 1);
  const first = mfa.decide('setup', { body: '{"mfaType":"email"}', user, now }, host);
  const again = mfa.decide('setup', { body: '{"mfaType":"email"}', user, now: now + 1000, state: first.newState }, host);
  const error = mfa.IdentityMfaError.from(again);
  assert.equal(error.code, 'IDE-0905');
  assert.equal(error.status, 429);
  assert.equal(error.retryAfter, 29);
});

test('wrong argument types are TypeErrors, not catalog errors', () => {
  assert.throws(() => mfa.validateRequest('nope', '{}'), TypeError);
  assert.throws(() => mfa.validateEnableRequest(42), TypeError);
  assert.throws(() => mfa.validateEnableRequest({ recoveryCode: 'R' }), TypeError);
  assert.throws(() => mfa.decide('enable', {}), TypeError);
  assert.throws(() => mfa.decide('fly', {}, host), TypeError);
});

test('out-of-range numbers are TypeErrors or catalog errors, never a wasm trap', () => {
  assert.throws(() => mfa.validateEnableRequest('{}', { bodyLimit: 1e12 }), TypeError);
  assert.throws(() => mfa.validateEnableRequest('{}', { bodyLimit: -1 }), TypeError);
  assert.throws(() => mfa.decide('status', { now: NaN, user: { username: 'a' } }, host), TypeError);
  assert.throws(() => mfa.decide('status', { now: 1e300, user: { username: 'a' } }, host), TypeError);
  const body = '{"mfaType":"app"}';
  for (const settings of [{ digits: 1e300 }, { digits: NaN }, { digits: 12 }, { period: -5 }, { pendingTtlMs: -1 }]) {
    const d = mfa.decide('setup', { body, user: { username: 'a' }, settings }, host);
    assert.ok(d.status === 200 || d.error?.code === 'IDE-0045', JSON.stringify(settings));
    if (d.status === 200) assert.match(d.body.url, /digits=6&period=30$/);
  }
  assert.equal(mfa.decide('setup', { body, user: { username: 'a' }, settings: { digits: 12 } }, host).error.code, 'IDE-0045');
});

test('a host that throws makes the operation fail with IDE-0045, not a crash', () => {
  const throwing = { hmac() { throw new Error('HSM down'); }, pepperedHash() { throw new Error('HSM down'); }, randomBytes: host.randomBytes };
  const d = mfa.decide('setup', { body: '{"mfaType":"app"}', user: { username: 'ada' } }, throwing);
  assert.equal(d.status, 500);
  assert.equal(d.error.code, 'IDE-0045');
  assert.equal(d.newState, null);
  // The instance still works afterwards.
  assert.equal(mfa.decide('setup', { body: '{"mfaType":"app"}', user: { username: 'ada' } }, host).status, 200);
});

test('setup draws its random bytes from the host when none are given', () => {
  const user = { username: 'ada' };
  const a = mfa.decide('setup', { body: '{"mfaType":"app"}', user }, host);
  const b = mfa.decide('setup', { body: '{"mfaType":"app"}', user }, host);
  assert.equal(a.status, 200);
  assert.match(a.body.secret, /^[A-Z2-7]{32}$/);
  assert.notEqual(a.body.secret, b.body.secret);
  assert.equal(new Set([...a.body.recoveryCodes, ...b.body.recoveryCodes]).size, 20);
  for (const code of a.body.recoveryCodes) assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
});

test('the stored state never holds a recovery code or one-time code in clear', () => {
  const user = { username: 'ada', email: 'ada@example.com' };
  const d = mfa.decide('setup', { body: '{"mfaType":"email"}', user }, host);
  const code = d.outbound.text.match(/\b(\d{6})\b/)[1];
  assert.ok(!d.newState.includes(code));
  for (const recovery of d.body.recoveryCodes) {
    assert.ok(!d.newState.includes(recovery));
    assert.ok(!d.newState.includes(recovery.replace(/-/g, '')));
  }
});

test('createNodeHost refuses a short pepper', () => {
  assert.throws(() => createNodeHost({ pepper: Buffer.alloc(8) }), TypeError);
  assert.throws(() => createNodeHost({}), TypeError);
});

test('loadIdentityMfa gives an independent instance', async () => {
  const other = await mfa.loadIdentityMfa();
  assert.notEqual(other, mfa);
  assert.deepStrictEqual(other.validateEnableRequest('{}'), mfa.validateEnableRequest('{}'));
});

test('a validation result does not change when later requests are validated', () => {
  const first = mfa.validateEnableRequest('{"recoveryCode":"FIRST","mfaType":"email"}');
  mfa.validateEnableRequest('{"recoveryCode":"SECOND-VALUE-XX","mfaType":"sms"}');
  assert.deepStrictEqual(first.value, { recoveryCode: 'FIRST', mfaType: 'email' });
});

test('decide reads body and state the same from a string, a Buffer and an ArrayBuffer, before and after its buffer grows', () => {
  const user = { username: 'zoë@example.com' };
  const random = new Uint8Array(mfa.randomBytesNeeded).fill(7);
  const setup = mfa.decide('setup', { body: '{"mfaType":"app"}', state: '', now: 1_800_000_000_000, random, user }, host);
  assert.equal(setup.status, 200);
  assert.match(setup.newState, /^\{/);
  const bodies = ['{"mfaType":"app","secret":"ÄÖÜ","passcode":"123456"}', `{"mfaType":"app","pad":"${'é'.repeat(20000)}"}`];
  for (const text of bodies) {
    const bytes = new TextEncoder().encode(text);
    const decisions = [text, Buffer.from(bytes), bytes.buffer].map((body) =>
      mfa.decide('verify', { body, state: setup.newState, now: 1_800_000_000_000, user }, host));
    for (const d of decisions) assert.deepStrictEqual(d, decisions[0]);
    assert.ok(decisions[0].status >= 400, `${decisions[0].status} ${decisions[0].bodyText}`);
  }
  // The state survives the trip in and out unchanged where nothing changed it.
  const status = mfa.decide('status', { state: setup.newState, now: 1_800_000_000_000, user }, host);
  assert.equal(status.status, 200);
  assert.equal(status.body.pending[0].mfaType, 'app');
});

test('short and long texts reach the core as UTF-8, ASCII or not, at every length around the short-text path', () => {
  const random = new Uint8Array(mfa.randomBytesNeeded).fill(7);
  const names = ['ada', 'zoë', 'a'.repeat(31) + 'é', 'é' + 'a'.repeat(31), 'x'.repeat(32), 'x'.repeat(33), 'ü'.repeat(32), '名前', 'a😀'];
  for (const username of names) {
    for (const issuer of ['Acme', 'Ærø Bank']) {
      const setup = mfa.decide('setup', { body: '{"mfaType":"app"}', state: '', now: 1_800_000_000_000, random, user: { id: 'u-1', username }, settings: { issuer } }, host);
      assert.equal(setup.status, 200, `${username}: ${setup.bodyText}`);
      const label = decodeURIComponent(new URL(setup.body.url).pathname.slice(1));
      assert.equal(label, `${issuer}:${username}`);
    }
  }
});

test('a secret written back unchanged keeps its sealed text under the current key; opened under an older key (a sign-in) it moves to the current one', async () => {
  const { totp } = await import('../vectors/src/reference.mjs');
  const { storedSecrets } = await mfa.loadIdentityMfa(); // a primitive for tools, as the rekey command uses it
  const [k1, k2] = ['k1', 'k2'].map((kid) => ({ kid, key: Buffer.alloc(32, kid) }));
  const before = createNodeHost({ pepper: Buffer.alloc(32, 1), encryptionKeys: [k1] });
  const after = createNodeHost({ pepper: Buffer.alloc(32, 1), encryptionKeys: [k2, k1] }); // k2 now seals
  const user = { id: '019c96a0-0c21-71f9-a487-66a1258278a1', username: 'ada@example.com' };
  const now = Date.UTC(2027, 0, 15, 8, 0, 10);
  const setup = mfa.decide('setup', { body: '{"mfaType":"app"}', user, now }, before);
  const { secret, recoveryCodes } = setup.body;
  const [sealed] = storedSecrets(setup.newState);
  assert.match(sealed, /^sealed:v1:k1:/);

  const verify = mfa.decide('verify', { body: JSON.stringify({ mfaType: 'app', secret, passcode: totp(secret, now) }), state: setup.newState, user, now }, before);
  assert.equal(verify.status, 200);
  assert.notEqual(verify.newState, setup.newState, 'the state was written');
  assert.deepStrictEqual(storedSecrets(verify.newState), [sealed], 'its secret was not sealed again');

  // Enable checks the secret sent back by its digest: nothing is opened, so nothing moves.
  const enable = mfa.decide('enable', { body: JSON.stringify({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] }), state: verify.newState, user, now }, after);
  assert.equal(enable.status, 200);
  assert.deepStrictEqual(storedSecrets(enable.newState), [sealed], 'checked by its digest: not opened, not sealed again');

  const later = now + 60_000; // a step verify did not claim
  const check = mfa.decide('check', { body: JSON.stringify({ mfaType: 'app', passcode: totp(secret, later) }), state: enable.newState, user, now: later }, after);
  assert.equal(check.status, 200);
  const [moved] = storedSecrets(check.newState);
  assert.match(moved, /^sealed:v1:k2:/, 'opened under an older key: sealed anew under the current one');
  assert.equal(after.open(user.id, moved).toString(), secret);
  // The memo answers only the secret it opened, for its owner.
  after.open(user.id, moved);
  assert.notEqual(after.seal(user.id, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP').toString(), moved);
  assert.notEqual(after.seal('019c96a0-0c21-71f9-a487-66a1258278a2', secret).toString(), moved);
  assert.equal(after.seal(user.id, secret).toString(), moved);
});
