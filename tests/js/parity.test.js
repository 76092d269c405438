// Native and wasm builds of the core give identical results on every vector.
// The native side is tests/native/dump_vectors.cpp (OpenSSL HMAC); this side
// is the npm package (node:crypto HMAC).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { loadIdentityMfa } from 'identity-mfa/load';
import { createNodeHost } from 'identity-mfa/node';
import { loadVectors, validateCase, runScenario } from './support/vectors.js';

const dump = new URL('../../build/native/tests/native/identity_mfa_dump', import.meta.url).pathname;

function wasmLines(api) {
  const lines = [];
  const line = (kind, result) => lines.push({ kind, result });
  for (const file of ['validate-enable.json', 'validate-routes.json']) {
    for (const c of loadVectors(file).cases) line('validate', validateCase(api, c));
  }
  const otp = loadVectors('otp.json');
  const host = createNodeHost({ pepper: Buffer.from('unused pepper of sixteen+ bytes') });
  const hex = (bytes) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));
  for (const v of otp.hotp) line('hotp', api.hotp(v.algorithm, Buffer.from(v.keyHex, 'hex'), v.counter, v.digits, host));
  for (const v of otp.totp) {
    line('totp', api.hotp(v.algorithm, Buffer.from(v.keyHex, 'hex'), Math.floor(v.time / v.period), v.digits, host));
  }
  for (const v of otp.base32) {
    const bytes = Buffer.from(v.hex, 'hex');
    line('base32', [api.base32Encode(bytes), api.base32Encode(bytes, true), hex(api.base32Decode(v.padded))]);
  }
  for (const text of otp.base32Invalid) line('base32Invalid', hex(api.base32Decode(text)));
  for (const v of otp.otpauth) line('otpauth', api.otpauthUrl(v));
  for (const v of otp.recoveryCodes) line('recoveryCode', api.recoveryCodeFromRandom(Buffer.from(v.randomHex, 'hex')));
  for (const v of otp.normalize) line('normalize', api.normalizeRecoveryCode(v.input));
  const machine = loadVectors('state-machine.json');
  const vectorHost = createNodeHost({ pepper: Buffer.from(machine.pepper, 'utf8') });
  for (const scenario of machine.scenarios) {
    for (const outcome of runScenario(api, scenario, vectorHost)) line('step', outcome);
  }
  return lines;
}

test('native and wasm give identical results on every vector', async () => {
  const native = execFileSync(dump, { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').map((l) => JSON.parse(l));
  const wasm = wasmLines(await loadIdentityMfa());
  assert.equal(native.length, wasm.length);
  assert.ok(native.length > 500);
  for (let i = 0; i < native.length; i++) {
    assert.deepStrictEqual(wasm[i], native[i], `line ${i + 1} (${native[i].kind})`);
  }
});
