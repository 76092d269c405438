// The Node sealer (js/sealer.js): AES-256-GCM nonces never repeat, across
// the refills of the random pool they come from; a sealed secret opens for
// its owner only, and not after tampering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSealer, SealError } from 'identity-mfa/node';

const sealer = createSealer([{ kid: 'k1', key: randomBytes(32) }]);

test('ten thousand seals of one secret use ten thousand different nonces (the pool refills about thirty times)', () => {
  const nonces = new Set();
  for (let i = 0; i < 10_000; i++) nonces.add(sealer.seal('user-a', 'JBSWY3DPEHPK3PXP').split(':')[3]);
  assert.equal(nonces.size, 10_000);
  for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64url').length, 12);
});

test('a sealed secret opens for its owner, not for another user, and not once changed', () => {
  const sealed = sealer.seal('user-a', 'JBSWY3DPEHPK3PXP');
  assert.equal(sealer.open('user-a', sealed), 'JBSWY3DPEHPK3PXP');
  assert.throws(() => sealer.open('user-b', sealed), SealError);
  const parts = sealed.split(':');
  const body = Buffer.from(parts[4], 'base64url');
  body[0] ^= 1;
  parts[4] = body.toString('base64url');
  assert.throws(() => sealer.open('user-a', parts.join(':')), SealError);
});

test('the first key seals, every key opens', () => {
  const old = { kid: 'old', key: randomBytes(32) };
  const sealedOld = createSealer([old]).seal('user-a', 'JBSWY3DPEHPK3PXP');
  const rotated = createSealer([{ kid: 'new', key: randomBytes(32) }, old]);
  assert.equal(rotated.open('user-a', sealedOld), 'JBSWY3DPEHPK3PXP');
  assert.match(rotated.seal('user-a', 'JBSWY3DPEHPK3PXP'), /^sealed:v1:new:/);
});

test('two keys under one id are refused: a secret sealed under the first would be opened with the other', () => {
  assert.throws(() => createSealer([{ kid: 'k1', key: randomBytes(32) }, { kid: 'k1', key: randomBytes(32) }]), /key ids must be unique/);
});
