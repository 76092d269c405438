// Types of identity-mfa/server: the sidecar as a library (server/index.js).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/** Where state lives: `sqlite:<path>` or a `postgres://` URL, parsed. */
export type DbConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
/** How email/SMS codes leave: kept in the outbox table, or POSTed to a webhook. */
export type SenderConfig = { kind: 'outbox' } | { kind: 'webhook'; url: string };

/** The configuration loadConfig() builds from IDENTITY_MFA_* variables and flags (docs/contract.md, "Configuration"). */
export interface Config {
  host: string;
  port: number;
  db: DbConfig;
  jwks?: string;
  jwtSecret?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  encryptionKeys: Array<{ kid: string; key: Uint8Array }>;
  pepper?: Uint8Array;
  issuer: string;
  sender: SenderConfig;
  totp: { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; period: number };
  adminScope: string;
  dataDir: string;
  bodyLimit: number;
  /** The whole request must arrive within this (ms); 408 otherwise. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection closes after this (ms). */
  keepAliveTimeoutMs: number;
  /** Open connections per process; a new one past this is closed at once. */
  maxConnections: number;
  /** fatal, error, warn, info (one line per request), debug (health checks too), trace, silent. */
  logLevel: string;
  /** One webhook attempt's time limit (ms). */
  webhookTimeoutMs: number;
  /** Where users come from: the table only, or also just in time from their own tokens' claims. */
  users: 'table' | 'token';
  /** The claims a just-in-time user comes from: the username from the first present. */
  userClaims: { username: string[]; email: string; phone: string };
}

/** A malformed or missing setting; its message names the variable and the flag. */
export declare class ConfigError extends Error {}

/** Reads the configuration from `env` (default process.env) and `flags` (keyed by flag name). */
export declare function loadConfig(env?: Record<string, string | undefined>, flags?: Record<string, unknown>): Config;
/** Throws ConfigError unless encryption keys, the pepper and a token setting are present. */
export declare function requireProductionSettings(config: Config): void;

/** A user the store knows. */
export interface User {
  id: string;
  username: string;
  email?: string | null;
  phone?: string | null;
}

/** An audit event of a change: what happened, to which MFA type, when, in which request. */
export interface AuditEvent {
  /** ISO time of the decision. */
  at: string;
  requestId?: string | null;
  /** "setup", "verify.ok", "check.failed", "lock", … */
  event: string;
  mfaType?: string | null;
  /** Who asked: the token's subject (the user, or a service). */
  actor?: string | null;
  /** Whether that token was an admin's. */
  actorAdmin?: boolean | null;
}

/** An email/SMS message for the outbox sender; `text` holds a one-time code. */
export interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string;
  text: string;
  /** ISO time of the decision that made it (default: the commit's). */
  at?: string;
}

/**
 * One atomic step of a user's MFA record. With `state`, it applies only if the
 * stored version is still `expectedVersion` (compare-and-set); the audit
 * events and the outbox message are written in the same transaction, and
 * only if it applies.
 */
export interface Change {
  state?: string;
  expectedVersion?: number;
  audit?: AuditEvent[];
  outbox?: OutboxMessage | null;
}

/**
 * Where users, their MFA state, the audit trail and the outbox live. The
 * sidecar uses nothing else; SQLite and PostgreSQL implement it, and
 * tests/store/conformance.js holds any implementation to it.
 */
/** Who made a change, for its audit rows. */
export interface AuditContext {
  at?: string;
  requestId?: string | null;
  actor?: string | null;
  actorAdmin?: boolean | null;
}

/** What decides a route's write: the host's pepper and keys, the core's settings. */
export interface DeciderOptions {
  pepper: Uint8Array | undefined;
  encryptionKeys: Array<{ kid: string; key: Uint8Array }>;
  settings: { issuer: string; algorithm: string; digits: number; period: number; bodyLimit: number };
}
/** One route's write to decide: the operation, the user, the raw body and what the token says. */
export interface DecisionRequest {
  operation: string;
  userId: string;
  body: string | Uint8Array;
  now: number;
  admin: boolean;
  stepUp: boolean;
  /** Users just in time: the user the token describes, or null. */
  jitUser: User | null;
  requestId: string;
  actor: string;
}
/** A decided write's answer, once committed. */
export interface DecisionAnswer {
  status: number;
  bodyText: string;
  retryAfter: number;
  headers: Record<string, string> | null;
  events: string[];
  mfaType: string | null;
  hostError: string | null;
  outbound: boolean;
}

export interface Store {
  /** "sqlite", "postgres", … */
  readonly kind: string;
  /** Creates or upgrades the schema; resolves to the versions it applied. Safe to run from several processes at once. */
  migrate(): Promise<number[]>;
  /** Rejects when the store cannot answer. */
  ping(): Promise<void>;
  /** Commits a one-row write as every change does; rejects when the store cannot commit (a full disk). Readiness. */
  probeWrite(): Promise<void>;
  /** Adds a user with an empty MFA state (version 0); rejects if the id exists. */
  addUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | null>;
  /** The user and their stored state in one read (the routes' one read per request), or null. */
  loadUserState(userId: string): Promise<{ user: User; state: string; version: number } | null>;
  /** The stored state text ("" when none) and its version. */
  loadState(userId: string): Promise<{ state: string; version: number }>;
  /** Applies a change atomically; false (and nothing written) when the compare-and-set lost. */
  commit(userId: string, change: Change): Promise<boolean>;
  /**
   * Optional: a store that decides the routes' writes inside its own write
   * transaction (SQLite's writer thread) takes the decider's options (the
   * pepper, the keys, the core's settings) and returns request → answer.
   * Without it, the routes read, decide on the event loop and commit().
   */
  decider?(options: DeciderOptions): (request: DecisionRequest) => Promise<DecisionAnswer>;
  /**
   * Optional, for a store with row locks (PostgreSQL): a decision that cannot
   * lose its compare-and-set. `decide` runs on the user's state read under
   * the row's lock, and its change is applied in the same transaction; one
   * at a time per user in the process. The routes come here after three lost
   * races. Null when there was no row to lock and the user was created
   * meanwhile (nothing written).
   */
  decideLocked?(userId: string, decide: (loaded: { user: User; state: string; version: number } | null) => { answer: DecisionAnswer; change: Change | null }): Promise<DecisionAnswer | null>;
  /** Creates or updates users in one transaction (an absent e-mail or phone is stored as null), each audited (user.created, user.updated) with `by`; resolves to each one's outcome. */
  putUsers(users: User[], by?: AuditContext): Promise<Array<'created' | 'updated' | 'unchanged'>>;
  /** Erases a user: their row, MFA state and outbox messages; the audit trail keeps its rows (no personal data) and gains user.erased. False for an unknown user. */
  eraseUser(userId: string, by?: AuditContext): Promise<boolean>;
  /** Users in id order after `after` (an id; '' for the first page). */
  listUsers(options?: { after?: string; limit?: number }): Promise<User[]>;
  /** Audit rows, oldest first, of one user and/or since a time (ISO); `after` is the last `seq` read. */
  auditLog(options?: { userId?: string | null; since?: string | null; after?: number; limit?: number }): Promise<Array<AuditEvent & { userId: string; seq: number }>>;
  /** Every user id, sorted. */
  userIds(): Promise<string[]>;
  /** Messages the outbox sender holds, oldest first. */
  readOutbox(userId?: string | null): Promise<Array<{ userId: string; channel: string; to: string; text: string; createdAt: string }>>;
  /** Deletes outbox messages created before `before` (an ISO time); resolves to how many. */
  purgeOutbox(before: string): Promise<number>;
  /** A user's audit trail, oldest first. */
  readAudit(userId: string): Promise<Array<AuditEvent & { userId: string }>>;
  /** Finishes what is in flight and releases the connections. */
  close(): Promise<void>;
}

/** Opens (does not migrate) the store a DbConfig names. */
export declare function openStore(db: DbConfig): Promise<Store>;
/** The DbConfig of an IDENTITY_MFA_DB value; throws for a scheme no backend takes. */
export declare function parseStoreUrl(url: string): DbConfig;

export interface BuildAppOptions {
  config: Config;
  /** Without one, the store config.db names is opened and migrated, and closed with the app. */
  store?: Store;
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
  /** false, true, or pino options (redaction of REDACT is always on). */
  logger?: boolean | Record<string, unknown>;
  /** Serve the demo page and GET /demo/session for this user (demo mode only). */
  demo?: false | { userId: string };
}

/** The whole sidecar: the MFA routes, health, metrics, /openapi.json and catalog 404s. */
export declare function buildApp(options: BuildAppOptions): Promise<FastifyInstance>;

export interface RoutesOptions {
  config: Config;
  store: Store;
  verifier: Verifier;
  sender: ReturnType<typeof createSender>;
  /** The sidecar's request metrics (buildApp makes them); optional. */
  metrics?: unknown;
  clock?: () => number;
}

/** The MFA routes as a Fastify plugin, for an app of your own. */
export declare const identityMfaRoutes: FastifyPluginAsync<RoutesOptions>;
/** Method, URL pattern and operation of each MFA route. */
export declare const ROUTES: ReadonlyArray<{ method: string; url: string; operation: string }>;
/** Writes what an asynchronous log destination still holds (before a process exits). */
export declare function flushLogs(log: { flush?(cb: (error?: Error) => void): void }): Promise<void>;
/** Log paths that are always redacted. */
export declare const REDACT: readonly string[];

/** A verified token: its subject, whether it is an admin's, and when it proved a second factor (ms), if it did. */
export interface Identity { sub: string; admin: boolean; exp: number; nbf?: number; mfaAt: number | null }
/** verify(token) (rejects with code IDE-0008/IDE-0009), and whether keys are loaded. */
export interface Verifier {
  (token: string): Promise<Identity>;
  /**
   * The identity without a promise when it can be known now: a token verified
   * lately (the cache) or an HS256 one (verified here; an invalid one throws
   * an error whose `code` is IDE-0009). Null when only the promise can tell
   * (a JWKS token not seen lately).
   */
  now(token: string): Identity | null;
  /** The identity of a token verified lately (from the cache), or null. */
  cached(token: string): Identity | null;
  /** Keys usable (a remote JWKS fetched); tried again while not. */
  ready(): Promise<boolean>;
  /** Fetches remote keys now (a failure is logged). */
  warm(): void;
}
/** Verifies bearer tokens (JWKS or HS256): steps 1–4 of docs/contract.md §3. `log` receives key fetch failures. */
export declare function createVerifier(config: Config, clock?: () => number, options?: { log?: { error(obj: object, msg: string): void }; cacheBytes?: number }): Verifier;
/** Mints an HS256 token (config.jwtSecret must be set). */
export declare function mintToken(config: Config, claims: { sub: string; admin?: boolean; ttl?: number; now?: number }): Promise<string>;
/** AES-256-GCM sealing of TOTP secrets, under the first key (the same as identity-mfa/node's). */
export { createSealer } from 'identity-mfa/node';
/** The email/SMS sender config.sender names. */
export declare function createSender(config: Config): { kind: 'outbox' | 'webhook'; send(message: { userId: string; channel: string; to: string; text: string }): Promise<void> };
/** The OpenAPI 3.1 document of every route, body, response and error. */
export declare function openApiDocument(): Record<string, unknown>;
