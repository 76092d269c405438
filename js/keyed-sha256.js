// HMAC-SHA-256 (RFC 2104, FIPS 180-4) under one fixed key, in JavaScript.
//
// Why not node:crypto: the Node host hashes every recovery code under the
// pepper (ten per setup or regenerate) and every email/SMS code, and each
// node:crypto HMAC costs ~5 µs of object set-up for ~0.3 µs of hashing. Here
// the key's two padded blocks are compressed once, when the hasher is made;
// a message then costs its own blocks plus one for the outer hash (about
// 1 µs for a recovery code). The key stays in this closure, in JavaScript,
// as the pepper always has. tests/js/keyed-sha256.test.js checks it against
// node:crypto over every message length to 300 bytes, and keys of every size
// class (shorter than, equal to and longer than a block).
import { createHash } from 'node:crypto';

const BLOCK = 64;
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Compresses one 64-byte block of `bytes` at `at` into `h` (8 words), with `w` as scratch. */
function compress(h, bytes, at, w) {
  for (let i = 0; i < 16; i++, at += 4) {
    w[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
}

/**
 * Finishes a hash whose state `h` has absorbed `before` bytes already: the
 * whole of `message`, the padding and the length. Writes the digest into
 * `out` (32 bytes). `block` and `w` are scratch.
 */
function finish(h, before, message, out, block, w) {
  const length = message.length;
  let at = 0;
  for (; at + BLOCK <= length; at += BLOCK) compress(h, message, at, w);
  const rest = length - at;
  for (let i = 0; i < rest; i++) block[i] = message[at + i];
  block[rest] = 0x80;
  for (let i = rest + 1; i < BLOCK; i++) block[i] = 0;
  if (rest >= BLOCK - 8) {
    compress(h, block, 0, w);
    block.fill(0);
  }
  const bits = (before + length) * 8; // a message here is far below 2^53 bits
  const high = Math.floor(bits / 0x100000000);
  block[56] = high >>> 24; block[57] = high >>> 16; block[58] = high >>> 8; block[59] = high;
  block[60] = bits >>> 24; block[61] = bits >>> 16; block[62] = bits >>> 8; block[63] = bits;
  compress(h, block, 0, w);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = h[i] >>> 24; out[4 * i + 1] = h[i] >>> 16; out[4 * i + 2] = h[i] >>> 8; out[4 * i + 3] = h[i];
  }
}

/** The state after one block: the key XOR `pad`. */
function padState(key, pad, w) {
  const block = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) block[i] = (key[i] ?? 0) ^ pad;
  const h = IV.slice();
  compress(h, block, 0, w);
  block.fill(0);
  return h;
}

/**
 * Returns hmac(message: Uint8Array) → Uint8Array(32), HMAC-SHA-256 under
 * `key`. Not re-entrant by design: it runs synchronously to the end.
 */
export function keyedSha256(key) {
  const w = new Int32Array(64);
  const bytes = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  const inner = padState(bytes, 0x36, w);
  const outer = padState(bytes, 0x5c, w);
  const h = new Int32Array(8);
  const block = new Uint8Array(BLOCK);
  const innerDigest = new Uint8Array(32);
  return (message) => {
    h.set(inner);
    finish(h, BLOCK, message, innerDigest, block, w);
    h.set(outer);
    const out = new Uint8Array(32);
    finish(h, BLOCK, innerDigest, out, block, w);
    return out;
  };
}
