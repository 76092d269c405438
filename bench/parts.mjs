// npm run bench:parts — the parts of a request that docs/performance.md
// names, each alone in one process, in µs per call (the median of 5 rounds
// measured in this run; no figure is asserted anywhere):
//   decide      the core's decision per operation, through the Node host
//               (secrets sealed under a key, as the server runs it)
//   token       an HS256 bearer token not seen before, verified
//   hmac        node:crypto against the JavaScript HMAC-SHA-256 with the
//               key's pads hashed once (js/keyed-sha256.js): for a token's
//               bytes, and for a TOTP step's 8 bytes under a key of its own
//   hand-off    a write's request and answer between two threads
//               (postMessage), one per message and five per message: the
//               CPU of both threads per write
//   writer      the writer thread's work without the thread: setup, verify
//               and enable for 20 000 users of a SQLite file, decided and
//               committed in groups of five (synchronous=FULL), CPU per
//               write, the kernel's side of the fsync included
//   read        a status request's read of user and state on a SQLite file
//               of 20 000 users (the event loop's connection), each read in
//               its own read transaction as the server does it, beside 16
//               reads to one transaction
//   access line the sidecar's access line to a file, CPU per line, beside
//               the same line through pino and its asynchronous destination
//               (4 KB a write): the event loop turns every 16 lines, as it
//               does between a server's requests
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { Worker, isMainThread, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import pino from 'pino';
import { decide } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { loadConfig, mintToken, openStore } from 'identity-mfa/server';
import { keyedSha256 } from '../js/keyed-sha256.js';
import { deciderOptions } from '../server/decisions.js';
import { createLoggers, gatheredDestination } from '../server/logging.js';
import { openConnection, writeOperations } from '../server/store/sqlite-connection.js';
import { verifyHs256 } from '../server/hs256.js';
import { totp } from '../tests/vectors/src/reference.mjs';
import { median, timePerCall } from './timing.mjs';

const ROUNDS = 5;
// µs per call of fn(i), warmed a quarter of its calls first.
const perCall = (fn, calls) => timePerCall(fn, { calls, rounds: ROUNDS, warm: calls / 4 }) / 1000;

const print = (name, us) => console.log(`${name.padEnd(44)} ${us.toFixed(2).padStart(7)} µs`);

// The other thread of the hand-off: answers each request it takes, in a
// message of its own or all together, as the message asked.
if (!isMainThread) {
  parentPort.on('message', (first) => {
    const taken = [first];
    for (let next = receiveMessageOnPort(parentPort); next; next = receiveMessageOnPort(parentPort)) taken.push(next.message);
    for (const message of taken) {
      const answers = message.requests.map((request) => ({ id: request.id, ...message.answer }));
      if (message.together) parentPort.postMessage(answers);
      else for (const answer of answers) parentPort.postMessage([answer]);
    }
  });
} else {
  await decisions();
  await tokens();
  hmacs();
  await handOff();
  await writer();
  await reads();
  await accessLines();
}

async function decisions() {
  const host = createNodeHost({ pepper: randomBytes(32), encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }] });
  const user = { id: randomUUID(), username: 'ada', email: 'ada@example.com', phone: '' };
  const settings = { issuer: 'identity-mfa', algorithm: 'SHA1', digits: 6, period: 30, bodyLimit: 16384 };
  const now = Date.now();
  const at = (operation, state, body) => () => decide(operation, { body, state, now, user, settings }, host);
  const setup = decide('setup', { body: '{"mfaType":"app"}', state: '', now, user, settings }, host);
  const { secret, recoveryCodes } = setup.body;
  const verifyBody = Buffer.from(JSON.stringify({ mfaType: 'app', secret, passcode: totp(secret, now) }));
  const verified = decide('verify', { body: verifyBody, state: setup.newState, now, user, settings }, host);
  const enableBody = Buffer.from(JSON.stringify({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] }));
  if (verified.status !== 200) throw new Error(`the bench's verify answered ${verified.status}`);
  print('decide: setup (app)', perCall(at('setup', '', '{"mfaType":"app"}'), 2000));
  print('decide: verify (app)', perCall(at('verify', setup.newState, verifyBody), 4000));
  print('decide: enable (app)', perCall(at('enable', verified.newState, enableBody), 4000));
  print('decide: status', perCall(at('status', verified.newState, ''), 20000));
}

async function tokens() {
  const secret = randomBytes(32).toString('base64url');
  const config = loadConfig({ IDENTITY_MFA_JWT_SECRET: secret, IDENTITY_MFA_DB: 'sqlite::memory:', IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64') });
  const key = Buffer.from(secret, 'utf8');
  const minted = [];
  for (let i = 0; i < 20000; i++) minted.push(await mintToken(config, { sub: randomUUID(), ttl: 3600 }));
  const now = Math.floor(Date.now() / 1000);
  print('token: HS256, a new one each call', perCall((i) => {
    if (!verifyHs256(minted[i % minted.length], key, { now })) throw new Error('a minted token did not verify');
  }, minted.length));
}

function hmacs() {
  const key = randomBytes(32);
  const token = Buffer.from('eyJhbGciOiJIUzI1NiJ9.'.padEnd(270, 'x'));
  const keyed = keyedSha256(key);
  print('hmac: 270 B, node:crypto', perCall(() => createHmac('sha256', key).update(token).digest(), 100000));
  print('hmac: 270 B, JavaScript, pads hashed once', perCall(() => keyed(token), 100000));
  const step = Buffer.alloc(8);
  print('hmac: 8 B under its own key, node:crypto', perCall(() => createHmac('sha256', key).update(step).digest(), 100000));
  print('hmac: 8 B under its own key, JavaScript', perCall(() => keyedSha256(key)(step), 100000));
}

async function handOff() {
  const worker = new Worker(new URL(import.meta.url));
  const request = { operation: 'enable', userId: randomUUID(), body: Buffer.from('{"mfaType":"app","secret":"<32 base32 characters here>","recoveryCode":"ABCD-EFGH-JKMN"}'), now: Date.now(), admin: false, stepUp: false, jitUser: null, requestId: randomUUID(), actor: randomUUID() };
  const answer = { status: 200, bodyText: '{"mfaEnabled":true,"mfaType":"app"}', retryAfter: 0, headers: null, events: ['mfa.enabled'], mfaType: 'app', hostError: null, outbound: false };
  const WRITES = 5;
  const TURNS = 20000;
  // CPU of the process (both threads) per write over TURNS turns of WRITES writes each.
  const cpuPerWrite = (together) => new Promise((resolve) => {
    let answered = 0;
    let turns = 0;
    const started = process.cpuUsage();
    const send = () => {
      const requests = Array.from({ length: WRITES }, (_, id) => ({ ...request, id }));
      if (together) worker.postMessage({ together, requests, answer });
      else for (const one of requests) worker.postMessage({ together, requests: [one], answer });
    };
    worker.removeAllListeners('message');
    worker.on('message', (answers) => {
      answered += answers.length;
      if (answered < WRITES) return;
      answered = 0;
      if (++turns < TURNS) return send();
      const { user, system } = process.cpuUsage(started);
      resolve((user + system) / (TURNS * WRITES));
    });
    send();
  });
  for (const together of [false, true]) {
    await cpuPerWrite(together); // warm
    const rounds = [];
    for (let r = 0; r < 3; r++) rounds.push(await cpuPerWrite(together));
    print(`hand-off: ${together ? `${WRITES} writes a message` : 'a message a write'}, CPU per write`, median(rounds));
  }
  await worker.terminate();
}

// The writer thread's turn (server/store/sqlite-connection.js) run here on
// one connection: each group of five is one transaction, each write read,
// decided and applied in it, then one commit and its fsync. Each user's
// write is made once, so a round is a fifth of the users.
async function writer() {
  const USERS = 20000;
  const GROUP = 5;
  const { dir, config } = sqliteConfig();
  const store = await openStore(config.db);
  await store.migrate();
  await store.close();
  const db = openConnection(config.db.path);
  try {
    const operations = writeOperations(db);
    operations.decider(0, deciderOptions(config));
    const users = Array.from({ length: USERS }, () => randomUUID());
    operations.putUsers(users.map((id) => ({ id, username: id })), { at: new Date().toISOString(), requestId: null, actor: 'bench', actorAdmin: true });
    const write = (operation, userId, body) => ({ decider: 0, request: { operation, userId, body: Buffer.from(JSON.stringify(body)), now: Date.now(), admin: false, stepUp: false, jitUser: null, requestId: randomUUID(), actor: userId } });
    // CPU µs per write of `make(userId)` for every user, the median of ROUNDS rounds; the answers.
    const perWrite = (make) => {
      const answers = [];
      const rounds = [];
      const size = USERS / ROUNDS;
      for (let start = 0; start < USERS; start += size) {
        const began = process.cpuUsage();
        for (let i = start; i < start + size; i += GROUP) answers.push(...operations.group(users.slice(i, i + GROUP).map(make)));
        const { user, system } = process.cpuUsage(began);
        rounds.push((user + system) / size);
      }
      const refused = answers.find((answer) => answer.status !== 200);
      if (refused) throw new Error(`the bench's write answered ${refused.status ?? refused.failed}`);
      return { us: median(rounds), answers };
    };
    const setup = perWrite((id) => write('setup', id, { mfaType: 'app' }));
    const enrolled = new Map(setup.answers.map((answer, i) => [users[i], JSON.parse(answer.bodyText)]));
    print(`writer: setup, ${GROUP} a commit, CPU per write`, setup.us);
    const verify = perWrite((id) => write('verify', id, { mfaType: 'app', secret: enrolled.get(id).secret, passcode: totp(enrolled.get(id).secret, Date.now()) }));
    print(`writer: verify, ${GROUP} a commit, CPU per write`, verify.us);
    const enable = perWrite((id) => write('enable', id, { mfaType: 'app', secret: enrolled.get(id).secret, recoveryCode: enrolled.get(id).recoveryCodes[0] }));
    print(`writer: enable, ${GROUP} a commit, CPU per write`, enable.us);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// A configuration with fresh secrets and a SQLite file in a folder of its own.
function sqliteConfig() {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-parts-'));
  const config = loadConfig({
    IDENTITY_MFA_DB: `sqlite:${join(dir, 'parts.db')}`,
    IDENTITY_MFA_JWT_SECRET: randomBytes(32).toString('base64url'),
    IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64'),
  });
  return { dir, config };
}

// The event loop's read of a user and their state: the statement
// store.loadUserState runs, called directly (its promise is not part of the
// read), a random user each time. In WAL mode each read transaction takes and drops
// a shared lock on the -shm file; 16 reads to one transaction show its price.
async function reads() {
  const USERS = 20000;
  const { dir, config } = sqliteConfig();
  const store = await openStore(config.db);
  try {
    await store.migrate();
    const users = Array.from({ length: USERS }, () => randomUUID());
    await store.putUsers(users.map((id) => ({ id, username: id })), { at: new Date().toISOString(), requestId: null, actor: 'bench', actorAdmin: true });
    const pick = (i) => users[(i * 7919) % USERS];
    const read = (i) => {
      if (!store.q.userAndState.get(pick(i))) throw new Error('the bench read no user');
    };
    print('read: user and state, a transaction each', perCall(read, 200000));
    const begin = store.db.prepare('BEGIN');
    const commit = store.db.prepare('COMMIT');
    print('read: user and state, 16 to a transaction', perCall((i) => {
      if (i % 16 === 0) begin.run();
      read(i);
      if (i % 16 === 15) commit.run();
    }, 200000));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// CPU per access line (both threads: the file writes run on libuv's pool),
// the median of ROUNDS rounds, of a request answered 200 on the status route.
async function accessLines() {
  const LINES = 100000;
  const id = randomUUID();
  const route = '/v1/users/:id/mfa';
  const request = { id: randomUUID(), method: 'GET', raw: { url: `/v1/users/${id}/mfa` } };
  const reply = { statusCode: 200 };
  const perLine = async (write) => {
    const rounds = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const began = process.cpuUsage();
      for (let i = 0; i < LINES; i++) {
        write(i);
        if (i % 16 === 15) await turn();
      }
      const { user, system } = process.cpuUsage(began);
      if (r > 0) rounds.push((user + system) / LINES); // the first warms
    }
    return median(rounds);
  };
  const file = () => openSync('/dev/null', 'w');
  const { access } = createLoggers({ logLevel: 'info' }, { stream: gatheredDestination(file()) });
  print('access line: the sidecar\'s, CPU per line', await perLine((i) => access(request, reply, 0.125 + i / 1e6, route)));
  const viaPino = pino({ level: 'info' }, pino.destination({ dest: file(), sync: false, minLength: 4096 }));
  const { url } = request.raw;
  print('access line: through pino, CPU per line', await perLine((i) => viaPino.info({
    reqId: request.id, method: request.method, route, path: url, status: reply.statusCode, ms: 0.125 + i / 1e6,
  }, 'request')));
}
