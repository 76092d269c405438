// The host for Node: HMACs and random bytes from node:crypto, and the
// server's pepper, which stays in JavaScript and never enters the core.
import { createHmac, randomBytes } from 'node:crypto';

const HASHES = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/**
 * @param {{ pepper: Uint8Array | string }} options  the recovery-code pepper:
 *   bytes, or a base64 string; at least 16 bytes.
 */
export function createNodeHost({ pepper }) {
  const key = typeof pepper === 'string' ? Buffer.from(pepper, 'base64') : Buffer.from(pepper ?? []);
  if (key.length < 16) throw new TypeError('createNodeHost: the pepper must hold at least 16 bytes');
  return Object.freeze({
    hmac(algorithm, secret, message) {
      const hash = HASHES[algorithm];
      if (!hash) return null;
      return createHmac(hash, secret).update(message).digest();
    },
    pepperedHash(message) {
      return createHmac('sha256', key).update(message).digest();
    },
    randomBytes(count) {
      return randomBytes(count);
    },
  });
}
