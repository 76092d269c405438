// What the SQL stores share: the statements (written once, with `?`
// placeholders; PostgreSQL gets them numbered by forPostgres) and the mapping
// from rows to the objects of the store interface (server/index.d.ts).
import { randomUUID } from 'node:crypto';

const USER_BY_ID = 'SELECT id, username, email, phone FROM users WHERE id = ?';
const OUTBOX_COLUMNS = 'user_id, channel, to_address, text, created_at, message_id, status, attempts, next_attempt_at, settled_at, last_error';

export const SQL = {
  user: USER_BY_ID,
  userAndState: 'SELECT u.id, u.username, u.email, u.phone, s.state, s.version FROM users u JOIN mfa_state s ON s.user_id = u.id WHERE u.id = ?',
  addUser: 'INSERT INTO users (id, username, email, phone, created_at) VALUES (?, ?, ?, ?, ?)',
  addState: "INSERT INTO mfa_state (user_id, state, version, updated_at) VALUES (?, '', 0, ?)",
  state: 'SELECT state, version FROM mfa_state WHERE user_id = ?',
  // CAST: PostgreSQL must know the parameter's type to test it for NULL.
  outbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE (CAST(? AS TEXT) IS NULL OR user_id = ?) ORDER BY id`,
  audit: 'SELECT at, request_id, user_id, event, mfa_type, actor, actor_admin FROM audit WHERE user_id = ? ORDER BY id',
  userIds: 'SELECT id FROM users ORDER BY id',
  compareAndSet: 'UPDATE mfa_state SET state = ?, version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?',
  insertAudit: 'INSERT INTO audit (at, request_id, user_id, event, mfa_type, actor, actor_admin) VALUES (?, ?, ?, ?, ?, ?, ?)',
  insertOutbox: "INSERT INTO outbox (user_id, channel, to_address, text, created_at, message_id, next_attempt_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
  // ISO-8601 UTC times of one format compare as text.
  purgeOutbox: "DELETE FROM outbox WHERE created_at < ? AND (status <> 'pending' OR ? = 1)",
  // A relay's claim: due, pending messages no other relay holds, leased
  // until a time (a relay that dies lets go when the lease ends).
  claimOutbox: `UPDATE outbox SET claimed_until = ? WHERE id IN (
    SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
    ORDER BY id LIMIT ?${'{lock}'}) RETURNING ${OUTBOX_COLUMNS}`,
  settleOutbox: 'UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, claimed_until = NULL, settled_at = ?, last_error = ? WHERE message_id = ?',
  outboxStats: "SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE status = 'pending'",
  // The user routes and the users CLI. An upsert reads the row first (locked
  // on PostgreSQL), then inserts (a racing insert makes this one do nothing)
  // or updates: planUserChange decides which.
  userForUpdate: `${USER_BY_ID}{lock}`,
  insertUser: 'INSERT INTO users (id, username, email, phone, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  insertStateIfAbsent: "INSERT INTO mfa_state (user_id, state, version, updated_at) VALUES (?, '', 0, ?) ON CONFLICT (user_id) DO NOTHING",
  updateUser: 'UPDATE users SET username = ?, email = ?, phone = ? WHERE id = ?',
  // Erasure: what names or reaches the person goes; the audit rows stay (they
  // hold the user id, events and times, no name, address or number).
  eraseOutbox: 'DELETE FROM outbox WHERE user_id = ?',
  eraseState: 'DELETE FROM mfa_state WHERE user_id = ?',
  eraseUser: 'DELETE FROM users WHERE id = ?',
  listUsers: 'SELECT id, username, email, phone FROM users WHERE id > ? ORDER BY id LIMIT ?',
  auditLog: `SELECT id, at, request_id, user_id, event, mfa_type, actor, actor_admin FROM audit
    WHERE (CAST(? AS TEXT) IS NULL OR user_id = ?) AND (CAST(? AS TEXT) IS NULL OR at >= ?) AND id > ?
    ORDER BY id LIMIT ?`,
  // Readiness: a commit that touches the disk, as every change does.
  probeWrite: 'INSERT INTO health (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
};

/** A statement with `?` placeholders as PostgreSQL's $1, $2, … */
export function forPostgres(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export const now = () => new Date().toISOString();

export const toUser = (r) => ({ id: r.id, username: r.username, email: r.email, phone: r.phone });
/** A row of SQL.userAndState, read as an array (its columns in order): every request reads one. */
export const toUserState = ([id, username, email, phone, state, version]) => ({ user: { id, username, email, phone }, state, version: Number(version) });
export const toOutbox = (r) => ({
  id: r.message_id, userId: r.user_id, channel: r.channel, to: r.to_address, text: r.text, createdAt: r.created_at,
  status: r.status, attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, settledAt: r.settled_at ?? null, lastError: r.last_error ?? null,
});
export const toAudit = (r) => ({
  ...(r.id !== undefined ? { seq: Number(r.id) } : {}),
  at: r.at, requestId: r.request_id, userId: r.user_id, event: r.event, mfaType: r.mfa_type,
  actor: r.actor ?? null, actorAdmin: r.actor_admin === null || r.actor_admin === undefined ? null : r.actor_admin === 1,
});

/** The parameters of SQL.insertAudit for one audit event of a change. */
export const auditParams = (userId, a) => [a.at, a.requestId ?? null, userId, a.event, a.mfaType ?? null, a.actor ?? null, adminFlag(a.actorAdmin)];
const adminFlag = (admin) => (admin === undefined || admin === null ? null : admin ? 1 : 0);
/** The parameters of SQL.insertOutbox for a change's message (created, and first due, at the decision's time). */
export const outboxParams = (userId, o) => {
  const at = o.at ?? now();
  return [userId, o.channel, o.to, o.text, at, o.id ?? randomUUID(), at];
};
/** The parameters of SQL.settleOutbox for a relay's outcome. */
export const settleParams = (id, o) => [o.status, o.attempts, o.nextAttemptAt ?? null, o.settledAt ?? null, o.lastError ?? null, id];
/** A user as stored: absent e-mail and phone are null, never "". */
export const storedUser = (u) => ({ id: u.id.toLowerCase(), username: u.username, email: u.email || null, phone: u.phone || null });

/** What an upsert of `user` does to the stored row `existing` (or none). */
export function planUserChange(existing, user) {
  if (!existing) return 'created';
  return sameUser(existing, user) ? 'unchanged' : 'updated';
}

/** Whether a stored user already says what `user` (as storedUser gives it) says. */
export const sameUser = (stored, user) =>
  stored.username === user.username && (stored.email ?? null) === user.email && (stored.phone ?? null) === user.phone;

/** The audit event of an upsert's outcome, or null for an unchanged user. */
export const userEvent = (outcome) => ({ created: 'user.created', updated: 'user.updated' })[outcome] ?? null;

/** The parameters of SQL.addUser. */
export const userParams = (u, at) => [u.id, u.username, u.email ?? null, u.phone ?? null, at];
