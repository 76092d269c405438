// The explicit async loader: one call, one independent instance of the core.
// `overrides` go to the Emscripten module (e.g. `wasmBinary`, `locateFile`,
// `instantiateWasm`); the default build embeds its wasm, so none are needed.
import createIdentityMfaModule from './wasm/identity_mfa.mjs';
import { createApi, ROUTES, OPERATIONS } from './api.js';

export { ROUTES, OPERATIONS };

export async function loadIdentityMfa(overrides = {}) {
  const module = await createIdentityMfaModule({ ...overrides });
  return createApi(module);
}
