// Versioned schema migrations, applied in order, each once, in a transaction
// (`identity-mfa migrate`, and at start). Append new versions; never edit
// an applied one. Each version gives its SQL per dialect; what the two share
// is written once.

const DIALECTS = {
  sqlite: { serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' },
  postgres: { serial: 'BIGSERIAL PRIMARY KEY' },
};

const tables = ({ serial }) => `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE mfa_state (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    state TEXT NOT NULL,          -- the core's state, TOTP secrets sealed
    version INTEGER NOT NULL,     -- bumped by every write: the compare-and-set
    updated_at TEXT NOT NULL
  );
  CREATE TABLE audit (
    id ${serial},
    at TEXT NOT NULL,
    request_id TEXT,
    user_id TEXT NOT NULL,
    event TEXT NOT NULL,
    mfa_type TEXT
  );
  CREATE INDEX audit_user ON audit(user_id, id);
  CREATE TABLE outbox (
    id ${serial},
    user_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    to_address TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX outbox_user ON outbox(user_id, id);
`;

// The audit trail is append-only: the database itself refuses changes.
const appendOnlyAudit = {
  sqlite: `
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
  `,
  postgres: `
    CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
    CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
      FOR EACH ROW EXECUTE FUNCTION audit_append_only();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
      FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
  `,
};

const version1 = Object.fromEntries(Object.entries(DIALECTS).map(([name, dialect]) => [name, tables(dialect) + appendOnlyAudit[name]]));

export const migrations = [
  {
    version: 1,
    description: 'users, MFA state with a version for compare-and-set, append-only audit, outbox',
    ...version1,
  },
  {
    version: 2,
    description: 'the actor of every audit event: the token subject, and whether it was an admin',
    sqlite: 'ALTER TABLE audit ADD COLUMN actor TEXT; ALTER TABLE audit ADD COLUMN actor_admin INTEGER;',
    postgres: 'ALTER TABLE audit ADD COLUMN actor TEXT; ALTER TABLE audit ADD COLUMN actor_admin INTEGER;',
  },
  {
    version: 3,
    description: 'a transactional outbox: each message has an id (its idempotency key), a status, attempts, a lease',
    ...Object.fromEntries(['sqlite', 'postgres'].map((dialect) => [dialect, `
      ALTER TABLE outbox ADD COLUMN message_id TEXT;
      ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
      ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
      ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
      ALTER TABLE outbox ADD COLUMN settled_at TEXT;
      ALTER TABLE outbox ADD COLUMN last_error TEXT;
      UPDATE outbox SET message_id = 'legacy-' || id, next_attempt_at = created_at;
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
    `])),
  },
  {
    version: 4,
    description: 'a one-row table that readiness writes to: ready means able to commit',
    sqlite: 'CREATE TABLE health (id INTEGER PRIMARY KEY, at TEXT NOT NULL);',
    postgres: 'CREATE TABLE health (id INTEGER PRIMARY KEY, at TEXT NOT NULL);',
  },
  {
    version: 5,
    // Every write appends audit rows; an index whose key starts with a
    // random user id put each of them on a page of its own, written to the
    // log and checkpointed again. The trail is read in time order.
    description: 'the audit trail is kept in time order only: no per-user index',
    sqlite: 'DROP INDEX IF EXISTS audit_user;',
    postgres: 'DROP INDEX IF EXISTS audit_user;',
  },
];
