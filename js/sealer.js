// TOTP secrets at rest: AES-256-GCM under the first of the given keys, with
// the key id beside the ciphertext and the owner's id as associated data, so
// a sealed secret opens only for its own user. Older key ids still open,
// which is what makes rotation possible (identity-mfa rekey). Node only.
//   sealed:v1:<kid>:<iv, base64url>:<ciphertext and tag, base64url>
import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
import { randomPool } from './random-pool.js';

const PREFIX = 'sealed:v1';

/** A value that is not one of ours, was tampered with, or is under a key we lack. */
export class SealError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SealError';
  }
}

/**
 * @param {Array<{kid: string, key: Uint8Array}>} keys  32-byte keys; the first seals, all open.
 */
export function createSealer(keys) {
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('createSealer needs at least one {kid, key}');
  for (const { kid, key } of keys) {
    if (typeof kid !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(kid)) throw new TypeError('a key id is 1-64 letters, digits, . _ -');
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError(`key "${kid}" must be 32 bytes`);
  }
  // Key objects made once (a cipher from raw bytes makes one per call); the
  // nonces from a pool of CSPRNG bytes, never handed out twice.
  const byKid = new Map(keys.map((k) => [k.kid, createSecretKey(k.key)]));
  // One key per id: with two, a secret sealed under the first would be
  // opened with the other, and never open.
  if (byKid.size !== keys.length) throw new TypeError('key ids must be unique');
  const current = { kid: keys[0].kid, key: byKid.get(keys[0].kid) };
  const nonce = randomPool();

  /** The sealed text of `secret` (a string) for `owner` (a string or bytes). */
  function seal(owner, secret) {
    const iv = nonce(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(owner));
    const body = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:${current.kid}:${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  /** The secret a sealed text holds for `owner`; throws SealError otherwise. */
  function open(owner, sealed) {
    const parts = String(sealed).split(':');
    if (parts.length !== 5 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new SealError('not a sealed value');
    const key = byKid.get(parts[2]);
    if (!key) throw new SealError(`no key with id ${parts[2]}`);
    const body = Buffer.from(parts[4], 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[3], 'base64url'));
      decipher.setAAD(Buffer.from(owner));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('a sealed secret failed authentication');
    }
  }

  /** The key id a sealed text is under, or null for a text that is not sealed. */
  function keyIdOf(sealed) {
    const parts = String(sealed).split(':');
    return parts.length === 5 && `${parts[0]}:${parts[1]}` === PREFIX ? parts[2] : null;
  }

  return Object.freeze({ seal, open, keyIdOf, currentKid: current.kid });
}
