// The store conformance suite (tests/store/conformance.js) on the backend of
// this run (IDENTITY_MFA_TEST_DB): SQLite, or PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, parseStoreUrl, loadConfig, ConfigError } from 'identity-mfa/server';
import { storeConformance } from '../store/conformance.js';
import { BACKEND, testDatabase } from './support/server.js';

storeConformance(BACKEND, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-store-'));
  const database = await testDatabase(dir);
  return {
    store: await openStore(parseStoreUrl(database.url)),
    drop: async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('backends are chosen by URL scheme; any other scheme is a configuration error that names the setting', () => {
  assert.deepStrictEqual(parseStoreUrl('sqlite:/var/lib/mfa.db'), { kind: 'sqlite', path: '/var/lib/mfa.db' });
  assert.deepStrictEqual(parseStoreUrl('postgresql://db/mfa'), { kind: 'postgres', url: 'postgresql://db/mfa' });
  for (const url of ['mysql://db/mfa', 'file:/tmp/x.db', '/tmp/x.db', 'sqlite:', 'postgres:/no-slashes']) {
    assert.throws(() => loadConfig({ IDENTITY_MFA_DB: url }), (error) => error instanceof ConfigError && error.message.startsWith('IDENTITY_MFA_DB (--db): '), url);
  }
  // A password in a refused URL is not repeated.
  assert.throws(() => parseStoreUrl('mysql://admin:hunter2@db/mfa'), (error) => !error.message.includes('hunter2'));
});
