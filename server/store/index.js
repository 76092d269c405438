// Opens the store named by IDENTITY_MFA_DB. Every store implements:
//   migrate() → versions applied      ping()
//   addUser({id, username, email?, phone?})   getUser(id) → user | null
//   loadState(userId) → {state, version}
//   loadUserState(userId) → {user, state, version} | null   (one read per request)
//   commit(userId, {state?, expectedVersion, audit[], outbox?}) → applied?
//   readOutbox(userId?)   readAudit(userId)   close()
// The routes use nothing else, so a PostgreSQL store slots in beside this one.
import { SqliteStore } from './sqlite.js';

export async function openStore(db) {
  if (db.kind === 'sqlite') return new SqliteStore(db.path);
  throw new Error(`the ${db.kind} store is not available yet: use sqlite:<path>`);
}
