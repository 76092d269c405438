// The store for many sidecars: PostgreSQL through a pg connection pool.
//
// Every change is one statement, so one transaction: a compare-and-set on the
// state's version (an UPDATE takes the row lock; a concurrent one re-checks the
// version after it and finds it moved), with the audit rows and the outbox
// message written only if it hit. READ COMMITTED is enough for that. Migrations take an advisory lock, so several
// processes starting at once apply each version once. Every query has a
// bounded time: an outage answers fast instead of hanging.
import pg from 'pg';
import { migrations } from './migrations.js';
import { SQL, auditParams, forPostgres, now, outboxParams, planUserChange, settleParams, storedUser, toAudit, toOutbox, toUser, toUserState, userEvent, userParams } from './sql.js';

const MIGRATION_LOCK = 723100431; // any constant, the same in every process
const Q = Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, forPostgres(sql)]));
// Relays in several processes skip the messages another holds.
const CLAIM = Q.claimOutbox.replace('{lock}', ' FOR UPDATE SKIP LOCKED');
const USER_FOR_UPDATE = Q.userForUpdate.replace('{lock}', ' FOR UPDATE');

// The statements of every request are named, so each pooled connection
// parses and plans them once: the read of user and state, and a decision's
// writes as one statement (the compare-and-set, or with no new state just the
// user id; then the audit rows and the outbox message only if it hit).
const USER_AND_STATE = { name: 'user-and-state', text: Q.userAndState, rowMode: 'array' }; // rows as toUserState reads them
const USER_AND_STATE_LOCKED = { name: 'user-and-state-locked', text: `${Q.userAndState} FOR UPDATE OF s`, rowMode: 'array' };
const changeStatement = (target) => `
  WITH hit AS (${target}),
  audit_rows AS (
    INSERT INTO audit (at, request_id, user_id, event, mfa_type, actor, actor_admin)
    SELECT a.at, a.request_id, hit.user_id, a.event, a.mfa_type, a.actor, a.actor_admin
    FROM hit, jsonb_to_recordset($2::jsonb) AS a(at text, request_id text, event text, mfa_type text, actor text, actor_admin integer)
  ),
  outbox_rows AS (
    INSERT INTO outbox (user_id, channel, to_address, text, created_at, message_id, next_attempt_at, status)
    SELECT hit.user_id, o.channel, o.to_address, o.text, o.created_at, o.message_id, o.created_at, 'pending'
    FROM hit, jsonb_to_recordset($3::jsonb) AS o(channel text, to_address text, text text, created_at text, message_id text)
  )
  SELECT count(*)::int AS hits FROM hit`;
const CHANGE = {
  name: 'change-state',
  text: changeStatement('UPDATE mfa_state SET state = $4, version = version + 1, updated_at = $5 WHERE user_id = $1 AND version = $6 RETURNING user_id'),
};
const APPEND = { name: 'change-append', text: changeStatement('SELECT $1::text AS user_id') };

// A batch's user was created by another transaction after the batch read.
class CreatedMeanwhile extends Error {}

export class PostgresStore {
  constructor(url, { poolSize = 10 } = {}) {
    this.kind = 'postgres';
    this.pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 3000,
      query_timeout: 5000,
      statement_timeout: 5000,
      idleTimeoutMillis: 30000,
    });
    // A backend that dies (a restart, a network cut) must not crash the process.
    this.pool.on('error', () => {});
    this.lockedDecisions = new Map(); // userId → the last locked decision's end (decideLocked)
  }

  async transaction(fn) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query(result === false ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async migrate() {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const pending = migrations.filter((m) => !applied.has(m.version));
      for (const m of pending) {
        await client.query(m.postgres);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, now()]);
      }
      return pending.map((m) => m.version);
    });
  }

  async ping() {
    await this.pool.query('SELECT 1');
  }

  async probeWrite() {
    await this.pool.query(Q.probeWrite, [now()]);
  }

  async addUser(u) {
    await this.transaction(async (client) => {
      const at = now();
      await client.query(Q.addUser, userParams(u, at));
      await client.query(Q.addState, [u.id, at]);
    });
  }

  async getUser(id) {
    const { rows } = await this.pool.query(Q.user, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async loadUserState(userId) {
    const { rows } = await this.pool.query({ ...USER_AND_STATE, values: [userId] });
    return rows[0] ? toUserState(rows[0]) : null;
  }

  async loadState(userId) {
    const { rows } = await this.pool.query(Q.state, [userId]);
    return rows[0] ?? { state: '', version: 0 };
  }

  // One statement, so one round trip and its own transaction: the
  // compare-and-set, and the audit rows and outbox message only if it hit.
  // A change that brings its user (users just in time) writes the user
  // first, in the same transaction.
  async commit(userId, change) {
    if (!change.user) return this.applyChange(this.pool, userId, change);
    return this.transaction((client) => this.applyWithUser(client, userId, change));
  }

  // In a transaction: the user a change brings (users just in time), then the change.
  async applyWithUser(client, userId, change) {
    if (change.user) await this.putOne(client, storedUser(change.user), { at: now(), ...change.by });
    return this.applyChange(client, userId, change);
  }

  /**
   * A decision that cannot lose its compare-and-set: `decideChange(loaded)`
   * on the user's state read under its row lock, and its change applied in
   * the same transaction. Concurrent ones wait for the lock (within the
   * statement timeout). server/decisions.js comes here after lost races.
   * Null when there was no row to lock and another request created the user
   * meanwhile: nothing is written, and the caller decides again.
   *
   * One at a time per user in this process: the others wait here, not on the
   * row lock holding a pooled connection each, so a flood of writes to one
   * user (one stolen token is enough) cannot take every connection of the
   * pool from the other users.
   */
  async decideLocked(userId, decideChange) {
    const before = this.lockedDecisions.get(userId);
    let done;
    const mine = new Promise((resolve) => { done = resolve; });
    this.lockedDecisions.set(userId, mine);
    try {
      await before;
      return await this.decideUnderRowLock(userId, decideChange);
    } finally {
      done();
      if (this.lockedDecisions.get(userId) === mine) this.lockedDecisions.delete(userId);
    }
  }

  async decideUnderRowLock(userId, decideChange) {
    const decided = await this.transaction(async (client) => {
      const { rows } = await client.query({ ...USER_AND_STATE_LOCKED, values: [userId] });
      const { answer, change } = decideChange(rows[0] ? toUserState(rows[0]) : null);
      if (change && !(await this.applyWithUser(client, userId, change))) return false; // rolled back
      return { answer };
    });
    return decided ? decided.answer : null;
  }

  async applyChange(db, userId, change) {
    const audit = JSON.stringify((change.audit ?? []).map((a) => {
      const [at, requestId, , event, mfaType, actor, actorAdmin] = auditParams(userId, a);
      return { at, request_id: requestId, event, mfa_type: mfaType, actor, actor_admin: actorAdmin };
    }));
    const outbox = JSON.stringify(change.outbox ? [outboxParams(userId, change.outbox)].map(([, channel, to_address, text, created_at, message_id]) => ({ channel, to_address, text, created_at, message_id })) : []);
    const params = [userId, audit, outbox];
    if (change.state !== undefined) params.push(change.state, now(), change.expectedVersion);
    const { rows } = await db.query({ ...(change.state === undefined ? APPEND : CHANGE), values: params });
    return rows[0].hits === 1;
  }

  /**
   * Creates or updates users in one transaction: ['created' | 'updated' |
   * 'unchanged'] in order. A batch is five statements whatever its size;
   * when another transaction creates one of its users meanwhile, the batch
   * is done again a row at a time.
   */
  async putUsers(users, by = {}) {
    const context = { at: now(), ...by };
    const list = users.map(storedUser);
    try {
      return await this.transaction((client) => this.putBatch(client, list, context));
    } catch (error) {
      if (!(error instanceof CreatedMeanwhile)) throw error;
      return this.transaction(async (client) => {
        const outcomes = [];
        for (const u of list) outcomes.push(await this.putOne(client, u, context));
        return outcomes;
      });
    }
  }

  async putBatch(client, list, by) {
    const ids = [...new Set(list.map((u) => u.id))];
    const { rows } = await client.query('SELECT id, username, email, phone FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
    const current = new Map(rows.map((r) => [r.id, toUser(r)]));
    const created = new Map();
    const updated = new Map();
    const audit = [];
    const outcomes = list.map((u) => {
      const outcome = planUserChange(current.get(u.id), u);
      if (outcome === 'unchanged') return outcome;
      // A user named twice in one batch: the later row wins, as it would one row at a time.
      (outcome === 'created' || created.has(u.id) ? created : updated).set(u.id, u);
      current.set(u.id, u);
      const [at, request_id, user_id, event, , actor, actor_admin] = auditParams(u.id, { ...by, event: userEvent(outcome) });
      audit.push({ at, request_id, user_id, event, actor, actor_admin });
      return outcome;
    });
    const json = (map) => JSON.stringify([...map.values()]);
    const records = 'jsonb_to_recordset($1::jsonb) AS u(id text, username text, email text, phone text)';
    if (created.size) {
      const inserted = await client.query(`INSERT INTO users (id, username, email, phone, created_at)
        SELECT u.id, u.username, u.email, u.phone, $2 FROM ${records} ON CONFLICT (id) DO NOTHING RETURNING id`, [json(created), by.at]);
      if (inserted.rowCount !== created.size) throw new CreatedMeanwhile();
      await client.query(`INSERT INTO mfa_state (user_id, state, version, updated_at) SELECT u.id, '', 0, $2 FROM ${records}`, [json(created), by.at]);
    }
    if (updated.size) {
      await client.query(`UPDATE users SET username = u.username, email = u.email, phone = u.phone FROM ${records} WHERE users.id = u.id`, [json(updated)]);
    }
    if (audit.length) {
      await client.query(`INSERT INTO audit (at, request_id, user_id, event, actor, actor_admin)
        SELECT a.at, a.request_id, a.user_id, a.event, a.actor, a.actor_admin
        FROM jsonb_to_recordset($1::jsonb) AS a(at text, request_id text, user_id text, event text, actor text, actor_admin integer)`, [JSON.stringify(audit)]);
    }
    return outcomes;
  }

  async putOne(client, user, by) {
    let outcome = planUserChange((await client.query(USER_FOR_UPDATE, [user.id])).rows[0], user);
    if (outcome === 'created') {
      const inserted = await client.query(Q.insertUser, [user.id, user.username, user.email, user.phone, by.at]);
      if (inserted.rowCount === 1) {
        await client.query(Q.insertStateIfAbsent, [user.id, by.at]);
      } else {
        // Another transaction created it since the read: now it is an update.
        outcome = planUserChange((await client.query(USER_FOR_UPDATE, [user.id])).rows[0], user);
      }
    }
    if (outcome === 'updated') await client.query(Q.updateUser, [user.username, user.email, user.phone, user.id]);
    const event = userEvent(outcome);
    if (event) await client.query(Q.insertAudit, auditParams(user.id, { ...by, event }));
    return outcome;
  }

  /** Erases a user (their row, state and messages; the audit trail keeps its rows): false when unknown. */
  async eraseUser(userId, by = {}) {
    const context = { at: now(), ...by };
    return this.transaction(async (client) => {
      await client.query(Q.eraseOutbox, [userId]);
      await client.query(Q.eraseState, [userId]);
      if ((await client.query(Q.eraseUser, [userId])).rowCount !== 1) return false;
      await client.query(Q.insertAudit, auditParams(userId, { ...context, event: 'user.erased' }));
      return true;
    });
  }

  /** Users in id order, after `after` (an id, or '' for the first page). */
  async listUsers({ after = '', limit = 1000 } = {}) {
    return (await this.pool.query(Q.listUsers, [after, limit])).rows.map(toUser);
  }

  /** Audit rows oldest first, each with its `seq`; `after` is the last seq read. */
  async auditLog({ userId = null, since = null, after = 0, limit = 1000 } = {}) {
    return (await this.pool.query(Q.auditLog, [userId, userId, since, since, after, limit])).rows.map(toAudit);
  }

  async userIds() {
    return (await this.pool.query(Q.userIds)).rows.map((r) => r.id);
  }

  async readOutbox(userId = null) {
    return (await this.pool.query(Q.outbox, [userId, userId])).rows.map(toOutbox);
  }

  async readAudit(userId) {
    return (await this.pool.query(Q.audit, [userId])).rows.map(toAudit);
  }

  async purgeOutbox(before, { all = true } = {}) {
    return (await this.pool.query(Q.purgeOutbox, [before, all ? 1 : 0])).rowCount;
  }

  async claimOutbox(at, until, limit) {
    return (await this.pool.query(CLAIM, [until, at, at, limit])).rows.map(toOutbox);
  }

  async settleOutbox(messageId, outcome, event = null) {
    await this.transaction(async (client) => {
      await client.query(Q.settleOutbox, settleParams(messageId, outcome));
      if (event) await client.query(Q.insertAudit, auditParams(event.userId, event));
    });
  }

  async outboxStats() {
    const { rows } = await this.pool.query(Q.outboxStats);
    return { pending: Number(rows[0].pending), oldest: rows[0].oldest ?? null };
  }

  async close() {
    await this.pool.end();
  }
}
