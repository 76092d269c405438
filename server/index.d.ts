// Types of identity-mfa/server: the sidecar as a library (server/index.js).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/** Where state lives: `sqlite:<path>` or a `postgres://` URL, parsed. */
export type DbConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
/** How email/SMS codes leave: kept in the outbox table, or POSTed to a webhook. */
export type SenderConfig = { kind: 'outbox' } | { kind: 'webhook'; url: string };

/** The configuration loadConfig() builds from IDENTITY_MFA_* variables and flags (CONTRACT §6). */
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

/** The store behind the routes (SQLite or PostgreSQL); see server/store/. */
export interface Store {
  migrate(): Promise<void>;
  ping(): Promise<void>;
  addUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | null | undefined>;
  userIds(): Promise<string[]>;
  /** Messages the outbox sender holds, oldest first. */
  readOutbox(userId?: string | null): Promise<Array<{ userId: string; channel: string; to: string; text: string; createdAt: string }>>;
  readAudit(userId: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** Opens (does not migrate) the store a DbConfig names. */
export declare function openStore(db: DbConfig): Promise<Store>;

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
  verifier: ReturnType<typeof createVerifier>;
  sender: ReturnType<typeof createSender>;
  /** The sidecar's request metrics (buildApp makes them); optional. */
  metrics?: unknown;
  clock?: () => number;
}

/** The MFA routes as a Fastify plugin, for an app of your own. */
export declare const identityMfaRoutes: FastifyPluginAsync<RoutesOptions>;
/** Method, URL pattern and operation of each MFA route. */
export declare const ROUTES: ReadonlyArray<{ method: string; url: string; operation: string }>;
/** Log paths that are always redacted. */
export declare const REDACT: readonly string[];

/** Verifies bearer tokens (JWKS or HS256) as CONTRACT §3 steps 1–4 require. */
export declare function createVerifier(config: Config, clock?: () => number): unknown;
/** Mints an HS256 token (config.jwtSecret must be set). */
export declare function mintToken(config: Config, claims: { sub: string; admin?: boolean; ttl?: number; now?: number }): Promise<string>;
/** AES-256-GCM sealing of TOTP secrets, under the first key (the same as identity-mfa/node's). */
export { createSealer } from 'identity-mfa/node';
/** The email/SMS sender config.sender names. */
export declare function createSender(config: Config): { kind: 'outbox' | 'webhook'; send(message: { userId: string; channel: string; to: string; text: string }): Promise<void> };
/** The OpenAPI 3.1 document of every route, body, response and error. */
export declare function openApiDocument(): Record<string, unknown>;
