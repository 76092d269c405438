// identity-mfa: the MFA decisions of a C++ core compiled to WebAssembly.
// This entry loads the core once with top-level await; use ./load.js for an
// explicit async loader or a separate instance.
import { loadIdentityMfa, ROUTES, OPERATIONS } from './load.js';

const mfa = await loadIdentityMfa();

export const {
  validateRequest,
  validateSetupRequest,
  validateVerifyRequest,
  validateEnableRequest,
  validatePreferredRequest,
  validateDisableRequest,
  validateRecoveryCodesRequest,
  decide,
  randomBytesNeeded,
} = mfa;

export { loadIdentityMfa, ROUTES, OPERATIONS };
export { IdentityMfaError } from './errors.js';
export { catalog, catalogEntry } from './catalog.js';
