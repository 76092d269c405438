import { catalogEntry, errorBody } from './catalog.js';

/**
 * A catalog error as a JavaScript Error: `.code` is the
 * catalog code ("IDE-0001"), `.status` the HTTP status, `.fields` the
 * per-field reasons when the error names fields.
 */
export class IdentityMfaError extends Error {
  constructor(code, { status, fields, retryAfter } = {}) {
    const entry = catalogEntry(code);
    if (!entry) throw new TypeError(`unknown identity-mfa error code: ${code}`);
    super(entry.message);
    this.name = 'IdentityMfaError';
    this.code = code;
    this.title = entry.title;
    this.status = status ?? entry.status;
    if (fields) this.fields = fields;
    if (retryAfter) this.retryAfter = retryAfter;
  }

  /** The response body the server sends for this error. */
  toJSON() {
    return errorBody(this.code, this.fields);
  }

  /** The error of a failed validation result or decision (both carry the error body). */
  static from(result) {
    if (result.ok) throw new TypeError('IdentityMfaError.from() needs a failed result');
    const { code, fields } = result.error;
    return new IdentityMfaError(code, { status: result.status, fields, retryAfter: result.retryAfter });
  }
}
