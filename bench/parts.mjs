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
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Worker, isMainThread, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { decide } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { loadConfig, mintToken } from 'identity-mfa/server';
import { keyedSha256 } from '../js/keyed-sha256.js';
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
