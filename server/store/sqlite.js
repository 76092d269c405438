// The embedded store: one SQLite file through better-sqlite3.
//
// Durability (docs/performance.md): WAL journal with synchronous=FULL, so an
// acknowledged enable, or a consumed recovery code, survives a power cut: a
// code "un-consumed" by a lost write could be used twice. Writes go to a
// writer thread (sqlite-writer.js), which commits every change waiting for it
// as one transaction: what arrives while one commits shares the next one's
// fsync, and the event loop keeps serving meanwhile. The routes' writes are
// decided there too (decider(): read, decide, write in that transaction), so
// the event loop does not read, decide or seal for a write. Reads use this
// thread's connection (WAL lets them run beside the writer). busy_timeout
// lets several processes share the file.
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { privateFile, privateFolder } from '../private-files.js';
import { migrations } from './migrations.js';
import { openConnection, writeOperations } from './sqlite-connection.js';
import { SQL, now, toAudit, toOutbox, toUser, toUserState, userParams } from './sql.js';

// A small Buffer is a view into one of Node's 8 KB pools, and a message
// carries a view's whole ArrayBuffer: posted as it is, a body would take the
// other bytes of its pool (other requests' bodies among them) to the writer.
// Only the body's own bytes cross.
const ownBytes = (body) => (typeof body === 'string' || body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body));

export class SqliteStore {
  constructor(path) {
    // 0600 before SQLite opens it: SQLite gives its -wal and -shm the same mode.
    if (path !== ':memory:') {
      privateFolder(dirname(path));
      privateFile(path);
    }
    this.path = path;
    this.db = openConnection(path);
    this.kind = 'sqlite';
    this.inFlight = new Set(); // commits sent and not yet answered
    this.deciders = []; // deciderOptions by id, sent again to a new writer
  }

  async migrate() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all());
    const pending = migrations.filter((m) => !applied.has(m.version));
    // IMMEDIATE: a second process migrating at the same time waits, then sees the work done.
    const apply = this.db.transaction((m) => {
      if (this.db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      this.db.exec(m.sqlite);
      this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, now());
    });
    for (const m of pending) apply.immediate(m);
    this.prepare();
    return pending.map((m) => m.version);
  }

  prepare() {
    const db = this.db;
    this.q = Object.fromEntries(['user', 'addUser', 'addState', 'state', 'outbox', 'audit', 'outboxStats'].map((name) => [name, db.prepare(SQL[name])]));
    // Every request's read, as an array (toUserState): no object with named keys to build per row.
    this.q.userAndState = db.prepare(SQL.userAndState).raw();
    this.q.userIds = db.prepare(SQL.userIds).pluck();
    this.q.listUsers = db.prepare(SQL.listUsers);
    this.q.auditLog = db.prepare(SQL.auditLog);
    // An in-memory database cannot be shared with a thread: it writes here.
    if (this.path === ':memory:') {
      const operations = writeOperations(db);
      this.write = async (op, ...args) => operations[op](...args);
    } else {
      this.startWriter();
    }
    this.addUserTx = db.transaction((u) => {
      const at = now();
      this.q.addUser.run(...userParams(u, at));
      this.q.addState.run(u.id, at);
    });
  }

  async ping() {
    this.db.prepare('SELECT 1').get();
  }

  async probeWrite() {
    await this.write('probe');
  }

  async addUser(user) {
    this.addUserTx(user);
  }

  async getUser(id) {
    const row = this.q.user.get(id);
    return row ? toUser(row) : null;
  }

  /** The user and their stored state in one read: {user, state, version}, or null. */
  async loadUserState(userId) {
    const row = this.q.userAndState.get(userId);
    return row ? toUserState(row) : null;
  }

  /** The stored state text ('' when none) and its version. */
  async loadState(userId) {
    return this.q.state.get(userId) ?? { state: '', version: 0 };
  }

  // The writer thread, and write(op, ...args) → promise of its result.
  // A writer that dies fails what it held; the next write starts a new one.
  startWriter() {
    if (this.writer) return;
    const writer = new Worker(new URL('./sqlite-writer.js', import.meta.url), { workerData: { path: this.path } });
    const waiting = new Map();
    let next = 0;
    writer.on('message', ({ id, result, error }) => {
      const { resolve, reject } = waiting.get(id);
      waiting.delete(id);
      if (error) reject(new Error(`SQLite write failed: ${error}`));
      else resolve(result);
    });
    const lost = (error) => {
      if (this.writer === writer) this.writer = null;
      for (const { reject } of waiting.values()) reject(error);
      waiting.clear();
    };
    writer.on('error', lost);
    writer.on('exit', () => lost(new Error('the SQLite writer thread exited')));
    this.writer = writer;
    this.send = (op, args) => new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      writer.postMessage({ id, op, args });
    });
    // A registration that fails fails the decisions that name it, not here.
    this.deciders.forEach((options, id) => this.send('decider', [id, options]).catch(() => {}));
    this.write = (op, ...args) => {
      if (this.closed) return Promise.reject(new Error('the SQLite store is closed'));
      if (!this.writer) this.startWriter();
      return this.send(op, args);
    };
  }

  /**
   * One atomic step: the new state if `state` is given (only when the stored
   * version is still `expectedVersion`), audit rows, an outbox message.
   * False when another writer got there first; nothing is written then.
   * Sent to the writer at once: it joins every change waiting for it into
   * one transaction (group commit, sqlite-writer.js), so the thread starts
   * on the first while this one still decides the next.
   */
  commit(userId, change) {
    return this.tracked(this.write('group', [{ userId, change }]).then(([applied]) => applied));
  }

  /**
   * The routes' writes, decided in the writer's transaction that applies them
   * (server/decisions.js): registers `options` (deciderOptions) and returns
   * request → promise of the answer. Decided at once by the thread that
   * writes: no lost races to decide again, and the event loop, which is what
   * limits the sidecar, does not read, decide or seal for a write.
   */
  decider(options) {
    const id = this.deciders.push(options) - 1;
    this.write('decider', id, options).catch(() => {}); // a failure fails each decision
    return (request) => this.tracked(this.write('group', [{ decider: id, request: { ...request, body: ownBytes(request.body) } }]).then(([answer]) => {
      if (answer.failed !== undefined) throw new Error(`SQLite write failed: ${answer.failed}`);
      return answer;
    }));
  }

  /** `sent`, counted in flight until it settles (close() waits for it). */
  tracked(sent) {
    this.inFlight.add(sent);
    const done = () => this.inFlight.delete(sent);
    sent.then(done, done);
    return sent;
  }

  /** Creates or updates users in one transaction: ['created' | 'updated' | 'unchanged'] in order. */
  async putUsers(users, by = {}) {
    return this.write('putUsers', users, { at: now(), ...by });
  }

  /** Erases a user (their row, state and messages; the audit trail keeps its rows): false when unknown. */
  async eraseUser(userId, by = {}) {
    return this.write('erase', userId, { at: now(), ...by });
  }

  /** Users in id order, after `after` (an id, or '' for the first page). */
  async listUsers({ after = '', limit = 1000 } = {}) {
    return this.q.listUsers.all(after, limit).map(toUser);
  }

  /** Audit rows oldest first, each with its `seq`; `after` is the last seq read. */
  async auditLog({ userId = null, since = null, after = 0, limit = 1000 } = {}) {
    return this.q.auditLog.all(userId, userId, since, since, after, limit).map(toAudit);
  }

  async userIds() {
    return this.q.userIds.all();
  }

  async readOutbox(userId = null) {
    return this.q.outbox.all(userId, userId).map(toOutbox);
  }

  async readAudit(userId) {
    return this.q.audit.all(userId).map(toAudit);
  }

  async purgeOutbox(before, { all = true } = {}) {
    return this.write('purge', before, all);
  }

  async claimOutbox(at, until, limit) {
    return this.write('claim', at, until, limit);
  }

  async settleOutbox(messageId, outcome, event = null) {
    await this.write('settle', messageId, outcome, event);
  }

  async outboxStats() {
    const { pending, oldest } = this.q.outboxStats.get();
    return { pending: Number(pending), oldest: oldest ?? null };
  }

  async close() {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    this.closed = true;
    const writer = this.writer;
    this.writer = null;
    if (writer) await writer.terminate();
    this.db.close();
  }
}
