// The host for Node: HMACs and random bytes from node:crypto, the server's
// pepper, and (with encryption keys) the sealing of TOTP secrets at rest.
// The pepper and the keys stay in JavaScript and never enter the core.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyedSha256 } from './keyed-sha256.js';
import { randomPool } from './random-pool.js';
import { createSealer } from './sealer.js';

export { createSealer, SealError } from './sealer.js';

const HASHES = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/**
 * @param {{ pepper: Uint8Array | string, encryptionKeys?: Array<{kid: string, key: Uint8Array}> }} options
 *   pepper: the recovery-code pepper, bytes or a base64 string, at least 16
 *   bytes. encryptionKeys: when given, decide() stores TOTP secrets sealed
 *   (AES-256-GCM, bound to user.id) instead of in clear.
 */
export function createNodeHost({ pepper, encryptionKeys } = {}) {
  const key = typeof pepper === 'string' ? Buffer.from(pepper, 'base64') : Buffer.from(pepper ?? []);
  if (key.length < 16) throw new TypeError('createNodeHost: the pepper must hold at least 16 bytes');
  // The pepper's pads hashed once (js/keyed-sha256.js): a recovery code then
  // costs two SHA-256 blocks, not a node:crypto HMAC set up for each.
  const peppered = keyedSha256(key);
  key.fill(0); // a copy of the caller's bytes: the pads are all that is kept
  const random = randomPool();
  const host = {
    hmac(algorithm, secret, message) {
      const hash = HASHES[algorithm];
      if (!hash) return null;
      return createHmac(hash, secret).update(message).digest();
    },
    pepperedHash: peppered,
    randomBytes: random,
  };
  if (encryptionKeys) Object.assign(host, sealingMethods(createSealer(encryptionKeys)));
  return Object.freeze(host);
}

// The host's seal/open over a sealer: bytes in and out, as the core calls them.
//
// The core seals every secret it opened when it writes the state back, so
// that a user who signs in moves to the current key by themselves. A secret
// already under the current key and written back unchanged (a verify, a
// sign-in) keeps its sealed text instead: sealing it again would cost a
// cipher set-up on every write and give a text that says the same. The memo
// is the last secret opened under the current key, until the next open.
function sealingMethods(sealer) {
  let opened = null; // { owner, clear, sealed }
  return {
    seal(owner, secret) {
      if (opened && sameBytes(opened.owner, owner) && sameBytes(opened.clear, secret)) return Buffer.from(opened.sealed, 'latin1');
      return Buffer.from(sealer.seal(owner, secret));
    },
    open(owner, sealed) {
      opened?.clear.fill(0);
      opened = null;
      const text = Buffer.from(sealed).toString('latin1');
      const clear = Buffer.from(sealer.open(owner, text));
      if (sealer.keyIdOf(text) === sealer.currentKid) opened = { owner: Buffer.from(owner), clear: Buffer.from(clear), sealed: text };
      return clear;
    },
    sealer,
  };
}

// `b`: bytes as the core passes them, or a string as a caller may.
function sameBytes(a, b) {
  const bytes = typeof b === 'string' ? Buffer.from(b) : b;
  return a.length === bytes.length && timingSafeEqual(a, bytes);
}

/**
 * A host that only seals and opens, for re-sealing states under a new key
 * (resealState, identity-mfa rekey): it has no pepper, so its HMACs fail.
 */
export function createSealingHost(encryptionKeys) {
  return Object.freeze({ hmac: () => null, pepperedHash: () => null, ...sealingMethods(createSealer(encryptionKeys)) });
}
