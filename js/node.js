// The host for Node: HMACs and random bytes from node:crypto, the server's
// pepper, and (with encryption keys) the sealing of TOTP secrets at rest.
// The pepper and the keys stay in JavaScript and never enter the core.
import { createHmac } from 'node:crypto';
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
function sealingMethods(sealer) {
  return {
    seal: (owner, secret) => Buffer.from(sealer.seal(owner, secret)),
    open: (owner, sealed) => Buffer.from(sealer.open(owner, Buffer.from(sealed).toString('latin1'))),
    sealer,
  };
}

/**
 * A host that only seals and opens, for re-sealing states under a new key
 * (resealState, identity-mfa rekey): it has no pepper, so its HMACs fail.
 */
export function createSealingHost(encryptionKeys) {
  return Object.freeze({ hmac: () => null, pepperedHash: () => null, ...sealingMethods(createSealer(encryptionKeys)) });
}
