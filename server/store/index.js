// The stores behind the routes, chosen by the scheme of IDENTITY_MFA_DB from
// one table. Every store implements the interface server/index.d.ts declares
// (Store) and passes the conformance suite in tests/store/conformance.js; a
// third backend is one more row here and one more module.

/** Backends by URL scheme; `open` loads its driver only when used (an optional peer dependency). */
export const BACKENDS = [
  {
    kind: 'sqlite',
    example: 'sqlite:./data/identity-mfa.db',
    matches: (url) => url.startsWith('sqlite:'),
    parse: (url) => {
      const path = url.slice('sqlite:'.length);
      if (!path) throw new StoreUrlError('sqlite: needs a file path, e.g. sqlite:./data/identity-mfa.db');
      return { kind: 'sqlite', path };
    },
    open: async (db) => new (await import('./sqlite.js')).SqliteStore(db.path),
  },
  {
    kind: 'postgres',
    example: 'postgres://user:password@host:5432/database',
    matches: (url) => /^postgres(ql)?:\/\//.test(url),
    parse: (url) => ({ kind: 'postgres', url }),
    open: async (db) => new (await import('./postgres.js')).PostgresStore(db.url),
  },
];

/** A database URL no backend takes. */
export class StoreUrlError extends Error {}

/** The store a URL names, as {kind, …}; StoreUrlError for any other. */
export function parseStoreUrl(url) {
  const backend = BACKENDS.find((b) => b.matches(url));
  if (!backend) throw new StoreUrlError(`no store for "${url.replace(/\/\/[^@/]*@/, '//…@')}": use ${BACKENDS.map((b) => b.example).join(' or ')}`);
  return backend.parse(url);
}

/** Opens (does not migrate) the store a parsed URL names. */
export async function openStore(db) {
  const backend = BACKENDS.find((b) => b.kind === db?.kind);
  if (!backend) throw new StoreUrlError(`no store of kind ${db?.kind}: ${BACKENDS.map((b) => b.kind).join(', ')}`);
  return backend.open(db);
}
