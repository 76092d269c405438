// A real sidecar for tests: a real SQLite file in a temp folder, real HTTP on
// an ephemeral loopback port, an injectable clock, and captured logs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes, randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildApp, loadConfig, mintToken } from 'identity-mfa/server';

export const T0 = Date.UTC(2027, 0, 15, 8, 0, 10);

/** A clock tests move by hand: no sleeps. */
export function manualClock(start = T0) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

// The server suite runs once per backend: IDENTITY_MFA_TEST_DB=sqlite (the
// default) or postgres, with a throwaway server from scripts/with-postgres.sh.
export const BACKEND = process.env.IDENTITY_MFA_TEST_DB ?? 'sqlite';

/** A fresh database for one test: its IDENTITY_MFA_DB value, raw access, and drop(). */
export async function testDatabase(dir, backend = BACKEND) {
  if (backend === 'sqlite') {
    const file = join(dir, 'test.db');
    return { url: `sqlite:${file}`, raw: sqliteRaw(file), drop: async () => {} };
  }
  const admin = process.env.IDENTITY_MFA_TEST_PG;
  if (!admin) throw new Error('IDENTITY_MFA_TEST_DB=postgres needs IDENTITY_MFA_TEST_PG (scripts/with-postgres.sh)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  return { url, raw: postgresRaw(url), drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(url, sql) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Raw access for tests that tamper with or inspect what is stored.
function sqliteRaw(file) {
  const open = () => new Database(file);
  const run = (fn) => {
    const db = open();
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    state: async (userId) => run((db) => db.prepare('SELECT state FROM mfa_state WHERE user_id = ?').get(userId).state),
    setState: async (userId, text) => run((db) => db.prepare('UPDATE mfa_state SET state = ? WHERE user_id = ?').run(text, userId)),
    exec: async (sql) => run((db) => db.prepare(sql).run()),
    // A store fault: writing the audit event `event` fails, inside the commit.
    failAudit: async (event) => run((db) => db.exec(
      `CREATE TRIGGER injected_fault BEFORE INSERT ON audit WHEN NEW.event = '${event}' BEGIN SELECT RAISE(ABORT, 'injected store fault'); END`)),
    clearFault: async () => run((db) => db.exec('DROP TRIGGER injected_fault')),
    // Every byte at rest: the database file and its write-ahead log.
    atRest: async () => ['', '-wal'].map((suffix) => {
      try {
        return readFileSync(file + suffix).toString('latin1');
      } catch {
        return '';
      }
    }).join(''),
  };
}

function postgresRaw(url) {
  const run = async (sql, params) => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  return {
    state: async (userId) => (await run('SELECT state FROM mfa_state WHERE user_id = $1', [userId])).rows[0].state,
    setState: async (userId, text) => run('UPDATE mfa_state SET state = $1 WHERE user_id = $2', [text, userId]),
    exec: async (sql) => run(sql),
    failAudit: async (event) => {
      await run("CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected store fault'; END $$");
      await run(`CREATE TRIGGER injected_fault BEFORE INSERT ON audit FOR EACH ROW WHEN (NEW.event = '${event}') EXECUTE FUNCTION injected_fault()`);
    },
    clearFault: async () => run('DROP TRIGGER injected_fault ON audit; DROP FUNCTION injected_fault()'),
    // Every row of every table, as text.
    atRest: async () => {
      const tables = ['users', 'mfa_state', 'audit', 'outbox'];
      const dumps = await Promise.all(tables.map((t) => run(`SELECT row_to_json(t)::text AS row FROM ${t} t`)));
      return dumps.flatMap((r) => r.rows.map((row) => row.row)).join('\n');
    },
  };
}

/**
 * A temp folder and a fresh database removed after test `t`, and the
 * environment a sidecar or the CLI needs for them: { dir, database, env }.
 */
export async function tempDatabase(t, prefix = 'identity-mfa-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const database = await testDatabase(dir);
  t.after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, database, env: testEnv(dir, { IDENTITY_MFA_DB: database.url }) };
}

export function testEnv(dir, extra = {}) {
  return {
    IDENTITY_MFA_DB: `sqlite:${join(dir, 'test.db')}`,
    IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64'),
    IDENTITY_MFA_JWT_SECRET: randomBytes(32).toString('base64url'),
    ...extra,
  };
}

/**
 * Starts a sidecar. Returns { url, app, store, config, clock, logs(), dir,
 * token(sub, opts), addUser(user?), request(method, path, opts), restart(), close() }.
 */
export async function startServer({ env = {}, clock = manualClock(), dir, database, relayIntervalMs = 0 } = {}) {
  dir ??= mkdtempSync(join(tmpdir(), 'identity-mfa-server-'));
  database ??= await testDatabase(dir);
  const config = loadConfig(testEnv(dir, { IDENTITY_MFA_DB: database.url, ...env }));
  const lines = [];
  const stream = new Writable({
    write(chunk, encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  let app;
  let url;
  async function boot() {
    // No relay timer by default: tests run the relay with app.relay.runOnce().
    app = await buildApp({ config, clock, logger: { stream }, relayIntervalMs });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${app.server.address().port}`;
  }
  await boot();

  // Every response of an MFA route, in every test, must match the schema
  // /openapi.json gives for its route and status.
  let validators = null;
  async function checkAgainstOpenApi(method, path, response) {
    if (!validators) {
      const doc = await (await fetch(`${url}/openapi.json`)).json();
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema({ $id: 'openapi', components: doc.components });
      validators = { doc, ajv };
    }
    const { doc, ajv } = validators;
    const template = new URL(path, url).pathname.replace(/^\/v1\/users\/[^/]+/, '/v1/users/{id}');
    const operation = doc.paths[template]?.[method.toLowerCase()];
    const documented = operation?.responses[response.status];
    if (!operation) {
      // Not a route: the catalog's 404 is the only answer (a HEAD answer has its status and no body).
      const notFound = method === 'HEAD' ? response.status === 404 && response.text === '' : response.json?.code === 'IDE-0908';
      if (!notFound) throw new Error(`${method} ${path}: undocumented route answered ${response.status} ${response.text}`);
      return;
    }
    if (!documented) throw new Error(`${method} ${template}: status ${response.status} is not documented`);
    const validate = ajv.getSchema(documented.content['application/json'].schema.$ref.replace('#/', 'openapi#/'));
    if (!validate(response.json)) {
      throw new Error(`${method} ${template} ${response.status} does not match /openapi.json: ${ajv.errorsText(validate.errors)}`);
    }
  }

  const server = {
    config,
    clock,
    dir,
    database,
    raw: database.raw,
    get app() { return app; },
    get store() { return app.store; },
    get url() { return url; },
    logs: () => lines.join(''),
    token: (sub, options = {}) => mintToken(config, { sub, now: clock(), ...options }),
    async addUser(user = {}) {
      const id = user.id ?? randomUUID();
      await app.store.addUser({ id, username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100', ...user, id });
      return id;
    },
    /** fetch with JSON defaults; `body` objects are sent as JSON text. */
    async request(method, path, { token, body, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let payload = body;
      if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) payload = JSON.stringify(body);
      if (payload !== undefined && !('content-type' in h)) h['content-type'] = 'application/json';
      const response = await fetch(url + path, { method, headers: h, body: payload });
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const result = { status: response.status, headers: response.headers, text, json };
      if (path.startsWith('/v1/')) await checkAgainstOpenApi(method, path, result);
      return result;
    },
    async restart() {
      await app.close();
      await boot();
    },
    async close() {
      await app.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A user with a token, and shortcuts for their MFA routes. */
export async function userSession(server, user) {
  const id = await server.addUser(user);
  const token = await server.token(id);
  const call = (method, suffix, body, extra = {}) => server.request(method, `/v1/users/${id}/mfa${suffix}`, { token, body, ...extra });
  return {
    id,
    token,
    call,
    status: (extra) => call('GET', '', undefined, extra),
    setup: (mfaType) => call('POST', '/setup', { mfaType }),
    verify: (body) => call('POST', '/verify', body),
    enable: (body) => call('POST', '/enable', body),
  };
}
