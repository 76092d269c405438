import type { IdentityMfa, ValidationResult, Decision } from './types.js';
export type * from './types.js';
export { loadIdentityMfa, ROUTES, OPERATIONS } from './load.js';
export { catalog, catalogEntry, type CatalogEntry } from './catalog.js';

export declare const validateRequest: IdentityMfa['validateRequest'];
export declare const validateSetupRequest: IdentityMfa['validateSetupRequest'];
export declare const validateVerifyRequest: IdentityMfa['validateVerifyRequest'];
export declare const validateEnableRequest: IdentityMfa['validateEnableRequest'];
export declare const validatePreferredRequest: IdentityMfa['validatePreferredRequest'];
export declare const validateDisableRequest: IdentityMfa['validateDisableRequest'];
export declare const validateRecoveryCodesRequest: IdentityMfa['validateRecoveryCodesRequest'];
export declare const decide: IdentityMfa['decide'];
export declare const randomBytesNeeded: number;

/** A catalog error as an Error: `.code`, `.status`, `.fields`, `.retryAfter`. */
export declare class IdentityMfaError extends Error {
  constructor(code: string, options?: { status?: number; fields?: Record<string, string>; retryAfter?: number });
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly fields?: Record<string, string>;
  readonly retryAfter?: number;
  toJSON(): { code: string; title: string; message: string; fields?: Record<string, string> };
  static from(result: Exclude<ValidationResult, { ok: true }> | Decision): IdentityMfaError;
}
