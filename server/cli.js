#!/usr/bin/env node
// identity-mfa: serve | users add|import|list|remove | audit | token | outbox | migrate | rekey  (docs/contract.md §7)
//
// The sidecar's packages (fastify, pino, jose, prom-client, a database
// driver) are optional peers of the package: this file loads only what every
// command can run without, checks what a command needs before running it,
// and says what to install when something is missing.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, requireProductionSettings, settingError, SETTINGS } from './config.js';
import { openStore } from './store/index.js';
import { demoConfig, isLoopback } from './demo/settings.js';
import { UUID } from './uuid.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const DRIVERS = { sqlite: 'better-sqlite3', postgres: 'pg' };

/** The peers a command needs that cannot be found, as an `npm i` line; null when none. */
function missingPeers(names) {
  const missing = names.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  return missing.length ? `npm i ${missing.map((name) => `${name}@${pkg.peerDependencies[name]}`).join(' ')}` : null;
}

class MissingPeers extends Error {}
function requirePeers(command, names) {
  const line = missingPeers(names);
  if (line) throw new MissingPeers(`identity-mfa ${command} needs packages that are not installed:\n  ${line}`);
}

const SERVE_FLAGS = Object.fromEntries(Object.values(SETTINGS).map(([, flag]) => [flag, { type: 'string' }]));

const COMMANDS = {
  serve: {
    usage: 'identity-mfa serve [--demo] [--workers N] [--host H] [--port P] [--db URL] [--<setting> VALUE ...]',
    help: `Starts the sidecar. Every IDENTITY_MFA_* variable has a flag of the same name:
${Object.values(SETTINGS).map(([variable, flag]) => `  --${flag.padEnd(17)} ${variable}`).join('\n')}
Without --demo, it refuses to start unless encryption keys, the recovery pepper and a token
setting (JWKS or HS256 secret) are configured. --demo generates them into the data folder,
adds a demo user and prints a token and curl lines (this is what \`npm start\` runs). It hands
a token to any page on this machine, so it binds a loopback address only, unless --demo-public.
--workers N runs N processes sharing the port (node:cluster); each is a full sidecar, so
use it with PostgreSQL, or SQLite on one machine. A worker that dies is replaced.`,
    options: { ...SERVE_FLAGS, demo: { type: 'boolean' }, 'demo-public': { type: 'boolean' }, workers: { type: 'string' } },
    run: serve,
  },
  'users add': {
    usage: 'identity-mfa users add --id <uuid> --username <name> [--email <addr>] [--phone <e164>]',
    help: `Adds a user to the store named by IDENTITY_MFA_DB. The username, e-mail and phone are
checked as PUT /v1/users/{id} checks them (an ASCII e-mail address, an E.164 phone number).`,
    options: { id: { type: 'string' }, username: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' }, db: { type: 'string' }, demo: { type: 'boolean' } },
    run: addUser,
  },
  'users import': {
    usage: 'identity-mfa users import <file.jsonl|file.csv> [--format jsonl|csv]',
    help: `Creates or updates users from a file: JSON Lines ({"id","username","email","phone"} per
line) or CSV with a header naming the columns id, username and optionally email, phone. Each row
is checked as a PUT /v1/users/{id} body is; a bad row is reported with its line number on stderr
and skipped, the rest go in (1000 per transaction). Running the same file again changes nothing.
Prints a summary: {"created","updated","unchanged","rejected"}; exits 1 when a row was rejected.`,
    options: { format: { type: 'string' }, db: { type: 'string' }, demo: { type: 'boolean' } },
    positionals: 1,
    run: importCommand,
  },
  'users list': {
    usage: 'identity-mfa users list',
    help: 'Prints every user, in id order, one JSON object per line: {"id","username","email","phone"}.',
    options: { db: { type: 'string' }, demo: { type: 'boolean' } },
    run: listUsers,
  },
  'users remove': {
    usage: 'identity-mfa users remove --id <uuid>',
    help: `Erases a user, as DELETE /v1/users/{id} does: their record, MFA state and outbox messages
go; the audit trail keeps its rows (no personal data) and gains user.erased.`,
    options: { id: { type: 'string' }, db: { type: 'string' }, demo: { type: 'boolean' } },
    run: removeUser,
  },
  audit: {
    usage: 'identity-mfa audit [--user <uuid>] [--since <iso time>]',
    help: `Prints the audit trail, oldest first, one JSON object per line: {"seq","at","requestId",
"userId","event","mfaType","actor","actorAdmin"}. --user keeps one user's rows; --since those at or
after a time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z).`,
    options: { user: { type: 'string' }, since: { type: 'string' }, db: { type: 'string' }, demo: { type: 'boolean' } },
    run: auditCommand,
  },
  token: {
    usage: 'identity-mfa token --sub <uuid> [--admin] [--ttl 3600]',
    help: 'Prints an HS256 token signed with IDENTITY_MFA_JWT_SECRET (development only).',
    options: { sub: { type: 'string' }, admin: { type: 'boolean' }, ttl: { type: 'string' }, 'jwt-secret': { type: 'string' }, demo: { type: 'boolean' } },
    run: token,
  },
  outbox: {
    usage: 'identity-mfa outbox [--user <uuid>] [--purge]',
    help: `Prints the messages the outbox sender holds, oldest first, one JSON object per line.
--purge deletes the messages whose code has expired instead (a running sidecar does this every
minute) and prints how many went.`,
    options: { user: { type: 'string' }, purge: { type: 'boolean' }, db: { type: 'string' }, demo: { type: 'boolean' } },
    run: outbox,
  },
  rekey: {
    usage: 'identity-mfa rekey',
    help: `Re-seals every stored TOTP secret under the first key of IDENTITY_MFA_ENCRYPTION_KEYS.
Rotate a key in three steps: put the new key first (keep the old one listed) and restart the
sidecars; run rekey; then drop the old key. Safe while sidecars serve: each state is rewritten
with a compare-and-set, and one that changed meanwhile is read again.`,
    options: { db: { type: 'string' }, 'encryption-keys': { type: 'string' }, demo: { type: 'boolean' } },
    run: rekey,
  },
  migrate: {
    usage: 'identity-mfa migrate',
    help: 'Creates or upgrades the schema of the store named by IDENTITY_MFA_DB.',
    options: { db: { type: 'string' }, demo: { type: 'boolean' } },
    run: migrate,
  },
};

class UsageError extends Error {}

function need(values, name) {
  if (!values[name]) throw new UsageError(`--${name} is required`);
  return values[name];
}

/** A required option that names a user: a UUID, as given. */
function needUuid(values, name) {
  const id = need(values, name);
  if (!UUID.test(id)) throw new UsageError(`--${name} must be a UUID`);
  return id;
}

// The configuration a command runs with: the environment and its flags, or
// with --demo, demo mode's data folder (its database and generated secrets).
function commandConfig(values) {
  const { demo, ...flags } = values;
  return demo ? demoConfig(process.env, flags).config : loadConfig(process.env, flags);
}

// Opens the configured store with its schema up to date, runs fn(store, applied).
async function withStore(values, fn, command) {
  const config = commandConfig(values);
  requirePeers(command, [DRIVERS[config.db.kind]]);
  let store;
  let applied;
  try {
    store = await openStore(config.db);
    applied = await store.migrate();
  } catch (error) {
    await store?.close().catch(() => {});
    throw settingError('db', error);
  }
  try {
    return await fn(store, applied);
  } finally {
    await store.close();
  }
}

// The CLI's actor in the audit trail.
const CLI_ACTOR = { actor: 'identity-mfa cli', actorAdmin: true };

async function addUser(values) {
  const id = needUuid(values, 'id').toLowerCase();
  need(values, 'username');
  const { checkRow } = await import('./users-import.js');
  const { user, error } = checkRow({ id, username: values.username, email: values.email, phone: values.phone });
  if (error) throw new UsageError(error);
  await withStore(values, async (store) => {
    if (await store.getUser(id)) throw new UsageError(`a user with id ${id} exists already`);
    await store.putUsers([user], CLI_ACTOR);
  }, 'users add');
  console.log(JSON.stringify(user));
}

async function importCommand(values, [file]) {
  if (!file) throw new UsageError('name the file to import: identity-mfa users import <file>');
  const { importUsers, ImportError } = await import('./users-import.js');
  const { size } = await stat(file).catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  const bar = process.stderr.isTTY ? progressBar(size) : null;
  const counts = await withStore(values, (store) => importUsers(store, file, {
    format: values.format,
    by: CLI_ACTOR,
    onProgress: bar?.update,
    onRejected: ({ line, error }) => {
      bar?.clear();
      console.error(`line ${line}: ${error}`);
    },
  }).catch((error) => {
    throw error instanceof ImportError ? new UsageError(error.message) : error;
  }), 'users import');
  bar?.clear();
  console.log(JSON.stringify(counts));
  if (counts.rejected > 0) process.exitCode = 1;
}

// One line on a terminal, redrawn in place: how much of the file is in.
function progressBar(total) {
  const width = 30;
  return {
    update({ rows, bytes }) {
      const done = total ? Math.min(1, bytes / total) : 1;
      const filled = Math.round(done * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%  ${rows} rows`);
    },
    clear() {
      process.stderr.write('\r\x1b[K');
    },
  };
}

// Prints every row `read({after, limit})` gives, page by page, one JSON per
// line; `cursor(row)` is what the next page starts after.
async function printPages(read, cursor, after) {
  const limit = 1000;
  for (;;) {
    const page = await read({ after, limit });
    for (const row of page) console.log(JSON.stringify(row));
    if (page.length < limit) return;
    after = cursor(page.at(-1));
  }
}

async function listUsers(values) {
  await withStore(values, (store) => printPages((page) => store.listUsers(page), (user) => user.id, ''), 'users list');
}

async function removeUser(values) {
  const id = needUuid(values, 'id').toLowerCase();
  await withStore(values, async (store) => {
    if (!(await store.eraseUser(id, CLI_ACTOR))) throw new UsageError(`no user with id ${id}`);
  }, 'users remove');
  console.log(JSON.stringify({ id, erased: true }));
}

async function auditCommand(values) {
  const userId = values.user?.toLowerCase() ?? null;
  if (userId !== null && !UUID.test(userId)) throw new UsageError('--user must be a UUID');
  let since = null;
  if (values.since !== undefined) {
    const time = Date.parse(values.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.since) || Number.isNaN(time)) throw new UsageError('--since must be an ISO 8601 time, e.g. 2026-11-01T08:00:00Z');
    since = new Date(time).toISOString();
  }
  await withStore(values, (store) => printPages((page) => store.auditLog({ userId, since, ...page }), (row) => row.seq, 0), 'audit');
}

async function token(values) {
  requirePeers('token', ['jose']);
  const { mintToken } = await import('./auth.js');
  const config = commandConfig(values);
  if (!config.jwtSecret) throw new UsageError('IDENTITY_MFA_JWT_SECRET is not set: tokens can only be minted with an HS256 secret');
  const sub = needUuid(values, 'sub');
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 31 * 24 * 3600) throw new UsageError('--ttl must be whole seconds, at most 31 days');
  console.log(await mintToken(config, { sub: sub.toLowerCase(), admin: values.admin === true, ttl }));
}

async function outbox(values) {
  await withStore(values, async (store) => {
    if (values.purge) {
      const { TIMINGS } = await import('identity-mfa/contract');
      console.log(`outbox messages purged: ${await store.purgeOutbox(new Date(Date.now() - TIMINGS.codeTtlMs).toISOString())}`);
      return;
    }
    for (const message of await store.readOutbox(values.user?.toLowerCase() ?? null)) console.log(JSON.stringify(message));
  }, 'outbox');
}

async function rekey(values) {
  const config = commandConfig(values);
  if (!config.encryptionKeys.length) throw new UsageError('IDENTITY_MFA_ENCRYPTION_KEYS is not set');
  // The core says where the secrets are and re-seals them through the host.
  const { loadIdentityMfa } = await import('identity-mfa');
  const { createSealingHost } = await import('identity-mfa/node');
  const mfa = await loadIdentityMfa();
  const host = createSealingHost(config.encryptionKeys);
  const { sealer } = host;
  const counts = await withStore(values, async (store) => {
    let resealed = 0;
    let current = 0;
    for (const userId of await store.userIds()) {
      for (;;) {
        const { state, version } = await store.loadState(userId);
        const secrets = mfa.storedSecrets(state);
        if (secrets === null) throw new UsageError(`the state of user ${userId} cannot be read`);
        if (secrets.every((text) => sealer.keyIdOf(text) === sealer.currentKid)) {
          current++;
          break;
        }
        const next = mfa.resealState(state, userId, host);
        if (next === null) throw new UsageError(`a secret of user ${userId} does not open with the configured keys`);
        if (await store.commit(userId, { state: next, expectedVersion: version, audit: [] })) {
          resealed++;
          break;
        }
      }
    }
    return { resealed, current };
  }, 'rekey');
  console.log(`states re-sealed under key ${sealer.currentKid}: ${counts.resealed}; already under it: ${counts.current}`);
}

async function migrate(values) {
  const applied = await withStore(values, (store, versions) => versions, 'migrate');
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');
}

async function serve(values) {
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers must be a whole number from 1 to 64');
  let config = loadConfig(process.env, values);
  requirePeers('serve', ['fastify', 'pino', 'jose', 'prom-client', values.demo && !process.env.IDENTITY_MFA_DB ? 'better-sqlite3' : DRIVERS[config.db.kind]]);
  const { buildApp } = await import('./app.js');
  const { flushLogs } = await import('./logging.js');
  const { prepareDemo, printDemo } = await import('./demo/prepare.js');
  let demo = null;
  if (values.demo && !isLoopback(config.host) && !values['demo-public']) {
    throw new UsageError(`--demo hands out tokens to any page that asks (GET /demo/session): it binds a loopback address, not ${config.host}. ` +
      'Add --demo-public to bind it anyway (the session still answers only a loopback Host).');
  }
  if (values.demo && !isLoopback(config.host)) console.error(`identity-mfa: warning: the demo listens on ${config.host}, beyond this machine`);
  if (values.demo) {
    demo = await prepareDemo(config);
    config = demo.config;
  } else {
    requireProductionSettings(config);
  }
  if (workers > 1 && cluster.isPrimary) return superviseWorkers(workers, config, demo);

  const app = await buildApp({ config, demo: demo ? { userId: demo.userId } : false });
  const url = await app.listen({ host: config.host, port: config.port });
  app.logger.info(`Server listening at ${url}`);
  if (demo && cluster.isPrimary) await printDemo(demo, app.server.address());
  if (cluster.isWorker) process.send({ listening: app.server.address() });
  // Graceful shutdown: stop accepting, let in-flight requests finish, close the store.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, async () => {
      app.logger.info(`${signal}: closing`);
      await app.close();
      app.logger.info('closed');
      await flushLogs(app.logger); // the destination is asynchronous: nothing is lost
      process.exit(0);
    });
  }
}

// The primary of `serve --workers N`: forks the workers (which share the
// port), replaces one that dies, and passes SIGTERM on for a graceful stop.
async function superviseWorkers(count, config, demo) {
  const { printDemo } = await import('./demo/prepare.js');
  // The workers accept from the shared socket themselves: a connection waits
  // in the kernel's queue until a living worker takes it. (The default
  // round-robin has the primary accept and pass each connection on; one
  // passed to a worker that is being killed is never answered.)
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  let printed = false;
  const fork = () => cluster.fork().on('message', async (message) => {
    if (message.listening && demo && !printed) {
      printed = true;
      await printDemo(demo, message.listening);
    }
  });
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`identity-mfa: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
      cluster.disconnect(() => process.exit(0));
    });
  }
}

function helpText(prefix = '') {
  const commands = Object.entries(COMMANDS).filter(([name]) => name.startsWith(prefix)).map(([, c]) => `  ${c.usage}`);
  return `identity-mfa ${pkg.version} — MFA enrollment and sign-in checks\n\n${commands.join('\n')}\n\n` +
    'Add --help to a command for its details. The package: README.md; the contract: docs/contract.md.';
}

async function main(argv) {
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(pkg.version);
    return 0;
  }
  const name = argv[0] === 'users' && COMMANDS[`users ${argv[1]}`] ? `users ${argv[1]}` : argv[0];
  const command = COMMANDS[name];
  if (!command) {
    const asked = name === undefined || name === '--help' || name === '-h' || name === 'help';
    const group = name === 'users';
    console.log(helpText(group ? 'users ' : ''));
    return asked || (group && (argv[1] === '--help' || argv[1] === '-h')) ? 0 : 2;
  }
  const rest = argv.slice(name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  const { values, positionals } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: Boolean(command.positionals) });
  if (positionals.length > (command.positionals ?? 0)) throw new UsageError(`unexpected argument: ${positionals.at(-1)}`);
  await command.run(values, positionals);
  return null;
}

// A reader that stops early (| head) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (error) => {
    if (error instanceof MissingPeers) {
      console.error(error.message);
      process.exit(2);
    }
    const known = error instanceof UsageError || error instanceof ConfigError || error.code?.startsWith?.('ERR_PARSE_ARGS');
    console.error(`identity-mfa: ${known ? error.message : `unexpected error: ${error.message}`}`);
    process.exit(known ? 2 : 1);
  },
);
