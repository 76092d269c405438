// The explicit async loader: one call, one independent instance of the core.
// This build fetches its wasm (js/wasm/identity_mfa.wasm): browsers compile
// it while it downloads. `identity-mfa/embedded` has the wasm inside instead.
// `overrides` go to the Emscripten module: `locateFile` to serve the .wasm
// from elsewhere, or `wasmBinary` / `instantiateWasm` to bring it yourself.
import createIdentityMfaModule from './wasm/identity_mfa.mjs';
import { createApi } from './api.js';

export { ROUTES, OPERATIONS } from './contract.js';

// Written as `new URL(literal, import.meta.url)` so that bundlers (Vite,
// webpack, Rollup) ship the .wasm as an asset and rewrite this URL.
const WASM_URL = new URL('./wasm/identity_mfa.wasm', import.meta.url);

export async function loadIdentityMfa(overrides = {}) {
  const options = { ...overrides };
  if (!options.locateFile && !options.wasmBinary && !options.instantiateWasm) {
    if (WASM_URL.protocol === 'file:') options.wasmBinary = await readFileBytes(WASM_URL);
    else options.locateFile = () => WASM_URL.href;
  }
  try {
    return createApi(await createIdentityMfaModule(options));
  } catch (cause) {
    throw new Error(`identity-mfa: the wasm core did not load (${cause?.message ?? cause}); ` +
      'serve js/wasm/identity_mfa.wasm as application/wasm, pass locateFile, or use identity-mfa/embedded', { cause });
  }
}

// Node, Deno and Bun cannot fetch() a file: URL, so the bytes are read. The
// specifier is a variable so that browser bundlers leave this import alone.
const FS_PROMISES = 'node:fs/promises';
async function readFileBytes(url) {
  const { readFile } = await import(/* @vite-ignore */ FS_PROMISES);
  return readFile(url);
}
