// Bearer tokens (docs/contract.md §3 steps 1–4, §5 "Tokens"): JWTs verified with jose,
// from a JWKS (file or URL; RS256, ES256, EdDSA) or, for development, an
// HS256 secret. `alg: none` is never accepted; `exp` and `sub` are required.
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];

export class AuthError extends Error {
  constructor(code) {
    super(code);
    this.code = code; // IDE-0008 or IDE-0009
  }
}

/** The token of an `Authorization: Bearer <token>` header, or AuthError IDE-0008. */
export function bearerToken(header) {
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header) : null;
  if (!match) throw new AuthError('IDE-0008');
  return match[1];
}

function loadJwks(source) {
  if (/^https?:\/\//.test(source)) return createRemoteJWKSet(new URL(source), { timeoutDuration: 5000 });
  return createLocalJWKSet(JSON.parse(readFileSync(source, 'utf8')));
}

/**
 * Returns verify(token) → { sub, admin }, or throws AuthError IDE-0009.
 * `clock` (ms) lets tests move time.
 */
export function createVerifier(config, clock = Date.now) {
  const jwks = config.jwks ? loadJwks(config.jwks) : null;
  // A WebCrypto key imported once: jose would otherwise import the key into
  // WebCrypto on every verification (measured: a quarter of a status request).
  const secret = config.jwtSecret
    ? webcrypto.subtle.importKey('raw', Buffer.from(config.jwtSecret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    : null;
  if (!jwks && !secret) throw new TypeError('createVerifier needs a JWKS or an HS256 secret');
  const cache = new VerifiedTokens(clock);

  return async function verify(token) {
    const known = cache.get(token);
    if (known) return known;
    const identity = await verifyOnce(token);
    cache.set(token, identity);
    return identity;
  };

  async function verifyOnce(token) {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AuthError('IDE-0009');
    }
    const symmetric = header.alg === 'HS256';
    const key = symmetric ? await secret : jwks;
    if (!key) throw new AuthError('IDE-0009');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: symmetric ? ['HS256'] : ASYMMETRIC,
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(clock()),
      });
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      // RFC 8176: the identity provider says the user passed a second factor,
      // and when (auth_time, RFC 7519 seconds); freshness is judged per request.
      const mfa = Array.isArray(payload.amr) && payload.amr.includes('mfa') && Number.isFinite(payload.auth_time);
      return {
        sub: String(payload.sub), admin: scopes.includes(config.adminScope), exp: payload.exp, nbf: payload.nbf,
        mfaAt: mfa ? payload.auth_time * 1000 : null,
      };
    } catch {
      throw new AuthError('IDE-0009');
    }
  }
}

// Tokens verified recently, so a client's repeated calls skip the signature
// check. An entry holds only while its token is inside exp/nbf and for at most
// CACHE_TTL_MS, so a key removed from a JWKS stops working within that time.
const CACHE_TTL_MS = 60_000;
const CACHE_SIZE = 50_000; // about 15 MB of tokens at most

class VerifiedTokens {
  constructor(clock) {
    this.clock = clock;
    this.entries = new Map();
  }

  get(token) {
    const entry = this.entries.get(token);
    if (!entry) return null;
    const now = this.clock();
    const { identity } = entry;
    if (now >= entry.until || now >= identity.exp * 1000 || (identity.nbf !== undefined && now < identity.nbf * 1000)) {
      this.entries.delete(token);
      return null;
    }
    return identity;
  }

  set(token, identity) {
    if (this.entries.size >= CACHE_SIZE) this.entries.delete(this.entries.keys().next().value); // oldest first
    this.entries.set(token, { identity, until: this.clock() + CACHE_TTL_MS });
  }
}

/** An HS256 token, for development (`identity-mfa token`, demo mode, tests). */
export async function mintToken(config, { sub, admin = false, ttl = 3600, now = Date.now() }) {
  if (!config.jwtSecret) throw new TypeError('minting needs IDENTITY_MFA_JWT_SECRET');
  const jwt = new SignJWT(admin ? { scope: config.adminScope } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + ttl);
  if (config.jwtIssuer) jwt.setIssuer(config.jwtIssuer);
  if (config.jwtAudience) jwt.setAudience(config.jwtAudience);
  return jwt.sign(new TextEncoder().encode(config.jwtSecret));
}
