import type { ErrorBody, ValidationResult, Decision } from './types.js';
import type { ErrorCode } from './contract.js';

/** A catalog error as an Error: `.code`, `.status`, `.fields`, `.retryAfter`. */
export declare class IdentityMfaError extends Error {
  constructor(code: ErrorCode, options?: { status?: number; fields?: Record<string, string>; retryAfter?: number });
  readonly code: ErrorCode;
  readonly title: string;
  readonly status: number;
  readonly fields?: Record<string, string>;
  readonly retryAfter?: number;
  /** The response body the server sends for this error. */
  toJSON(): ErrorBody;
  /** The error of a failed validation result or decision. */
  static from(result: Exclude<ValidationResult, { ok: true }> | Decision): IdentityMfaError;
}
