// npm run bench:server — one run on loopback, three workloads, each against a
// server in its own process while this process generates the load:
//   ceiling        a bare node:http server answering a fixed JSON body
//   status         GET /v1/users/{id}/mfa on the sidecar (SQLite)
//   verify+enable  the pair, once per pre-seeded user (setup done beforehand)
// Prints req/s, p50/p99 latency and the ratio to the ceiling. Options:
//   --seconds N (default 5 per workload)  --connections N (default 16)
//   --db sqlite|postgres (postgres: a throwaway server, and rows for 1 and 2
//   sidecar processes on it)
import { spawn, spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintToken } from 'identity-mfa/server';
import { randomBytes } from 'node:crypto';
import { totp } from '../tests/vectors/src/reference.mjs';
import { testDatabase } from '../tests/server/support/server.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, db: { type: 'string', default: 'sqlite' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
if (!['sqlite', 'postgres'].includes(values.db)) throw new Error('--db is sqlite or postgres');
if (values.db === 'postgres' && !process.env.IDENTITY_MFA_TEST_PG) {
  // A throwaway PostgreSQL for the run (scripts/with-postgres.sh starts and removes it).
  const script = new URL('../scripts/with-postgres.sh', import.meta.url).pathname;
  const r = spawnSync('bash', [script, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

function startChild(args, env = {}) {
  const child = spawn(process.execPath, [new URL('./server-child.mjs', import.meta.url).pathname, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_ENV: JSON.stringify(env) } });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve({ child, info: JSON.parse(buffer.slice(0, newline)) });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
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

// Runs `next()` (a request) from CONNECTIONS loops until time is up or
// next() returns null; returns requests/s and latency percentiles.
async function load(next) {
  const latencies = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const job = next();
      if (!job) return;
      for (const step of job) {
        const t0 = performance.now();
        const r = await step();
        latencies.push(performance.now() - t0);
        if (r.status !== 200) errors++;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), n: latencies.length, errors };
}

const rows = [];
const report = (name, r, ceiling) => {
  rows.push(name);
  const ratio = ceiling ? `${(r.rps / ceiling).toFixed(2)}x` : '1.00x';
  console.log(`${name.padEnd(16)}${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ${ratio.padStart(6)} of ceiling   (${r.n} requests, ${r.errors} non-200)`);
};

console.log(`loopback, ${CONNECTIONS} connections, ${SECONDS} s per workload, ${values.db}, servers and load in separate processes`);
const ceilingServer = await startChild(['ceiling']);
const ceiling = await load(() => [() => send(ceilingServer.info.port, 'GET', '/')]);
ceilingServer.child.kill();
report('ceiling', ceiling);

// The sidecar workloads, on `processes` sidecars sharing one database.
async function sidecarRows(processes) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-bench-'));
  const seeded = 20000;
  const env = { IDENTITY_MFA_JWT_SECRET: randomBytes(32).toString('base64url'), IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64') };
  let database = null;
  if (values.db === 'postgres') {
    database = await testDatabase(dir, 'postgres');
    env.IDENTITY_MFA_DB = database.url;
  } else {
    env.IDENTITY_MFA_DB = `sqlite:${join(dir, 'bench.db')}`;
  }
  const first = await startChild(['sidecar', dir, String(seeded)], env);
  const others = await Promise.all(Array.from({ length: processes - 1 }, () => startChild(['sidecar', dir, '0'], env)));
  const ports = [first, ...others].map((c) => c.info.port);
  if (first.info.store !== values.db) throw new Error(`the sidecar runs on ${first.info.store}, not ${values.db}`);
  const label = (name) => (processes > 1 ? `${name} (${processes} proc)` : name);
  try {
    const { users } = first.info;
    const config = { jwtSecret: env.IDENTITY_MFA_JWT_SECRET, adminScope: 'mfa:admin' };
    const tokens = await Promise.all(users.map((sub) => mintToken(config, { sub, ttl: 3600 })));
    const headers = tokens.map((token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' }));
    const portOf = (i) => ports[i % ports.length];

    // Status as a client polls it: 1000 users, each token verified once and
    // then found in the verified-token cache.
    let i = 0;
    const status = await load(() => {
      const u = i++ % 1000;
      return [() => send(portOf(i), 'GET', `/v1/users/${users[u]}/mfa`, { authorization: `Bearer ${tokens[u]}` })];
    });
    report(label('status'), status, ceiling.rps);
    if (processes === 1) {
      // The worst case: a token never seen before on every request.
      const fresh = await Promise.all(users.slice(0, 4000).map((sub) => mintToken(config, { sub, ttl: 3599 })));
      let f = 0;
      const cold = await load(() => {
        if (f >= fresh.length) return null;
        const u = f++;
        return [() => send(ports[0], 'GET', `/v1/users/${users[u]}/mfa`, { authorization: `Bearer ${fresh[u]}` })];
      });
      report('status, new token', cold, ceiling.rps);
    }

    // Setup for every user first (not measured), then the pair per user.
    const setups = new Array(users.length);
    let s = 0;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (s < users.length) {
        const u = s++;
        const r = await send(portOf(u), 'POST', `/v1/users/${users[u]}/mfa/setup`, headers[u], '{"mfaType":"app"}');
        setups[u] = JSON.parse(r.text);
      }
    }));
    // Bodies made before the clock starts, so the load generator stays as light
    // as it is for the ceiling. The passcodes stay valid: the server accepts the
    // previous step too, and a run is far shorter than a 30 s step.
    const bodies = setups.map(({ secret, recoveryCodes }) => [
      JSON.stringify({ mfaType: 'app', secret, passcode: totp(secret, Date.now()) }),
      JSON.stringify({ mfaType: 'app', secret, recoveryCode: recoveryCodes[0] }),
    ]);
    let p = 0;
    const pairs = await load(() => {
      if (p >= users.length) return null;
      const u = p++;
      const base = `/v1/users/${users[u]}/mfa`;
      return [
        () => send(portOf(u), 'POST', `${base}/verify`, headers[u], bodies[u][0]),
        () => send(portOf(u + 1), 'POST', `${base}/enable`, headers[u], bodies[u][1]),
      ];
    });
    report(label('verify+enable'), pairs, ceiling.rps);
    if (p >= users.length) console.log(`(all ${seeded} seeded users enabled before the time was up: the figure is a lower bound)`);
  } finally {
    for (const c of [first, ...others]) c.child.kill();
    await new Promise((r) => setTimeout(r, 200));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await sidecarRows(1);
if (values.db === 'postgres') await sidecarRows(2);
agent.destroy();
