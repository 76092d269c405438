// HS256 tokens (development: IDENTITY_MFA_JWT_SECRET), verified with one
// node:crypto HMAC, synchronously. jose's verification goes through
// WebCrypto, which cost ~100 us per new token on the machines we measured
// (docs/performance.md); JWKS tokens still go through jose. This accepts
// exactly what jose's jwtVerify accepts with algorithms ['HS256'],
// requiredClaims ['exp', 'sub'] and the configured issuer and audience
// (tests/server/hs256.test.js compares the two over a matrix of tokens).
import { createHmac, timingSafeEqual } from 'node:crypto';

// Base64url, with the padding jose tolerates too.
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function part(text) {
  if (!B64URL.test(text)) return null;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** A compact JWS's protected header as an object, or null when it has none that parses. */
export function tokenHeader(token) {
  const end = token.indexOf('.');
  return end < 0 ? null : part(token.slice(0, end));
}

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/**
 * The payload of a valid token, or null. `key`: the secret's bytes; `now`:
 * Unix seconds; `issuer`, `audience`: required when given; `header`: what
 * tokenHeader(token) gave, when the caller has it already.
 */
export function verifyHs256(token, key, { now, issuer, audience, header = tokenHeader(token) }) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts;
  // Nothing but HS256, and no header extension jose would refuse either.
  if (!header || header.alg !== 'HS256' || 'crit' in header || 'b64' in header) return null;
  if (!B64URL.test(signature)) return null;
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const payload = part(body);
  if (!payload) return null;
  if (!isNumber(payload.exp) || payload.exp <= now) return null;
  if ('nbf' in payload && (!isNumber(payload.nbf) || payload.nbf > now)) return null;
  if ('iat' in payload && !isNumber(payload.iat)) return null;
  if (!('sub' in payload)) return null;
  if (issuer !== undefined && payload.iss !== issuer) return null;
  if (audience !== undefined) {
    const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
    if (!Array.isArray(aud) || !aud.includes(audience)) return null;
  }
  return payload;
}
