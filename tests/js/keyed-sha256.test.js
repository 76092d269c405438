// The Node host's pepper HMAC (js/keyed-sha256.js) against node:crypto: every
// message length from 0 to 300 bytes (the padding's edge cases sit at 55, 56
// and 64 bytes of the last block), keys shorter than, equal to and longer
// than a block, and the RFC 4231 test cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { keyedSha256 } from '../../js/keyed-sha256.js';
import { createNodeHost } from 'identity-mfa/node';

test('equals node:crypto HMAC-SHA-256 for every message length to 300 and every key size class', () => {
  for (const keyLength of [1, 16, 32, 63, 64, 65, 131]) {
    const key = randomBytes(keyLength);
    const hmac = keyedSha256(key);
    for (let length = 0; length <= 300; length++) {
      const message = randomBytes(length);
      assert.deepEqual(Buffer.from(hmac(message)), createHmac('sha256', key).update(message).digest(), `key ${keyLength} B, message ${length} B`);
    }
  }
});

test('RFC 4231 test cases 1, 2, 6 and 7', () => {
  const cases = [
    [Buffer.alloc(20, 0x0b), Buffer.from('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [Buffer.alloc(131, 0xaa), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [Buffer.alloc(131, 0xaa), Buffer.from('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'), '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2'],
  ];
  for (const [key, message, hex] of cases) assert.equal(Buffer.from(keyedSha256(key)(message)).toString('hex'), hex);
});

test('each call answers with its own bytes, and the same message with the same digest', () => {
  const hmac = keyedSha256(randomBytes(32));
  const first = hmac(Buffer.from('ABCD-EFGH-JKMN'));
  const second = hmac(Buffer.from('WXYZ-EFGH-JKMN'));
  assert.notDeepEqual(first, second);
  assert.deepEqual(hmac(Buffer.from('ABCD-EFGH-JKMN')), first);
});

test("the Node host's pepperedHash is HMAC-SHA-256 under the pepper, and leaves the caller's pepper as it was", () => {
  const pepper = randomBytes(32);
  const given = Buffer.from(pepper);
  const host = createNodeHost({ pepper: given });
  assert.deepEqual(given, pepper);
  const message = Buffer.from('otp:123456');
  assert.deepEqual(Buffer.from(host.pepperedHash(message)), createHmac('sha256', pepper).update(message).digest());
  const fromBase64 = createNodeHost({ pepper: pepper.toString('base64') });
  assert.deepEqual(Buffer.from(fromBase64.pepperedHash(message)), createHmac('sha256', pepper).update(message).digest());
});
