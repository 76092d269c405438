// The store conformance suite (tests/store/conformance.js) on the backend of
// this run (IDENTITY_MFA_TEST_DB): SQLite, or PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, parseStoreUrl, loadConfig, ConfigError } from 'identity-mfa/server';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createDecider, decideAndCommit, deciderOptions } from '../../server/decisions.js';
import { storeConformance } from '../store/conformance.js';
import { migrations } from '../../server/store/migrations.js';
import { BACKEND, tempDatabase, testDatabase } from './support/server.js';

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

// SQLite decides the routes' writes in its writer thread, inside the
// transaction that applies them (server/decisions.js): every write waiting
// for the thread is one transaction, so each write must see the ones before
// it and must fail alone.
test('SQLite: writes decided in one transaction see each other, and one that fails leaves nothing while the rest commit', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, async (t) => {
  const { dir, config, store } = await migratedStore(t);
  const ada = await newUser(store, 'ada', '+15550100');
  const bob = await newUser(store, 'bob', '+15550100');
  const decide = store.decider(deciderOptions(config));
  assert.equal((await decide(setupOf(ada, 'app'))).status, 200); // registered and working
  const decider = store.deciders.length - 1;

  const raw = new Database(join(dir, 'test.db'));
  t.after(() => raw.close());
  raw.exec(`CREATE TRIGGER fault BEFORE INSERT ON audit WHEN NEW.user_id = '${bob.id}' BEGIN SELECT RAISE(ABORT, 'injected store fault'); END`);
  const answers = await store.write('group', [setupOf(ada, 'email'), setupOf(bob, 'email'), setupOf(ada, 'sms')].map((request) => ({ decider, request })));

  assert.equal(answers[0].status, 200);
  assert.match(answers[1].failed, /injected store fault/);
  assert.equal(answers[2].status, 200);
  const stored = await store.loadUserState(ada.id);
  assert.equal(stored.version, 3, 'app, then email and sms in one transaction, each on the state before it');
  assert.deepStrictEqual(await store.loadUserState(bob.id), { user: bob, state: '', version: 0 });
  assert.deepStrictEqual((await store.readAudit(bob.id)).length, 0);
  assert.deepStrictEqual((await store.readAudit(ada.id)).map((a) => a.event), ['setup', 'setup', 'setup']);
  await assert.rejects(decide(setupOf(bob, 'app')), /SQLite write failed: injected store fault/);
});

// A small Buffer views one of Node's 8 KB pools; a message would carry the
// whole pool to the writer thread, other requests' bodies among them.
test('SQLite: a body goes to the writer thread as its own bytes, not the pool it was cut from', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, async (t) => {
  const { config, store } = await migratedStore(t);
  const ada = await newUser(store, 'ada');
  const decide = store.decider(deciderOptions(config));
  const posted = [];
  const post = store.writer.postMessage.bind(store.writer);
  store.writer.postMessage = (message) => {
    posted.push(message);
    post(message);
  };
  // A pool as Node's are: another request's body, then this one's.
  const pool = Buffer.alloc(8192);
  pool.write('{"recoveryCode":"NEIGHBOUR-CODE"}');
  const text = JSON.stringify({ mfaType: 'app' });
  const body = pool.subarray(64, 64 + pool.write(text, 64));
  assert.equal((await decide({ ...setupOf(ada, 'app'), body })).status, 200);
  const sent = posted.find((message) => message.op === 'group').args[0][0].request.body;
  assert.equal(sent.buffer.byteLength, body.length);
  assert.deepStrictEqual(Buffer.from(sent), body);
});

// Version 5 drops the audit trail's per-user index (every write added a
// row to it at a random place). A database migrated before it must keep its
// trail, readable by user as before.
test('SQLite: a database of schema version 4 migrates to 5 with its audit trail whole and no per-user index', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-v4-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'v4.db');
  const userId = randomUUID();
  const old = new Database(path);
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  for (const m of migrations.filter((m) => m.version <= 4)) {
    old.exec(m.sqlite);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.version, '2027-01-01T00:00:00.000Z');
  }
  const audit = old.prepare('INSERT INTO audit (at, request_id, user_id, event, mfa_type, actor, actor_admin) VALUES (?, ?, ?, ?, ?, ?, ?)');
  audit.run('2027-01-15T08:00:00.000Z', 'r1', userId, 'setup', 'app', userId, 0);
  audit.run('2027-01-15T08:00:05.000Z', 'r2', randomUUID(), 'setup', 'app', null, null);
  audit.run('2027-01-15T08:00:10.000Z', 'r3', userId, 'enable.ok', 'app', userId, 0);
  const indexes = (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit'").pluck().all();
  assert.deepStrictEqual(indexes(old), ['audit_user'], 'the version 4 schema, as it shipped');
  old.close();

  const store = await openStore({ kind: 'sqlite', path });
  t.after(() => store.close());
  assert.deepStrictEqual(await store.migrate(), [5]);
  assert.deepStrictEqual((await store.readAudit(userId)).map((a) => [a.requestId, a.event]), [['r1', 'setup'], ['r3', 'enable.ok']]);
  assert.deepStrictEqual((await store.auditLog()).map((a) => a.requestId), ['r1', 'r2', 'r3']);
  assert.deepStrictEqual(indexes(store.db), []);
});

// PostgreSQL decides on the event loop and commits with a compare-and-set;
// a write that keeps losing its race to other writes of the same user must
// still get its answer (not a 500), and never at the other users' expense.
test('PostgreSQL: a write that loses every compare-and-set race is decided under the row lock, and lands once', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, async (t) => {
  const { config, store } = await migratedStore(t);
  const ada = await newUser(store, 'ada');
  // Another writer gets in before each of this request's commits.
  const racing = Object.create(store);
  let overtaken = 0;
  racing.commit = async (userId, change) => {
    const fresh = await store.loadUserState(userId);
    assert.equal(await store.commit(userId, { state: fresh.state, expectedVersion: fresh.version, audit: [] }), true);
    overtaken++;
    return store.commit(userId, change);
  };
  const answer = await decideAndCommit(racing, createDecider(deciderOptions(config)), setupOf(ada, 'app'));
  assert.equal(answer?.status, 200, 'an answer, not null (a 500) after the lost races');
  assert.equal(overtaken, 3, 'three races lost, then the locked decision');
  assert.equal((await store.loadUserState(ada.id)).version, overtaken + 1);
  assert.deepStrictEqual((await store.readAudit(ada.id)).map((a) => a.event), ['setup']);
});

test('PostgreSQL: locked decisions for one user wait in the process, one pooled connection at a time', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, async (t) => {
  const { config, store } = await migratedStore(t);
  const ada = await newUser(store, 'ada');
  const decide = createDecider(deciderOptions(config));
  const inUse = [];
  const answers = await Promise.all(Array.from({ length: 25 }, () => store.decideLocked(ada.id, (loaded) => {
    inUse.push(store.pool.totalCount - store.pool.idleCount);
    return decide(setupOf(ada, 'app'), loaded);
  })));
  assert.deepStrictEqual(answers.map((a) => a.status), Array(25).fill(200));
  assert.deepStrictEqual([...new Set(inUse)], [1], 'one connection checked out whenever a locked decision ran');
  assert.equal((await store.loadUserState(ada.id)).version, 25, 'each decided on the state the one before it left');
  assert.equal(store.lockedDecisions.size, 0, 'nothing left waiting');
});

// A fresh database of this run's backend (a SQLite file in `dir`), its store
// open and migrated; all gone after the test.
async function migratedStore(t) {
  const { dir, env } = await tempDatabase(t, 'identity-mfa-store-');
  const config = loadConfig(env);
  const store = await openStore(config.db);
  t.after(() => store.close());
  await store.migrate();
  return { dir, config, store };
}

async function newUser(store, name, phone = '') {
  const user = { id: randomUUID(), username: `${name}@example.com`, email: `${name}@example.com`, phone };
  await store.addUser(user);
  return user;
}

function setupOf(user, mfaType) {
  return { operation: 'setup', userId: user.id, body: JSON.stringify({ mfaType }), now: Date.now(), admin: false, stepUp: false, jitUser: null, requestId: randomUUID(), actor: user.id };
}
