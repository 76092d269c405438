// What the sidecar writes to disk is private whatever the umask: the SQLite
// database and its -wal/-shm files 0600, the folders it makes 0700, demo
// mode's secrets 0600; and the outbox does not keep live codes forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseStoreUrl } from 'identity-mfa/server';
import { prepareDemo } from '../../server/demo/prepare.js';
import { BACKEND, startServer, userSession } from './support/server.js';

const mode = (path) => statSync(path).mode & 0o777;

// The widest umask: anything a process creates without care is world-readable.
function withUmask(t, mask) {
  const before = process.umask(mask);
  t.after(() => process.umask(before));
}

test('the SQLite database, its -wal and -shm, and the folder it makes are private under umask 000', { skip: BACKEND !== 'sqlite' }, async (t) => {
  withUmask(t, 0o000);
  const root = mkdtempSync(join(tmpdir(), 'identity-mfa-files-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const folder = join(root, 'var', 'mfa');
  const store = await openStore(parseStoreUrl(`sqlite:${join(folder, 'mfa.db')}`));
  await store.migrate();
  await store.addUser({ id: '019c96a0-0c21-71f9-a487-66a1258278a1', username: 'ada' });
  await store.commit('019c96a0-0c21-71f9-a487-66a1258278a1', { audit: [{ at: new Date().toISOString(), event: 'setup' }] });
  try {
    assert.equal(mode(folder).toString(8), '700');
    for (const suffix of ['', '-wal', '-shm']) assert.equal(mode(join(folder, `mfa.db${suffix}`)).toString(8), '600', `mfa.db${suffix}`);
  } finally {
    await store.close();
  }
});

test('an existing database file left world-readable is made private when opened', { skip: BACKEND !== 'sqlite' }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'identity-mfa-files-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'old.db');
  writeFileSync(file, '', { mode: 0o644 });
  const store = await openStore(parseStoreUrl(`sqlite:${file}`));
  await store.close();
  assert.equal(mode(file).toString(8), '600');
});

test("demo mode's data folder, database and secrets are private under umask 000", { skip: BACKEND !== 'sqlite' }, async (t) => {
  withUmask(t, 0o000);
  const root = mkdtempSync(join(tmpdir(), 'identity-mfa-files-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data');
  await prepareDemo({ dataDir: dir, host: '127.0.0.1', port: 0 });
  assert.equal(mode(dir).toString(8), '700');
  assert.equal(mode(join(dir, 'demo-secrets.json')).toString(8), '600');
  assert.equal(mode(join(dir, 'identity-mfa.db')).toString(8), '600');
});

test('outbox messages whose code has expired are purged', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.setup('email');
  server.clock.advance(4 * 60_000);
  await ada.setup('sms');
  assert.equal((await server.store.readOutbox(ada.id)).length, 2);
  server.clock.advance(60_000 + 1); // the email code has expired, the SMS code has not
  assert.equal(await server.app.purgeOutbox(), 1);
  assert.deepStrictEqual((await server.store.readOutbox(ada.id)).map((m) => m.channel), ['sms']);
  server.clock.advance(4 * 60_000);
  assert.equal(await server.app.purgeOutbox(), 1);
  assert.deepStrictEqual(await server.store.readOutbox(ada.id), []);
});
