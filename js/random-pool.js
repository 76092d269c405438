// Random bytes from the CSPRNG, drawn 4 KB at a time: one draw costs about
// as much as 30 small ones. Every call gets bytes no other call got (an
// AES-GCM nonce must never repeat); a new pool is a new buffer, so bytes
// handed out are never overwritten. Node only.
import { randomBytes } from 'node:crypto';

/** Returns take(count) → `count` fresh random bytes (a view into the pool). */
export function randomPool(size = 4096) {
  let pool = randomBytes(size);
  let used = 0;
  return (count) => {
    if (count > size) return randomBytes(count);
    if (used + count > size) {
      pool = randomBytes(size);
      used = 0;
    }
    used += count;
    return pool.subarray(used - count, used);
  };
}
