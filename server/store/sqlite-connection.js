// What both SQLite connections share: the pragmas, and the group transaction
// that applies many changes at once, each its own compare-and-set.
import Database from 'better-sqlite3';
import { SQL, auditParams, now, outboxParams } from './sql.js';

export function openConnection(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** A function running [{userId, change}] in one IMMEDIATE transaction → [applied?]. */
export function groupTransaction(db) {
  const cas = db.prepare(SQL.compareAndSet);
  const audit = db.prepare(SQL.insertAudit);
  const outbox = db.prepare(SQL.insertOutbox);
  const applyOne = (userId, change) => {
    if (change.state !== undefined && cas.run(change.state, now(), userId, change.expectedVersion).changes !== 1) return false;
    for (const a of change.audit ?? []) audit.run(...auditParams(userId, a));
    if (change.outbox) outbox.run(...outboxParams(userId, change.outbox));
    return true;
  };
  const tx = db.transaction((group) => group.map(({ userId, change }) => applyOne(userId, change)));
  return (group) => tx.immediate(group);
}
