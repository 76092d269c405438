// The two builds of the wasm: fetched (identity_mfa.wasm beside its glue) and
// embedded (base64 inside the glue). One link's output each, one core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadIdentityMfa as loadFetched } from 'identity-mfa/load';
import { loadIdentityMfa as loadEmbedded } from 'identity-mfa/embedded';
import { loadVectors, validateCase, expectable } from './support/vectors.js';

const wasmDir = new URL('../../js/wasm/', import.meta.url);

test('the embedded build carries byte for byte the wasm the fetched build loads', () => {
  const fetched = readFileSync(new URL('identity_mfa.wasm', wasmDir));
  const glue = readFileSync(new URL('identity_mfa.embedded.mjs', wasmDir), 'latin1');
  const base64 = glue.match(/data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/)[1];
  assert.ok(Buffer.from(base64, 'base64').equals(fetched));
});

test('both builds answer every validation vector as expected', async () => {
  const builds = [await loadFetched(), await loadEmbedded()];
  for (const file of ['validate-enable.json', 'validate-routes.json']) {
    for (const c of loadVectors(file).cases) {
      for (const build of builds) assert.deepStrictEqual(expectable(validateCase(build, c)), c.expect, `${c.route}: ${c.name}`);
    }
  }
});

test('the fetched build reports a wasm it cannot load, naming the fixes', async () => {
  await assert.rejects(loadFetched({ wasmBinary: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]), printErr: () => {} }),
    /wasm core did not load.*locateFile/);
});
