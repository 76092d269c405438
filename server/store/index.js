// Opens the store named by IDENTITY_MFA_DB. Every store implements:
//   migrate() → versions applied      ping()
//   addUser({id, username, email?, phone?})   getUser(id) → user | null
//   loadState(userId) → {state, version}
//   loadUserState(userId) → {user, state, version} | null   (one read per request)
//   commit(userId, {state?, expectedVersion, audit[], outbox?}) → applied?
//   readOutbox(userId?)   readAudit(userId)   userIds()   close()
// The routes use nothing else, so a PostgreSQL store slots in beside this one.
export async function openStore(db) {
  // Each backend's driver is loaded only when used: it is an optional peer dependency.
  if (db.kind === 'sqlite') {
    const { SqliteStore } = await import('./sqlite.js');
    return new SqliteStore(db.path);
  }
  const { PostgresStore } = await import('./postgres.js');
  return new PostgresStore(db.url);
}
