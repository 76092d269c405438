// An independent reference for the vectors, written from the RFCs and the
// contract with node:crypto and no code of the core. The generated vectors
// hold what this reference computes; the core must agree with it.
import { createHash, createHmac } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const RECOVERY_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export const PEPPER = 'identity-mfa test vectors pepper (public, not a secret)';

/** RFC 4648 §6 base32, without padding unless `pad`. */
export function base32(bytes, pad = false) {
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  if (pad) while (out.length % 8) out += '=';
  return out;
}

export function base32Decode(text) {
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += B32.indexOf(c.toUpperCase()).toString(2).padStart(5, '0');
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

/** RFC 4226 §5.3. */
export function hotp(algorithm, key, counter, digits) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238: the code of the step `offset` steps from the one holding `ms`. */
export function totp(secretBase32, ms, { algorithm = 'SHA1', digits = 6, period = 30, offset = 0 } = {}) {
  const step = Math.floor(ms / 1000 / period) + offset;
  return hotp(algorithm, base32Decode(secretBase32), step, digits);
}

/** RFC 3986 percent-encoding of everything but unreserved characters. */
export function percentEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function otpauthUrl({ issuer, account, secret, algorithm = 'SHA1', digits = 6, period = 30 }) {
  const i = percentEncode(issuer);
  return `otpauth://totp/${i}:${percentEncode(account)}?secret=${secret}&issuer=${i}` +
    `&algorithm=${algorithm}&digits=${digits}&period=${period}`;
}

/** 12 symbols from the low 60 bits of 8 big-endian bytes, grouped by 4. */
export function recoveryCode(bytes8) {
  let value = Buffer.from(bytes8).readBigUInt64BE() & ((1n << 60n) - 1n);
  let code = '';
  for (let i = 0; i < 12; i++) {
    code = RECOVERY_ALPHABET[Number(value & 31n)] + code;
    value >>= 5n;
  }
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

// Where a decision's 128 random bytes go (core/src/decide.cpp).
export const RANDOM_BYTES = 128;
const SECRET_AT = 0;
const CODES_AT = 20;
const ONE_TIME_CODE_AT = 100;

/** Deterministic "random" bytes for a vector step. */
export function randomFor(label) {
  const a = createHash('sha512').update(`identity-mfa vectors ${label} a`).digest();
  const b = createHash('sha512').update(`identity-mfa vectors ${label} b`).digest();
  return Buffer.concat([a, b]).subarray(0, RANDOM_BYTES);
}

export function setupSecret(random) {
  return base32(random.subarray(SECRET_AT, SECRET_AT + 20));
}

export function setupRecoveryCodes(random) {
  return Array.from({ length: 10 }, (_, i) => recoveryCode(random.subarray(CODES_AT + 8 * i, CODES_AT + 8 * i + 8)));
}

/** Six digits by rejection sampling over big-endian 32-bit words. */
export function oneTimeCode(random) {
  const limit = 0xffffffff - (0xffffffff % 1000000);
  let value = 0;
  for (let at = ONE_TIME_CODE_AT; at + 4 <= RANDOM_BYTES; at += 4) {
    value = random.readUInt32BE(at);
    if (value < limit) break;
  }
  return String(value % 1000000).padStart(6, '0');
}
