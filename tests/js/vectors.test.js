// The shared vectors through the wasm build, with node:crypto as the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mfa from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { loadVectors, validateCase, expectable, runScenario, expectedView, expectedOf } from './support/vectors.js';

for (const file of ['validate-enable.json', 'validate-routes.json']) {
  const { cases } = loadVectors(file);
  test(`${file}: every case answers as expected (${cases.length} cases)`, () => {
    assert.ok(cases.length >= (file === 'validate-enable.json' ? 150 : 40));
    for (const c of cases) {
      assert.deepStrictEqual(expectable(validateCase(mfa, c)), c.expect, `${c.route}: ${c.name}`);
    }
  });
}

test('validation answers the same for a string, a Buffer, a Uint8Array and an ArrayBuffer', () => {
  for (const c of loadVectors('validate-enable.json').cases) {
    if (c.body === undefined) continue;
    const bytes = new TextEncoder().encode(c.body);
    const options = c.bodyLimit === undefined ? undefined : { bodyLimit: c.bodyLimit };
    const fromString = mfa.validateEnableRequest(c.body, options);
    assert.deepStrictEqual(mfa.validateEnableRequest(Buffer.from(bytes), options), fromString, c.name);
    assert.deepStrictEqual(mfa.validateEnableRequest(bytes, options), fromString, c.name);
    assert.deepStrictEqual(mfa.validateEnableRequest(bytes.buffer, options), fromString, c.name);
  }
});

const otp = loadVectors('otp.json');
const api = await mfa.loadIdentityMfa();
const host = createNodeHost({ pepper: Buffer.from('unused pepper of sixteen+ bytes') });

test('RFC 4226 Appendix D: HOTP values', () => {
  assert.equal(otp.hotp.length, 10);
  for (const v of otp.hotp) {
    assert.equal(api.hotp(v.algorithm, Buffer.from(v.keyHex, 'hex'), v.counter, v.digits, host), v.code);
  }
});

test('RFC 6238 Appendix B: TOTP values for SHA1, SHA256 and SHA512', () => {
  assert.equal(otp.totp.length, 18);
  for (const v of otp.totp) {
    const step = Math.floor(v.time / v.period);
    assert.equal(api.hotp(v.algorithm, Buffer.from(v.keyHex, 'hex'), step, v.digits, host), v.code, `${v.algorithm} ${v.time}`);
  }
});

test('RFC 4648 base32 encodes, decodes and refuses malformed text', () => {
  for (const v of otp.base32) {
    assert.equal(api.base32Encode(Buffer.from(v.hex, 'hex')), v.unpadded);
    assert.equal(api.base32Encode(Buffer.from(v.hex, 'hex'), true), v.padded);
    assert.equal(Buffer.from(api.base32Decode(v.padded)).toString('hex'), v.hex);
  }
  for (const text of otp.base32Invalid) assert.equal(api.base32Decode(text), null, text);
});

test('otpauth URLs percent-encode issuer and account', () => {
  for (const v of otp.otpauth) assert.equal(api.otpauthUrl(v), v.url);
});

test('recovery codes come from the random bytes and normalise', () => {
  for (const v of otp.recoveryCodes) assert.equal(api.recoveryCodeFromRandom(Buffer.from(v.randomHex, 'hex')), v.code);
  for (const v of otp.normalize) assert.equal(api.normalizeRecoveryCode(v.input), v.normalized);
});

const machine = loadVectors('state-machine.json');
const vectorHost = createNodeHost({ pepper: Buffer.from(machine.pepper, 'utf8') });

test(`state machine: every scenario step answers as expected (${machine.scenarios.length} scenarios)`, async (t) => {
  assert.ok(machine.scenarios.length >= 40);
  for (const scenario of machine.scenarios) {
    await t.test(scenario.name, () => {
      const outcomes = runScenario(api, scenario, vectorHost);
      scenario.steps.forEach((step, i) => {
        assert.deepStrictEqual(expectedView(step.expect, outcomes[i]), expectedOf(step.expect), `step ${i} (${step.op})`);
      });
    });
  }
});

test('the scenarios produce every error code the core decides', () => {
  const seen = new Set();
  for (const scenario of machine.scenarios) {
    for (const o of runScenario(api, scenario, vectorHost)) if (o.code) seen.add(o.code);
  }
  for (const { cases } of [loadVectors('validate-enable.json'), loadVectors('validate-routes.json')]) {
    for (const c of cases) if (!c.expect.ok) seen.add(c.expect.code);
  }
  const decidedByCore = ['IDE-0001', 'IDE-0004', 'IDE-0007', 'IDE-0040', 'IDE-0043', 'IDE-0044', 'IDE-0045',
    'IDE-1003', 'IDE-0901', 'IDE-0902', 'IDE-0903', 'IDE-0904', 'IDE-0905', 'IDE-0906', 'IDE-0907', 'IDE-0909'];
  assert.deepStrictEqual(decidedByCore.filter((code) => !seen.has(code)), []);
});
