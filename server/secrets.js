// TOTP secrets at rest (CONTRACT §5): the core's state holds them in clear;
// before the state is stored, each secret is sealed with AES-256-GCM under
// the first configured key, with the key id beside the ciphertext and the
// user id as associated data, so a sealed secret cannot be moved to another
// user. Older key ids still open, which is what makes rotation possible.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1';

export class SealError extends Error {}

export function createSealer(keys) {
  if (!keys?.length) throw new TypeError('createSealer needs at least one key');
  const current = keys[0];
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));

  function seal(userId, text) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:${current.kid}:${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  function open(userId, sealed) {
    const parts = sealed.split(':');
    if (parts.length !== 5 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new SealError('not a sealed value');
    const key = byKid.get(parts[2]);
    if (!key) throw new SealError(`no key with id ${parts[2]}`);
    const body = Buffer.from(parts[4], 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[3], 'base64url'));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('a sealed secret failed authentication');
    }
  }

  // Applies `fn` to every TOTP secret of a state document. The core writes
  // secrets as "secret":"<base32>" and sealed values hold only base64url and
  // colons, so neither side ever needs JSON escapes: a replace over the text
  // does what parsing and re-serialising did, at a fraction of the cost.
  const SECRET = /"secret":"([^"\\]*)"/g;
  const mapSecrets = (stateText, fn) => stateText.replace(SECRET, (match, value) => `"secret":"${fn(value)}"`);

  return {
    /**
     * The core's state, with its TOTP secrets sealed, for storage. A secret
     * that `opened` (from openState) shows unchanged keeps its sealed form:
     * no new encryption when nothing changed.
     */
    sealState: (userId, stateText, opened) =>
      mapSecrets(stateText, (secret) => {
        const sealed = opened?.get(secret);
        return sealed && sealed.split(':')[2] === current.kid ? sealed : seal(userId, secret);
      }),
    /**
     * A stored state opened for the core, and the map secret → sealed form it
     * came from. Throws SealError on any tampering.
     */
    openState: (userId, storedText) => {
      const opened = new Map();
      const state = mapSecrets(storedText, (sealed) => {
        const secret = open(userId, sealed);
        opened.set(secret, sealed);
        return secret;
      });
      return { state, opened };
    },
    /** Key ids a stored state's secrets are sealed under. */
    keyIds: (storedText) => {
      const kids = new Set();
      mapSecrets(storedText, (sealed) => {
        kids.add(sealed.split(':')[2]);
        return sealed;
      });
      return kids;
    },
    currentKid: current.kid,
  };
}
