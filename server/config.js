// Configuration (docs/contract.md, "Configuration"): environment variables,
// mirrored by the flags of `identity-mfa serve`. Parsing is strict: a bad
// value stops start-up with a message that names the setting, never a stack
// trace.
import { DEFAULT_BODY_LIMIT, TOTP } from 'identity-mfa/contract';
import { parseStoreUrl, StoreUrlError } from './store/index.js';

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

// setting name → [environment variable, CLI flag]
export const SETTINGS = {
  host: ['IDENTITY_MFA_HOST', 'host'],
  port: ['IDENTITY_MFA_PORT', 'port'],
  db: ['IDENTITY_MFA_DB', 'db'],
  jwks: ['IDENTITY_MFA_JWKS', 'jwks'],
  jwtSecret: ['IDENTITY_MFA_JWT_SECRET', 'jwt-secret'],
  jwtIssuer: ['IDENTITY_MFA_JWT_ISSUER', 'jwt-issuer'],
  jwtAudience: ['IDENTITY_MFA_JWT_AUDIENCE', 'jwt-audience'],
  encryptionKeys: ['IDENTITY_MFA_ENCRYPTION_KEYS', 'encryption-keys'],
  pepper: ['IDENTITY_MFA_RECOVERY_PEPPER', 'recovery-pepper'],
  issuer: ['IDENTITY_MFA_ISSUER', 'issuer'],
  sender: ['IDENTITY_MFA_SENDER', 'sender'],
  totpAlgorithm: ['IDENTITY_MFA_TOTP_ALGORITHM', 'totp-algorithm'],
  totpDigits: ['IDENTITY_MFA_TOTP_DIGITS', 'totp-digits'],
  totpPeriod: ['IDENTITY_MFA_TOTP_PERIOD', 'totp-period'],
  adminScope: ['IDENTITY_MFA_ADMIN_SCOPE', 'admin-scope'],
  dataDir: ['IDENTITY_MFA_DATA', 'data'],
  requestTimeoutMs: ['IDENTITY_MFA_REQUEST_TIMEOUT_MS', 'request-timeout-ms'],
  keepAliveTimeoutMs: ['IDENTITY_MFA_KEEPALIVE_TIMEOUT_MS', 'keepalive-timeout-ms'],
  maxConnections: ['IDENTITY_MFA_MAX_CONNECTIONS', 'max-connections'],
  logLevel: ['IDENTITY_MFA_LOG_LEVEL', 'log-level'],
  webhookTimeoutMs: ['IDENTITY_MFA_WEBHOOK_TIMEOUT_MS', 'webhook-timeout-ms'],
  users: ['IDENTITY_MFA_USERS', 'users'],
  usernameClaims: ['IDENTITY_MFA_USERNAME_CLAIMS', 'username-claims'],
  emailClaim: ['IDENTITY_MFA_EMAIL_CLAIM', 'email-claim'],
  phoneClaim: ['IDENTITY_MFA_PHONE_CLAIM', 'phone-claim'],
};

const DEFAULTS = {
  host: '127.0.0.1',
  port: '8080',
  db: 'sqlite:./data/identity-mfa.db',
  issuer: 'identity-mfa',
  sender: 'outbox',
  totpAlgorithm: TOTP.defaults.algorithm,
  totpDigits: String(TOTP.defaults.digits),
  totpPeriod: String(TOTP.defaults.period),
  adminScope: 'mfa:admin',
  dataDir: './data',
  // A request (headers and a body of at most 16 KiB) must arrive within this.
  requestTimeoutMs: '10000',
  // Longer than a load balancer's idle timeout (60 s on common ones), so the
  // balancer, not the sidecar, closes idle connections: no race, no 502.
  keepAliveTimeoutMs: '72000',
  // Per process; below the file-descriptor limit (often 1024) with room for
  // the database and logs.
  maxConnections: '512',
  logLevel: 'info',
  webhookTimeoutMs: '5000',
  // Where users come from: the sidecar's table (admin API, import, CLI), or
  // also just in time from the claims of the user's own verified token.
  users: 'table',
  usernameClaims: 'preferred_username,email', // the first one present
  emailClaim: 'email',
  phoneClaim: 'phone_number',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const describe = (name) => `${SETTINGS[name][0]} (--${SETTINGS[name][1]})`;

/** A start-up failure that comes from a setting (a database that does not answer, a JWKS file that does not read), named. */
export function settingError(name, error) {
  return new ConfigError(`${describe(name)}: ${error?.message ?? error}`);
}

function parseDb(text) {
  try {
    return parseStoreUrl(text);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new ConfigError(`${describe('db')}: ${error.message}`);
    throw error;
  }
}

function parseKeys(text) {
  const keys = text.split(',').map((part) => {
    const at = part.indexOf(':');
    const kid = part.slice(0, at).trim();
    const key = Buffer.from(part.slice(at + 1).trim(), 'base64');
    if (at <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(kid)) {
      throw new ConfigError(`${describe('encryptionKeys')}: each key is kid:base64key, kid of letters, digits, . _ -`);
    }
    if (key.length !== 32) throw new ConfigError(`${describe('encryptionKeys')}: key "${kid}" must be 32 bytes (base64 of 32 random bytes)`);
    return { kid, key };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new ConfigError(`${describe('encryptionKeys')}: key ids must be unique`);
  return keys;
}

// Plain http only to this machine: over a network, a JWKS fetched in clear
// can be swapped (and then any token forged), and a webhook in clear carries
// live codes.
function requireHttpsBeyondLoopback(name, url) {
  const { protocol, hostname } = url;
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  if (protocol === 'http:' && !loopback) throw new ConfigError(`${describe(name)}: use https:// (plain http is allowed to localhost only)`);
}

function parseSender(text) {
  if (text === 'outbox') return { kind: 'outbox' };
  if (text.startsWith('webhook:')) {
    const url = text.slice('webhook:'.length);
    let parsed;
    try {
      parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    } catch {
      throw new ConfigError(`${describe('sender')}: webhook:<url> needs an http(s) URL`);
    }
    requireHttpsBeyondLoopback('sender', parsed);
    return { kind: 'webhook', url };
  }
  throw new ConfigError(`${describe('sender')} must be outbox or webhook:<url>`);
}

function parseJwks(text) {
  if (!text) return undefined;
  if (/^[a-z]+:\/\//i.test(text)) {
    let url;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError(`${describe('jwks')}: not a valid URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${describe('jwks')}: a file path or an http(s) URL`);
    requireHttpsBeyondLoopback('jwks', url);
  }
  return text;
}

// A claim name: printable ASCII without spaces or commas (claims may be URLs).
function parseClaims(name, text, { many = false } = {}) {
  const names = many ? text.split(',').map((part) => part.trim()) : [text.trim()];
  if (!names.length || names.some((claim) => !/^[\x21-\x2B\x2D-\x7E]{1,256}$/.test(claim))) {
    throw new ConfigError(`${describe(name)}: ${many ? 'claim names separated by commas' : 'one claim name'}, e.g. ${DEFAULTS[name]}`);
  }
  return names;
}

function parseInteger(name, text, min, max) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${describe(name)} must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * Reads the configuration from the environment, overridden by CLI flags
 * (an object keyed by flag name). Throws ConfigError on any malformed value;
 * missing secrets are reported by requireProductionSettings().
 */
export function loadConfig(env = process.env, flags = {}) {
  const raw = {};
  for (const [name, [variable, flag]] of Object.entries(SETTINGS)) {
    raw[name] = flags[flag] ?? env[variable] ?? DEFAULTS[name];
  }
  const config = {
    host: raw.host,
    port: parseInteger('port', raw.port, 0, 65535),
    db: parseDb(raw.db),
    jwks: parseJwks(raw.jwks),
    jwtSecret: raw.jwtSecret || undefined,
    jwtIssuer: raw.jwtIssuer || undefined,
    jwtAudience: raw.jwtAudience || undefined,
    encryptionKeys: raw.encryptionKeys ? parseKeys(raw.encryptionKeys) : [],
    pepper: raw.pepper ? Buffer.from(raw.pepper, 'base64') : undefined,
    issuer: raw.issuer,
    sender: parseSender(raw.sender),
    totp: {
      algorithm: raw.totpAlgorithm,
      digits: Number(raw.totpDigits),
      period: parseInteger('totpPeriod', raw.totpPeriod, TOTP.period.min, TOTP.period.max),
    },
    adminScope: raw.adminScope,
    dataDir: raw.dataDir,
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestTimeoutMs: parseInteger('requestTimeoutMs', raw.requestTimeoutMs, 100, 600000),
    keepAliveTimeoutMs: parseInteger('keepAliveTimeoutMs', raw.keepAliveTimeoutMs, 100, 600000),
    maxConnections: parseInteger('maxConnections', raw.maxConnections, 1, 1000000),
    logLevel: raw.logLevel,
    webhookTimeoutMs: parseInteger('webhookTimeoutMs', raw.webhookTimeoutMs, 100, 60000),
    users: raw.users,
    userClaims: {
      username: parseClaims('usernameClaims', raw.usernameClaims, { many: true }),
      email: parseClaims('emailClaim', raw.emailClaim)[0],
      phone: parseClaims('phoneClaim', raw.phoneClaim)[0],
    },
  };
  if (config.users !== 'table' && config.users !== 'token') throw new ConfigError(`${describe('users')} must be table or token`);
  // A scope is one token of a space-separated `scope` claim; "" would make
  // a token that carries `scope: ""` an admin's.
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(config.adminScope)) {
    throw new ConfigError(`${describe('adminScope')}: must be one non-empty scope token (no spaces or quotes), e.g. mfa:admin`);
  }
  if (!LOG_LEVELS.includes(config.logLevel)) throw new ConfigError(`${describe('logLevel')} must be one of ${LOG_LEVELS.join(', ')}`);
  if (!TOTP.algorithms.includes(config.totp.algorithm)) {
    throw new ConfigError(`${describe('totpAlgorithm')} must be one of ${TOTP.algorithms.join(', ')}`);
  }
  if (!TOTP.digits.includes(config.totp.digits)) throw new ConfigError(`${describe('totpDigits')} must be one of ${TOTP.digits.join(', ')}`);
  if (config.jwtSecret !== undefined && Buffer.byteLength(config.jwtSecret) < 32) {
    throw new ConfigError(`${describe('jwtSecret')} must be at least 32 bytes`);
  }
  if (config.pepper !== undefined && config.pepper.length < 16) {
    throw new ConfigError(`${describe('pepper')} must be base64 of at least 16 bytes`);
  }
  return config;
}

/** Production refuses to start without keys, pepper and token settings. */
export function requireProductionSettings(config) {
  const missing = [];
  if (config.encryptionKeys.length === 0) missing.push(`${describe('encryptionKeys')}: kid:base64key of 32 random bytes`);
  if (!config.pepper) missing.push(`${describe('pepper')}: base64 of at least 16 random bytes`);
  if (!config.jwks && !config.jwtSecret) missing.push(`${describe('jwks')} or ${describe('jwtSecret')}: how tokens are verified`);
  if (config.jwks && config.jwtSecret) {
    throw new ConfigError(`refusing to start: ${describe('jwks')} and ${describe('jwtSecret')} are both set; set one: a JWKS in production, an HS256 secret for development`);
  }
  if (missing.length) {
    throw new ConfigError(`refusing to start: missing settings\n  - ${missing.join('\n  - ')}`);
  }
}
