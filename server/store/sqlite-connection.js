// What both SQLite connections share: the pragmas, and the group transaction
// that applies many changes at once, each its own compare-and-set.
import Database from 'better-sqlite3';

export const now = () => new Date().toISOString();

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
  const cas = db.prepare('UPDATE mfa_state SET state = ?, version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?');
  const audit = db.prepare('INSERT INTO audit (at, request_id, user_id, event, mfa_type) VALUES (?, ?, ?, ?, ?)');
  const outbox = db.prepare('INSERT INTO outbox (user_id, channel, to_address, text, created_at) VALUES (?, ?, ?, ?, ?)');
  const applyOne = (userId, change) => {
    if (change.state !== undefined && cas.run(change.state, now(), userId, change.expectedVersion).changes !== 1) return false;
    for (const a of change.audit ?? []) audit.run(a.at, a.requestId ?? null, userId, a.event, a.mfaType ?? null);
    if (change.outbox) outbox.run(userId, change.outbox.channel, change.outbox.to, change.outbox.text, now());
    return true;
  };
  const tx = db.transaction((group) => group.map(({ userId, change }) => applyOne(userId, change)));
  return (group) => tx.immediate(group);
}
