// npm run bench:server — the sidecar as users run it, under a native load
// generator, beside the ceilings of this machine, all in one run:
//   ceiling        a bare node:http server answering fixed JSON
//   fastify hello  a minimal Fastify app with its defaults
//   identity-mfa   `identity-mfa serve` started as a separate process exactly
//                  as a user starts it: default settings and logging (to a
//                  file), SQLite with synchronous=FULL (or PostgreSQL)
// Load: wrk (Debian's), one thread, N connections, for --seconds each. The
// write workloads send each request once (bench/wrk/once.lua), each to its
// own pre-seeded user: setup; verify and enable (of users set up beforehand,
// not measured); the pair 1 / (1/verify + 1/enable); check (a TOTP code of
// each enabled user). Prints req/s, p50 and p99, the sidecar's CPU per
// response (event loop, other threads; Linux), and the ratio to a ceiling
// taken just before the row (the bare row is two ceilings back to back: its
// ratio is the noise of the minute). Every row is measured after a warm-up of
// the same workload (the write rows on users of their own pool, each still
// served once): the first seconds of a fresh process run code V8 has not
// optimized yet, and its compiler threads take CPU the measured window would
// otherwise pay for; a sidecar users run has long left that behind.
//   --seconds N       per workload (default 4)
//   --connections N   (default 16)
//   --db sqlite|postgres   (postgres: a throwaway server for the run)
//   --workers 1,2     the sidecar rows for each count of worker processes
//   --users N         users per write workload (default 30000; a workload
//                     that runs out is timed by its own clock)
//   --warmup N        seconds of the same workload before each row (default 3)
//   --status-only     the ceilings and the status row alone (quick A/B runs
//                     of the read path: run it on each of two commits, in turn)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, mintToken, openStore } from 'identity-mfa/server';
import { totp } from '../tests/vectors/src/reference.mjs';
import { testDatabase } from '../tests/server/support/server.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '16' },
    db: { type: 'string', default: 'sqlite' },
    workers: { type: 'string', default: '1' },
    users: { type: 'string', default: '30000' },
    warmup: { type: 'string', default: '3' },
    'status-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const USERS = Number(values.users);
const WARMUP = Number(values.warmup);
const WORKERS = values.workers.split(',').map(Number);
if (!['sqlite', 'postgres'].includes(values.db)) throw new Error('--db is sqlite or postgres');
if (values.db === 'postgres' && !process.env.IDENTITY_MFA_TEST_PG) {
  // A throwaway PostgreSQL for the run (scripts/with-postgres.sh starts and removes it).
  const script = new URL('../scripts/with-postgres.sh', import.meta.url).pathname;
  const r = spawnSync('bash', [script, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: run `bash scripts/setup.sh bench`');

const cli = new URL('../server/cli.js', import.meta.url).pathname;
const wrkScript = (name) => new URL(`./wrk/${name}`, import.meta.url).pathname;

// ---- load ------------------------------------------------------------------

/** Runs wrk; returns {rps, p50, p99 (ms), responses, bad}. `file`: requests sent once each. */
function wrk(url, { headers = [], file, seconds = SECONDS } = {}) {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', wrkScript(file ? 'once.lua' : 'get.lua')];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  if (file) args.push('--', file);
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`wrk gave no result:\n${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(line.slice(6));
  return { rps: out.responses / out.seconds, p50: out.p50 / 1000, p99: out.p99 / 1000, responses: out.responses, bad: out.errors + out.non2xx, dispensed: out.dispensed, lines: out.lines };
}

/** A file of requests, one per line: METHOD, PATH, TOKEN, BODY (tab-separated). */
function requestFile(dir, name, rows) {
  const path = join(dir, `${name}.tsv`);
  writeFileSync(path, rows.map((r) => r.join('\t')).join('\n') + '\n');
  return path;
}

// This machine's speed moves by a factor of two within minutes (shared host,
// CPU steal), so every row is paired with a ceiling taken just before it,
// and its ratio is to that one: a slow minute slows both sides of a ratio.
let ceilingPort = 0;
function ceiling() {
  return wrk(`http://127.0.0.1:${ceilingPort}/`).rps;
}

function report(name, r, ceilingRps) {
  const notes = [`${r.responses} responses`];
  if (r.bad) notes.push(`${r.bad} not 2xx`);
  if (r.lines && r.dispensed >= r.lines) notes.push('all users served before the time was up: timed by its own clock');
  // A row that ran out of users kept wrk busy with health probes to the end: its CPU is not per response.
  if (r.cpu && !(r.lines && r.dispensed >= r.lines)) notes.push(`CPU per response: event loop ${r.cpu.loop.toFixed(0)} µs, other threads ${r.cpu.others.toFixed(0)} µs`);
  const ratio = r.ratio ?? r.rps / ceilingRps;
  const beside = ceilingRps ? `ceiling ${ceilingRps.toFixed(0).padStart(6)}` : ''.padEnd(14);
  console.log(`${name.padEnd(24)}${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ${beside}   ${ratio.toFixed(2).padStart(5)}x   (${notes.join(', ')})`);
  return ratio;
}

// CPU time of a process's threads, in µs, from /proc (Linux): the event loop
// (the thread whose id is the pid) and the rest (the SQLite writer, V8's
// helpers, libuv's pool). Unlike req/s it hardly moves with the minute.
function threadCpu(pid) {
  const tick = 1e6 / 100; // USER_HZ
  const out = { loop: 0, others: 0 };
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const us = (Number(fields[11]) + Number(fields[12])) * tick;
      if (tid === String(pid)) out.loop += us;
      else out.others += us;
    }
  } catch {
    return null; // no /proc here
  }
  return out;
}

/**
 * Runs one sidecar workload right after a ceiling of its own; reports it,
 * with the CPU the process spent per response when `pid` is given. `warm`
 * runs the same workload first, unmeasured.
 */
function measured(name, run, pid, warm = () => run(WARMUP)) {
  if (WARMUP > 0) warm();
  const ceilingRps = ceiling();
  const before = pid ? threadCpu(pid) : null;
  const result = run(SECONDS);
  const after = before ? threadCpu(pid) : null;
  if (after) result.cpu = { loop: (after.loop - before.loop) / result.responses, others: (after.others - before.others) / result.responses };
  return { result, ratio: report(name, result, ceilingRps) };
}

/**
 * A write workload: one request per user, `rowOf(user)`, each sent once;
 * the warm-up takes users from the front (a third of them at most) and the
 * measured run the ones after. Returns the row's result and the users
 * served (warm-up and measured, in order), for the next workload.
 */
function measuredOnce(name, dir, url, users, rowOf, pid) {
  let next = 0;
  const run = (seconds, end = users.length) => {
    const file = requestFile(dir, name.replace(/\W+/g, '-'), users.slice(next, end).map(rowOf));
    const r = wrk(url, { file, seconds });
    next += Math.min(r.dispensed, end - next);
    return r;
  };
  const warm = () => run(WARMUP, Math.ceil(users.length / 3));
  return { ...measured(name, run, pid, warm), served: users.slice(0, next) };
}

// ---- processes ---------------------------------------------------------------

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startBaseline(mode) {
  const child = spawn(process.execPath, [new URL('./baselines.mjs', import.meta.url).pathname, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve({ child, port: JSON.parse(chunk.toString().split('\n')[0]).port }));
    child.on('exit', (code) => reject(new Error(`${mode} exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
function send(port, method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `identity-mfa serve` as a user starts it; its log goes to a file. Resolves once ready. */
async function startServe(env, dir, workers) {
  const port = await freePort();
  const log = openSync(join(dir, `serve-${workers}.log`), 'a');
  const args = [cli, 'serve', '--port', String(port), ...(workers > 1 ? ['--workers', String(workers)] : [])];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', log, 'inherit'] });
  closeSync(log);
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  for (;;) {
    if (exited !== null) throw new Error(`identity-mfa serve exited (${exited}): see ${dir}/serve-${workers}.log`);
    const ready = await send(port, 'GET', '/health/ready').catch(() => null);
    if (ready?.status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopped = new Promise((resolve) => child.on('exit', resolve));
  return { port, pid: child.pid, stop: async () => { child.kill('SIGTERM'); await stopped; } };
}

// Users straight into the store: seeding is preparation, not what is measured.
async function seedUsers(config, ids) {
  const store = await openStore(config.db);
  try {
    await store.migrate();
    const at = new Date().toISOString();
    if (store.kind === 'postgres') {
      for (let i = 0; i < ids.length; i += 5000) {
        const chunk = ids.slice(i, i + 5000);
        await store.pool.query('INSERT INTO users (id, username, email, created_at) SELECT id, id, id, $2 FROM unnest($1::text[]) AS id', [chunk, at]);
        await store.pool.query("INSERT INTO mfa_state (user_id, state, version, updated_at) SELECT id, '', 0, $2 FROM unnest($1::text[]) AS id", [chunk, at]);
      }
    } else {
      const user = store.db.prepare('INSERT INTO users (id, username, email, created_at) VALUES (?, ?, ?, ?)');
      const state = store.db.prepare("INSERT INTO mfa_state (user_id, state, version, updated_at) VALUES (?, '', 0, ?)");
      store.db.transaction(() => {
        for (const id of ids) {
          user.run(id, `${id}@example.com`, `${id}@example.com`, at);
          state.run(id, at);
        }
      })();
    }
  } finally {
    await store.close();
  }
}

// Runs fn over items from CONNECTIONS loops at once (the preparation steps).
async function inParallel(items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

// ---- the sidecar's rows --------------------------------------------------------

async function sidecarRows(workers) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-bench-'));
  const env = {
    IDENTITY_MFA_JWT_SECRET: randomBytes(32).toString('base64url'),
    IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64'),
  };
  const database = values.db === 'postgres' ? await testDatabase(dir, 'postgres') : null;
  env.IDENTITY_MFA_DB = database?.url ?? `sqlite:${join(dir, 'identity-mfa.db')}`;
  const config = loadConfig(env);
  const label = (name) => (workers > 1 ? `${name} (${workers} workers)` : name);
  const pools = { setup: [], pair: [] };
  if (!values['status-only']) for (const pool of Object.keys(pools)) pools[pool] = Array.from({ length: USERS }, () => randomUUID());
  const status = randomUUID();
  await seedUsers(config, [status, ...pools.setup, ...pools.pair]);
  const token = {};
  for (const id of [status, ...pools.setup, ...pools.pair]) token[id] = await mintToken(config, { sub: id, ttl: 3600 });
  const serve = await startServe(env, dir, workers);
  const url = `http://127.0.0.1:${serve.port}`;
  // With --workers the requests are served by child processes: no per-thread figures.
  const pid = workers === 1 ? serve.pid : null;
  const path = (id, suffix = '') => `/v1/users/${id}/mfa${suffix}`;
  try {
    // Status as a client polls it: one user, one token (verified once, then cached).
    measured(label('status'), (seconds) => wrk(`${url}${path(status)}`, { headers: [`Authorization: Bearer ${token[status]}`], seconds }), pid);
    if (values['status-only']) return;

    measuredOnce(label('setup'), dir, url, pools.setup, (id) => ['POST', path(id, '/setup'), token[id], '{"mfaType":"app"}'], pid);

    // Setup of the pair's users, not measured.
    const secrets = new Map();
    await inParallel(pools.pair, async (id) => {
      const r = await send(serve.port, 'POST', path(id, '/setup'), { authorization: `Bearer ${token[id]}`, 'content-type': 'application/json' }, '{"mfaType":"app"}');
      secrets.set(id, JSON.parse(r.text));
    });
    const step = () => Math.floor(Date.now() / 30000);
    const verifyStep = step();
    const verify = measuredOnce(label('verify'), dir, url, pools.pair, (id) => {
      const { secret } = secrets.get(id);
      return ['POST', path(id, '/verify'), token[id], JSON.stringify({ mfaType: 'app', secret, passcode: totp(secret, verifyStep * 30000) })];
    }, pid);
    const enable = measuredOnce(label('enable'), dir, url, verify.served, (id) => {
      const { secret, recoveryCodes } = secrets.get(id);
      return ['POST', path(id, '/enable'), token[id], JSON.stringify({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] })];
    }, pid);
    const [v, e] = [verify.result, enable.result];
    // The pair's rate, and its ratio from the two ratios (each to its own ceiling).
    const pair = { rps: 1 / (1 / v.rps + 1 / e.rps), p50: v.p50 + e.p50, p99: Math.max(v.p99, e.p99), responses: Math.min(v.responses, e.responses), bad: v.bad + e.bad, ratio: 1 / (1 / verify.ratio + 1 / enable.ratio) };
    report(label('verify+enable'), pair);

    // A sign-in check per enabled user: a code of a later step than the one verify took.
    const checkStep = Math.max(verifyStep + 1, step());
    measuredOnce(label('check'), dir, url, enable.served, (id) => {
      const { secret } = secrets.get(id);
      return ['POST', path(id, '/check'), token[id], JSON.stringify({ mfaType: 'app', passcode: totp(secret, checkStep * 30000) })];
    }, pid);
  } finally {
    await serve.stop();
    const log = statSync(join(dir, `serve-${workers}.log`)).size;
    console.log(`  (serve wrote ${(log / 1e6).toFixed(1)} MB of logs)`);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s on loopback, ${values.db}; each row's ratio is to a bare node:http ceiling taken just before it`);
const bare = await startBaseline('ceiling');
ceilingPort = bare.port;
try {
  measured('bare node:http', (seconds) => wrk(`http://127.0.0.1:${ceilingPort}/`, { seconds }));
  const fastify = await startBaseline('fastify');
  measured('fastify hello', (seconds) => wrk(`http://127.0.0.1:${fastify.port}/`, { seconds }));
  fastify.child.kill('SIGTERM');
  for (const workers of WORKERS) await sidecarRows(workers);
} finally {
  bare.child.kill('SIGTERM');
  agent.destroy();
}
