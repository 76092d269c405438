// What both SQLite connections share: the pragmas, and the writes, which the
// writer thread runs (sqlite-writer.js): the group transaction that applies
// many changes at once, each its own compare-and-set; and the outbox relay's
// claims and settlements.
import Database from 'better-sqlite3';
import { SQL, auditParams, now, outboxParams, settleParams, toOutbox } from './sql.js';

export function openConnection(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The write-ahead log is checkpointed every 1 MB (not 4) and cut back to
  // 1 MB after each checkpoint: it cannot fill a small volume by itself.
  db.pragma('wal_autocheckpoint = 256');
  db.pragma('journal_size_limit = 1048576');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** The writes, by name, each one transaction: the writer thread's repertoire. */
export function writeOperations(db) {
  const cas = db.prepare(SQL.compareAndSet);
  const audit = db.prepare(SQL.insertAudit);
  const outbox = db.prepare(SQL.insertOutbox);
  const claim = db.prepare(SQL.claimOutbox.replace('{lock}', ''));
  const settle = db.prepare(SQL.settleOutbox);
  const purge = db.prepare(SQL.purgeOutbox);
  const probe = db.prepare(SQL.probeWrite);
  const applyOne = (userId, change) => {
    if (change.state !== undefined && cas.run(change.state, now(), userId, change.expectedVersion).changes !== 1) return false;
    for (const a of change.audit ?? []) audit.run(...auditParams(userId, a));
    if (change.outbox) outbox.run(...outboxParams(userId, change.outbox));
    return true;
  };
  const group = db.transaction((changes) => changes.map(({ userId, change }) => applyOne(userId, change)));
  const settleOne = db.transaction((messageId, outcome, event) => {
    settle.run(...settleParams(messageId, outcome));
    if (event) audit.run(...auditParams(event.userId, event));
  });
  return {
    /** [{userId, change}] → [applied?] */
    group: (changes) => group.immediate(changes),
    claim: (at, until, limit) => claim.all(until, at, at, limit).map(toOutbox),
    settle: (messageId, outcome, event) => {
      settleOne.immediate(messageId, outcome, event);
      return true;
    },
    purge: (before, all) => purge.run(before, all ? 1 : 0).changes,
    probe: () => probe.run(now()).changes,
  };
}
