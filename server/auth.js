// Bearer tokens (docs/contract.md §3 steps 1–4, §5 "Tokens"): JWTs verified with jose,
// from a JWKS (file or URL; RS256, ES256, EdDSA) or, for development, an
// HS256 secret. `alg: none` is never accepted; `exp` and `sub` are required.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import { settingError } from './config.js';
import { tokenHeader, verifyHs256 } from './hs256.js';

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];

export class AuthError extends Error {
  constructor(code) {
    // No stack: it is never read (the answer is the catalog's), and capturing
    // one was a tenth of what a request with a bad token cost, which is what
    // a flood of forged tokens would make us pay.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(code);
    Error.stackTraceLimit = limit;
    this.code = code; // IDE-0008 or IDE-0009
  }
}

/** The token of an `Authorization: Bearer <token>` header, or AuthError IDE-0008. */
export function bearerToken(header) {
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header) : null;
  if (!match) throw new AuthError('IDE-0008');
  return match[1];
}

// Key fetches that failed (not a bad token): jose's JWKS timeout, a non-200
// or unparsable answer, an invalid set, or fetch() itself (no code).
const FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);
const isFetchFailure = (error) => FETCH_FAILURES.has(error?.code) || (error instanceof TypeError && !error.code);
// One log line a minute at most about keys that cannot be fetched.
const COMPLAINT_INTERVAL_MS = 60_000;

// A JWKS file is read at start: a missing or malformed one stops start-up,
// named. A URL is fetched by jose when needed, and watched: `ready` is
// false from a failed fetch to the next good one.
function loadJwks(source, log, clock) {
  if (!/^https?:\/\//.test(source)) {
    try {
      return { keys: createLocalJWKSet(JSON.parse(readFileSync(source, 'utf8'))), ready: async () => true, warm: () => {} };
    } catch (error) {
      throw settingError('jwks', error.code === 'ENOENT' ? `no such file ${source}` : error.message);
    }
  }
  const url = new URL(source);
  const keys = createRemoteJWKSet(url, { timeoutDuration: 5000 });
  let loaded = false;
  let complainedAt = -Infinity;
  const failed = (error) => {
    loaded = false;
    if (clock() - complainedAt < COMPLAINT_INTERVAL_MS) return;
    complainedAt = clock();
    log?.error({ jwks: `${url.origin}${url.pathname}`, cause: error?.message ?? String(error) }, 'the JWKS could not be fetched: no token can be verified');
  };
  const reload = () => keys.reload().then(() => { loaded = true; }, failed);
  return {
    keys,
    fetched: () => { loaded = true; },
    failed,
    // Not ready until keys load; each check while not ready tries again.
    ready: async () => {
      if (!loaded) await reload();
      return loaded;
    },
    warm: () => { reload(); },
  };
}

/**
 * Returns verify(token) → { sub, admin, mfaAt }, or throws AuthError
 * IDE-0009; with verify.ready() (keys usable: for /health/ready),
 * verify.warm() (fetch remote keys now) and verify.cache (the verified-token
 * cache). `clock` (ms) lets tests move time; `log` gets key fetch failures.
 */
export function createVerifier(config, clock = Date.now, { log, cacheBytes } = {}) {
  const jwks = config.jwks ? loadJwks(config.jwks, log, clock) : null;
  const secret = config.jwtSecret ? Buffer.from(config.jwtSecret, 'utf8') : null;
  if (!jwks && !secret) throw new TypeError('createVerifier needs a JWKS or an HS256 secret');
  const cache = new VerifiedTokens(clock, cacheBytes);

  async function verify(token) {
    const known = verify.now(token);
    if (known) return known;
    const identity = await verifyAsymmetric(token);
    cache.set(token, identity);
    return identity;
  }
  /**
   * A token's identity when it can be known without a promise: verified
   * lately (the cache), or HS256, verified here. Null when only verify() can
   * tell (a JWKS token not seen lately); AuthError IDE-0009 when invalid.
   * A request that brings a new HS256 token costs no event-loop turn either.
   */
  verify.now = (token) => {
    const known = cache.get(token);
    if (known) return known;
    const header = tokenHeader(token);
    if (header?.alg !== 'HS256') return null;
    const identity = verifySymmetric(token, header);
    cache.set(token, identity);
    return identity;
  };
  /** The identity of a token verified lately (from the cache), or null. */
  verify.cached = (token) => cache.get(token);
  verify.ready = async () => (jwks ? jwks.ready() : true);
  verify.warm = () => jwks?.warm();
  verify.cache = cache;
  return verify;

  // HS256 by the configured secret, synchronously.
  function verifySymmetric(token, header) {
    if (!secret) throw new AuthError('IDE-0009');
    const payload = verifyHs256(token, secret, { issuer: config.jwtIssuer, audience: config.jwtAudience, header, now: Math.floor(clock() / 1000) });
    if (!payload) throw new AuthError('IDE-0009');
    return identityOf(payload);
  }

  // Anything but HS256 is jose's to verify against the JWKS (a header that
  // does not parse fails there).
  async function verifyAsymmetric(token) {
    if (!jwks) throw new AuthError('IDE-0009');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks.keys, {
        issuer: config.jwtIssuer, audience: config.jwtAudience, algorithms: ASYMMETRIC, requiredClaims: ['exp', 'sub'], currentDate: new Date(clock()),
      }));
    } catch (error) {
      if (isFetchFailure(error)) jwks.failed?.(error);
      throw new AuthError('IDE-0009');
    }
    jwks.fetched?.();
    return identityOf(payload);
  }

  // A verified payload's identity. A claim that converts to no string (a
  // `sub` object without toString) is refused, not a crash.
  function identityOf(payload) {
    try {
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      // RFC 8176: the identity provider says the user passed a second factor,
      // and when (auth_time, RFC 7519 seconds); freshness is judged per request.
      const mfa = Array.isArray(payload.amr) && payload.amr.includes('mfa') && Number.isFinite(payload.auth_time);
      return {
        sub: String(payload.sub), admin: scopes.includes(config.adminScope), exp: payload.exp, nbf: payload.nbf,
        mfaAt: mfa ? payload.auth_time * 1000 : null,
        profile: config.users === 'token' ? profileOf(payload, config.userClaims) : null,
      };
    } catch {
      throw new AuthError('IDE-0009');
    }
  }
}

/**
 * Who the token says the user is, for users just in time: each field with
 * the claim it came from (errors name the claim). The username is the first
 * of its claims that is present.
 */
function profileOf(payload, claims) {
  const present = (name) => payload[name] !== undefined && payload[name] !== null && payload[name] !== '';
  const usernameClaim = claims.username.find(present) ?? claims.username[0];
  const field = (claim) => ({ claim, value: payload[claim] ?? null });
  return { username: field(usernameClaim), email: field(claims.email), phone: field(claims.phone) };
}

// Tokens verified recently, so a client's repeated calls skip the signature
// check. An entry holds only while its token is inside exp/nbf and for at most
// CACHE_TTL_MS, so a key removed from a JWKS stops working within that time.
// The cache is bounded by bytes, not entries (tokens run from 200 B to many
// KB): past the budget the oldest entries go, and expired ones are swept.
const CACHE_TTL_MS = 60_000;
const ENTRY_OVERHEAD = 160; // bytes of map entry and identity beside the token
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

export class VerifiedTokens {
  constructor(clock, budget = DEFAULT_CACHE_BYTES) {
    this.clock = clock;
    this.budget = budget;
    this.bytes = 0;
    this.entries = new Map(); // insertion order: oldest first
    this.sweepAt = clock() + CACHE_TTL_MS;
  }

  get(token) {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (!this.live(entry, this.clock())) {
      this.remove(token, entry);
      return null;
    }
    return entry.identity;
  }

  set(token, identity) {
    const now = this.clock();
    if (now >= this.sweepAt) this.sweep(now);
    // A profile's claims came out of the token: at most its length again.
    const cost = token.length * (identity.profile ? 2 : 1) + ENTRY_OVERHEAD;
    if (cost > this.budget / 4) return; // one giant token must not empty the cache
    const old = this.entries.get(token);
    if (old) this.remove(token, old);
    if (this.bytes + cost > this.budget) this.evict(this.budget - this.budget / 8 - cost);
    this.entries.set(token, { identity, until: now + CACHE_TTL_MS, cost });
    this.bytes += cost;
  }

  /**
   * Drops the oldest entries until at most `target` bytes are held: an eighth
   * of the budget at a time, because each walk from the oldest end first
   * steps over every entry deleted there since the Map last compacted (one
   * walk per insertion, in a full cache, cost tens of µs a token).
   */
  evict(target) {
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= target) break;
      this.remove(oldest, entry);
    }
  }

  /** Drops every entry that no longer holds. */
  sweep(now = this.clock()) {
    for (const [token, entry] of this.entries) if (!this.live(entry, now)) this.remove(token, entry);
    this.sweepAt = now + CACHE_TTL_MS;
  }

  live(entry, now) {
    const { identity } = entry;
    return now < entry.until && now < identity.exp * 1000 && (identity.nbf === undefined || now >= identity.nbf * 1000);
  }

  remove(token, entry) {
    this.entries.delete(token);
    this.bytes -= entry.cost;
  }
}

/** An HS256 token, for development (`identity-mfa token`, demo mode, tests). */
export async function mintToken(config, { sub, admin = false, ttl = 3600, now = Date.now(), claims = {} }) {
  if (!config.jwtSecret) throw new TypeError('minting needs IDENTITY_MFA_JWT_SECRET');
  const jwt = new SignJWT(admin ? { ...claims, scope: config.adminScope } : { ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + ttl);
  if (config.jwtIssuer) jwt.setIssuer(config.jwtIssuer);
  if (config.jwtAudience) jwt.setAudience(config.jwtAudience);
  return jwt.sign(new TextEncoder().encode(config.jwtSecret));
}
