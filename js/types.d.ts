import type { CatalogEntry } from './catalog.js';
import type { ErrorCode, MfaType, Operation, RequestValues, Route, TotpAlgorithm, TotpDigits } from './contract.js';

export type * from './contract.js';
export type Body = string | Uint8Array | ArrayBuffer;

/** The JSON error body the server sends. */
export interface ErrorBody {
  code: ErrorCode;
  title: string;
  message: string;
  /** Field name → reason, when the error concerns particular fields. */
  fields?: Record<string, string>;
}

/** Any valid body's value: the fields of some route. */
export type RequestValue = Partial<RequestValues[Route]> & { [field: string]: string | undefined };

export type ValidationResult<V = RequestValue> =
  | { ok: true; value: V }
  | { ok: false; status: number; error: ErrorBody };

export interface ValidateOptions {
  /** Bodies longer than this many bytes answer 413. Default 16384. */
  bodyLimit?: number;
}

/** HMACs for the core. Return null on failure; never throw (throws are caught). */
export interface CryptoHost {
  hmac(algorithm: TotpAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array | null;
  /** HMAC-SHA-256 under the server's pepper. */
  pepperedHash(message: Uint8Array): Uint8Array | null;
  /** CSPRNG bytes; used when `random` is not given to decide(). */
  randomBytes?(count: number): Uint8Array;
  /** A host that seals stores TOTP secrets as seal(owner, secret) gives them (owner: user.id, UTF-8). */
  seal?(owner: Uint8Array, secret: Uint8Array): Uint8Array | null;
  /** The secret of a text seal() gave, for the same owner. */
  open?(owner: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

export interface UserProfile {
  /** The user's id: what a sealing host binds the user's secrets to. */
  id?: string;
  /** The otpauth account label. */
  username: string;
  email?: string;
  /** E.164 phone number. */
  phone?: string;
}

export interface Settings {
  issuer?: string;
  algorithm?: TotpAlgorithm;
  digits?: TotpDigits;
  /** Seconds, within TOTP.period (contract.js). */
  period?: number;
  pendingTtlMs?: number;
  bodyLimit?: number;
}

export interface DecisionInput {
  /** The raw request body (ignored for "status"). */
  body?: Body;
  /** The state returned as `newState` last time, or "" for none. */
  state?: string;
  /** Unix time in milliseconds. Default Date.now(). */
  now?: number;
  /** The caller's token is an administrator's. */
  admin?: boolean;
  /** The caller's token proves a recent second factor (RFC 8176 amr "mfa", auth_time under 5 minutes): step-up for setup. */
  stepUp?: boolean;
  /** randomBytesNeeded bytes from a CSPRNG. Default host.randomBytes(). */
  random?: Uint8Array;
  /** The user, or null when no such user exists (answers 404). */
  user: UserProfile | null;
  settings?: Settings;
}

export interface Outbound {
  channel: 'email' | 'sms';
  to: string;
  /** Holds the one-time code: send it, never log it. */
  text: string;
}

export interface Decision {
  ok: boolean;
  status: number;
  /** The error body (as validation gives it), or null on success. */
  error: ErrorBody | null;
  /** The response body as an object … */
  body: any;
  /** … and as the exact text to send. */
  bodyText: string;
  /** Seconds for the Retry-After header (429), else 0. */
  retryAfter: number;
  /** The state to store with a compare-and-set, or null when unchanged. */
  newState: string | null;
  outbound: Outbound | null;
  /** The method the request concerned: its mfaType, or "recovery" for a check by recovery code. */
  mfaType: MfaType | 'recovery' | null;
  /** Audit events: "setup", "verify.ok", "verify.failed", "enable.ok", "challenge.sent", "check.ok", … */
  audit: string[];
  /** When a host method threw or returned nothing (the decision is then IDE-0045): what it said. */
  hostError: string | null;
}

/** "recovery-codes" → "RecoveryCodes" */
type Pascal<S extends string> = S extends `${infer A}-${infer B}` ? `${Capitalize<A>}${Pascal<B>}` : Capitalize<S>;

/** validateSetupRequest, validateVerifyRequest, …: one per route, typed by its body. */
export type RouteValidators = {
  [R in Route as `validate${Pascal<R>}Request`]: (body: Body, options?: ValidateOptions) => ValidationResult<RequestValues[R]>;
};

export interface IdentityMfa extends RouteValidators {
  validateRequest<R extends Route>(route: R, body: Body, options?: ValidateOptions): ValidationResult<RequestValues[R]>;
  /** One decision of the MFA state machine. */
  decide(operation: Operation, input: DecisionInput, host: CryptoHost): Decision;
  readonly randomBytesNeeded: number;
  coreCatalog(): CatalogEntry[];
  hotp(algorithm: string, key: Uint8Array, counter: number, digits: number, host: CryptoHost): string | null;
  base32Encode(bytes: Uint8Array, pad?: boolean): string;
  base32Decode(text: string): Uint8Array | null;
  otpauthUrl(options: { issuer: string; account: string; secret: string; algorithm?: string; digits?: number; period?: number }): string | null;
  recoveryCodeFromRandom(bytes: Uint8Array): string;
  normalizeRecoveryCode(text: string): string;
  /** The stored text of every TOTP secret in a state (sealed, when a sealing host wrote it), or null. */
  storedSecrets(state: string): string[] | null;
  /** The state with every secret opened and sealed again by `host` for `userId`, or null. */
  resealState(state: string, userId: string, host: CryptoHost): string | null;
}

export interface LoaderOverrides {
  /** The wasm bytes, when you serve them yourself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the fetched build finds its wasm: return the URL of identity_mfa.wasm (default: next to js/wasm/identity_mfa.mjs). */
  locateFile?(path: string, prefix: string): string;
  instantiateWasm?(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void): object;
}
