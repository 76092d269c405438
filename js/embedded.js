// The loader of the build with the wasm embedded (base64 inside the glue):
// one file, no fetch, no asset to serve; ~14 KB more gzipped than the fetched
// build (docs/performance.md). Same core, same API as identity-mfa/load.
import createIdentityMfaModule from './wasm/identity_mfa.embedded.mjs';
import { createApi } from './api.js';

export { ROUTES, OPERATIONS } from './contract.js';

export async function loadIdentityMfa(overrides = {}) {
  return createApi(await createIdentityMfaModule({ ...overrides }));
}
