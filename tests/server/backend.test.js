// The suite really runs on the backend it names (IDENTITY_MFA_TEST_DB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, startServer } from './support/server.js';

test(`the store under test is ${BACKEND}`, async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  assert.equal(server.store.kind, BACKEND);
  assert.match(server.config.db.kind, BACKEND === 'postgres' ? /^postgres$/ : /^sqlite$/);
});
