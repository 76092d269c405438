// js/catalog.js is a copy of core/include/identity_mfa/errors.def: held equal here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIdentityMfa } from 'identity-mfa/load';
import { catalog, catalogEntry } from 'identity-mfa/catalog';

test('the JS catalog equals the table compiled into the wasm core', async () => {
  const core = (await loadIdentityMfa()).coreCatalog();
  assert.deepStrictEqual(catalog.map((e) => ({ ...e })), core);
});

test('upstream codes keep the titles and messages Lerian publishes', () => {
  assert.deepStrictEqual({ ...catalogEntry('IDE-0040') }, {
    code: 'IDE-0040', status: 400, title: 'MFA Already Enabled', message: 'MFA is already enabled for this user.',
  });
  assert.equal(catalogEntry('IDE-0044').message, 'The provided MFA type is invalid. Accepted values are app, email, and sms.');
  assert.equal(catalogEntry('IDE-1003').status, 404);
  assert.equal(catalogEntry('IDE-0905').status, 429);
  assert.equal(catalogEntry('IDE-9999'), undefined);
});
