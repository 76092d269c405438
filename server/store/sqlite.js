// The embedded store: one SQLite file through better-sqlite3.
//
// Durability (docs/performance.md): WAL journal with synchronous=FULL, so an
// acknowledged enable, or a consumed recovery code, survives a power cut: a
// code "un-consumed" by a lost write could be used twice. Group commit
// (commit() below) shares one fsync among the changes of one event-loop turn.
// busy_timeout lets several processes share the file.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations.js';

const now = () => new Date().toISOString();

export class SqliteStore {
  constructor(path) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.kind = 'sqlite';
    this.queue = []; // commits waiting for the group transaction
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
    this.q = {
      user: db.prepare('SELECT id, username, email, phone FROM users WHERE id = ?'),
      userAndState: db.prepare(
        'SELECT u.id, u.username, u.email, u.phone, s.state, s.version FROM users u JOIN mfa_state s ON s.user_id = u.id WHERE u.id = ?'),
      addUser: db.prepare('INSERT INTO users (id, username, email, phone, created_at) VALUES (?, ?, ?, ?, ?)'),
      addState: db.prepare("INSERT INTO mfa_state (user_id, state, version, updated_at) VALUES (?, '', 0, ?)"),
      state: db.prepare('SELECT state, version FROM mfa_state WHERE user_id = ?'),
      cas: db.prepare('UPDATE mfa_state SET state = ?, version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?'),
      audit: db.prepare('INSERT INTO audit (at, request_id, user_id, event, mfa_type) VALUES (?, ?, ?, ?, ?)'),
      outbox: db.prepare('INSERT INTO outbox (user_id, channel, to_address, text, created_at) VALUES (?, ?, ?, ?, ?)'),
      readOutbox: db.prepare('SELECT user_id, channel, to_address, text, created_at FROM outbox WHERE (? IS NULL OR user_id = ?) ORDER BY id'),
      readAudit: db.prepare('SELECT at, request_id, user_id, event, mfa_type FROM audit WHERE user_id = ? ORDER BY id'),
      allStates: db.prepare('SELECT user_id, state, version FROM mfa_state'),
    };
    const applyOne = (userId, change) => {
      if (change.state !== undefined) {
        const at = now();
        if (this.q.cas.run(change.state, at, userId, change.expectedVersion).changes !== 1) return false;
      }
      for (const a of change.audit ?? []) this.q.audit.run(a.at, a.requestId ?? null, userId, a.event, a.mfaType ?? null);
      if (change.outbox) this.q.outbox.run(userId, change.outbox.channel, change.outbox.to, change.outbox.text, now());
      return true;
    };
    // Every change queued in one turn of the event loop, in one transaction:
    // one fsync for the group. Each change is still its own compare-and-set;
    // one that loses its race writes nothing and reports false.
    this.groupTx = db.transaction((group) => group.map(({ userId, change }) => applyOne(userId, change)));
    this.addUserTx = db.transaction((u) => {
      const at = now();
      this.q.addUser.run(u.id, u.username, u.email ?? null, u.phone ?? null, at);
      this.q.addState.run(u.id, at);
    });
  }

  async ping() {
    this.db.prepare('SELECT 1').get();
  }

  async addUser(user) {
    this.addUserTx(user);
  }

  async getUser(id) {
    return this.q.user.get(id) ?? null;
  }

  /** The user and their stored state in one read: {user, state, version}, or null. */
  async loadUserState(userId) {
    const row = this.q.userAndState.get(userId);
    if (!row) return null;
    return { user: { id: row.id, username: row.username, email: row.email, phone: row.phone }, state: row.state, version: row.version };
  }

  /** The stored state text ('' when none) and its version. */
  async loadState(userId) {
    return this.q.state.get(userId) ?? { state: '', version: 0 };
  }

  /**
   * One atomic step: the new state if `state` is given (only when the stored
   * version is still `expectedVersion`), audit rows, an outbox message.
   * False when another writer got there first; nothing is written then.
   */
  commit(userId, change) {
    return new Promise((resolve, reject) => {
      this.queue.push({ userId, change, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  flush() {
    const group = this.queue;
    this.queue = [];
    let results;
    try {
      results = this.groupTx.immediate(group);
    } catch (error) {
      for (const item of group) item.reject(error); // the whole group rolled back: nothing half-written
      return;
    }
    group.forEach((item, i) => item.resolve(results[i]));
  }

  async readOutbox(userId = null) {
    return this.q.readOutbox.all(userId, userId).map((r) => ({
      userId: r.user_id, channel: r.channel, to: r.to_address, text: r.text, createdAt: r.created_at,
    }));
  }

  async readAudit(userId) {
    return this.q.readAudit.all(userId).map((r) => ({
      at: r.at, requestId: r.request_id, userId: r.user_id, event: r.event, mfaType: r.mfa_type,
    }));
  }

  async close() {
    this.db.close();
  }
}
