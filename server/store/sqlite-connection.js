// What both SQLite connections share: the pragmas, and the writes, which the
// writer thread runs (sqlite-writer.js): the group transaction that applies
// many changes at once, each its own compare-and-set, and decides the
// routes' writes where it applies them (server/decisions.js); and the outbox
// relay's claims and settlements.
import Database from 'better-sqlite3';
import { createDecider } from '../decisions.js';
import { SQL, auditParams, now, outboxParams, planUserChange, settleParams, storedUser, toOutbox, toUserState, userEvent } from './sql.js';

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
  // What a user's erasure deletes is overwritten in the file, not only unlinked.
  db.pragma('secure_delete = ON');
  return db;
}

class LostRace extends Error {}

/** The writes, by name, each one transaction: the writer thread's repertoire. */
export function writeOperations(db) {
  const cas = db.prepare(SQL.compareAndSet);
  const audit = db.prepare(SQL.insertAudit);
  const outbox = db.prepare(SQL.insertOutbox);
  const claim = db.prepare(SQL.claimOutbox.replace('{lock}', ''));
  const settle = db.prepare(SQL.settleOutbox);
  const purge = db.prepare(SQL.purgeOutbox);
  const probe = db.prepare(SQL.probeWrite);
  const userRow = db.prepare(SQL.userForUpdate.replace('{lock}', ''));
  const insertUser = db.prepare(SQL.insertUser);
  const insertState = db.prepare(SQL.insertStateIfAbsent);
  const updateUser = db.prepare(SQL.updateUser);
  const erase = ['eraseOutbox', 'eraseState', 'eraseUser'].map((name) => db.prepare(SQL[name]));
  const userAndState = db.prepare(SQL.userAndState).raw();
  const deciders = new Map(); // id → decideChange (server/decisions.js), one per app
  // One user created or updated, audited with `by` ({at, requestId, actor, actorAdmin}).
  const putOne = (u, by) => {
    const user = storedUser(u);
    const outcome = planUserChange(userRow.get(user.id), user);
    if (outcome === 'created') {
      insertUser.run(user.id, user.username, user.email, user.phone, by.at);
      insertState.run(user.id, by.at);
    } else if (outcome === 'updated') {
      updateUser.run(user.username, user.email, user.phone, user.id);
    }
    const event = userEvent(outcome);
    if (event) audit.run(...auditParams(user.id, { ...by, event }));
    return outcome;
  };
  // [user] → ['created' | 'updated' | 'unchanged'], one transaction.
  const putUsers = db.transaction((users, by) => users.map((u) => putOne(u, by)));
  // A change: its user first when it brings one (users just in time), then the
  // compare-and-set, the audit rows and the message.
  const applyOne = (userId, change) => {
    if (change.user) putOne(change.user, { at: now(), ...change.by });
    if (change.state !== undefined && cas.run(change.state, now(), userId, change.expectedVersion).changes !== 1) {
      if (change.user) throw new LostRace(); // undo the user's write with the rest
      return false;
    }
    for (const a of change.audit ?? []) audit.run(...auditParams(userId, a));
    if (change.outbox) outbox.run(...outboxParams(userId, change.outbox));
    return true;
  };
  // Each change of a group in a savepoint of its own: one that lost its race
  // leaves nothing, the others still commit.
  const applyAlone = db.transaction((userId, change) => applyOne(userId, change));
  const commitOne = ({ userId, change }) => {
    if (!change.user) return applyOne(userId, change);
    try {
      return applyAlone(userId, change);
    } catch (error) {
      if (error instanceof LostRace) return false;
      throw error;
    }
  };
  // A route's write, decided on the state it reads and applied, in a
  // savepoint of its own. The group's transaction holds the write lock from
  // before the read: no other connection can write in between, so its
  // compare-and-set cannot lose.
  const decideAlone = db.transaction((decideChange, request) => {
    const row = userAndState.get(request.userId);
    const { answer, change } = decideChange(request, row ? toUserState(row) : null);
    if (change && !applyOne(request.userId, change)) throw new Error('a compare-and-set lost under the write lock');
    return answer;
  });
  // One that fails (a constraint, a fault) answers { failed } and leaves
  // nothing; the rest of the group still commits.
  const decideOne = ({ decider, request }) => {
    try {
      return decideAlone(deciders.get(decider), request);
    } catch (error) {
      return { failed: error.message };
    }
  };
  const group = db.transaction((items) => items.map((item) => (item.request ? decideOne(item) : commitOne(item))));
  const eraseOne = db.transaction((userId, by) => {
    const [outbox, state, user] = erase;
    outbox.run(userId);
    state.run(userId);
    if (user.run(userId).changes !== 1) return false;
    audit.run(...auditParams(userId, { ...by, event: 'user.erased' }));
    return true;
  });
  const settleOne = db.transaction((messageId, outcome, event) => {
    settle.run(...settleParams(messageId, outcome));
    if (event) audit.run(...auditParams(event.userId, event));
  });
  return {
    /** [{userId, change} → applied? | {decider, request} → answer or {failed}] */
    group: (items) => group.immediate(items),
    /** Registers deciderOptions (server/decisions.js) under `id`. */
    decider: (id, options) => {
      deciders.set(id, createDecider(options));
      return true;
    },
    claim: (at, until, limit) => claim.all(until, at, at, limit).map(toOutbox),
    settle: (messageId, outcome, event) => {
      settleOne.immediate(messageId, outcome, event);
      return true;
    },
    purge: (before, all) => purge.run(before, all ? 1 : 0).changes,
    probe: () => probe.run(now()).changes,
    putUsers: (users, by) => putUsers.immediate(users, by),
    // The erased rows leave the write-ahead log too: its old pages held them.
    erase: (userId, by) => {
      const erased = eraseOne.immediate(userId, by);
      if (erased) db.pragma('wal_checkpoint(TRUNCATE)');
      return erased;
    },
  };
}
