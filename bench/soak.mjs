// npm run soak -- --minutes N: mixed MFA traffic against two sidecar processes
// on one PostgreSQL (a throwaway server, started here), on loopback only, for
// N minutes after a 20 s warm-up. Prints req/s, responses by status, and
// each process's RSS at the start, every minute and the end. Exits non-zero
// on any 5xx.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadConfig, mintToken, openStore } from 'identity-mfa/server';
import { testDatabase, testEnv } from '../tests/server/support/server.js';
import { totp } from '../tests/vectors/src/reference.mjs';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, users: { type: 'string', default: '400' }, connections: { type: 'string', default: '16' } } });
if (!process.env.IDENTITY_MFA_TEST_PG) {
  const script = new URL('../scripts/with-postgres.sh', import.meta.url).pathname;
  const r = spawnSync('bash', [script, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, IDENTITY_MFA_TEST_DB: 'postgres' } });
  process.exit(r.status ?? 1);
}

const minutes = Number(values.minutes);
const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-soak-'));
const database = await testDatabase(dir, 'postgres');
const env = { ...testEnv(dir, { IDENTITY_MFA_DB: database.url }) };
const config = loadConfig(env);
const store = await openStore(config.db);
await store.migrate();
if (store.kind !== 'postgres') throw new Error(`the soak runs on ${store.kind}, not postgres`);

const cli = new URL('../server/cli.js', import.meta.url).pathname;
function startSidecar() {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && !child.url) {
        child.url = m[1];
        child.stdout.resume();
        out = '';
        resolve(child);
      }
      if (out.length > 1e5) out = '';
    });
  });
}
const sidecars = [await startSidecar(), await startSidecar()];
const rss = () => sidecars.map((c) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))[1]) / 1024);

const users = [];
for (let i = 0; i < Number(values.users); i++) {
  const id = randomUUID();
  await store.addUser({ id, username: `soak${i}@example.com`, email: `soak${i}@example.com` });
  users.push({ id, token: await mintToken(config, { sub: id, ttl: 24 * 3600 }), phase: 0 });
}

const statuses = new Map();
let requests = 0;
let unexpected5xx = 0;
async function send(u, method, suffix, body, rawBody) {
  const base = sidecars[requests % 2].url;
  requests++;
  const r = await fetch(`${base}/v1/users/${u.id}/mfa${suffix}`, {
    method, headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
    body: rawBody ?? (body && JSON.stringify(body)),
  });
  const json = await r.json();
  statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  if (r.status >= 500) unexpected5xx++;
  return { status: r.status, json };
}

// One step of a user's cycle: setup → verify → enable → status → a malformed
// body → regenerate codes → preferred → disable, then again.
async function step(u) {
  switch (u.phase) {
    case 0: {
      const r = await send(u, 'POST', '/setup', { mfaType: 'app' });
      if (r.status !== 200) return; // e.g. still enabled from a lost race: the cycle resets below
      Object.assign(u, { secret: r.json.secret, codes: r.json.recoveryCodes });
      break;
    }
    case 1: await send(u, 'POST', '/verify', { mfaType: 'app', secret: u.secret, passcode: totp(u.secret, Date.now()) }); break;
    case 2: await send(u, 'POST', '/enable', { mfaType: 'app', secret: u.secret, recoveryCode: u.codes[0] }); break;
    case 3: await send(u, 'GET', ''); break;
    case 4: await send(u, 'POST', '/enable', null, '{"mfaType":"app",'); break;
    case 5: {
      const r = await send(u, 'POST', '/recovery-codes', { recoveryCode: u.codes[1] });
      if (r.status === 200) u.codes = [null, ...r.json.recoveryCodes];
      break;
    }
    case 6: await send(u, 'PATCH', '/preferred', { mfaType: 'app' }); break;
    default: await send(u, 'POST', '/disable', { mfaType: 'app', recoveryCode: u.codes[2] }); u.phase = -1;
  }
  u.phase++;
}

// Load until `until`; the first WARMUP_MS are not counted (JIT, pools and
// heaps settle there), then RSS is sampled every minute.
const WARMUP_MS = Number(process.env.SOAK_WARMUP_MS ?? 20_000);
let next = 0;
async function run(until) {
  await Promise.all(Array.from({ length: Number(values.connections) }, async () => {
    while (Date.now() < until) {
      const u = users[next++ % users.length];
      if (u.busy) continue;
      u.busy = true;
      await step(u);
      u.busy = false;
    }
  }));
}
await run(Date.now() + WARMUP_MS);
statuses.clear();
requests = 0;
unexpected5xx = 0;
const rssStart = rss();
const samples = [rssStart];
const start = Date.now();
const end = start + minutes * 60_000;
const sampler = setInterval(() => samples.push(rss()), 60_000);
await run(end);
clearInterval(sampler);
const seconds = (Date.now() - start) / 1000;
const rssEnd = rss();

console.log(`soak: ${minutes} min, 2 sidecars on PostgreSQL, ${users.length} users, ${values.connections} connections`);
console.log(`requests ${requests}, ${(requests / seconds).toFixed(0)} req/s`);
console.log(`by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
console.log(`RSS MB start ${rssStart.map((m) => m.toFixed(1)).join(' / ')}, end ${rssEnd.map((m) => m.toFixed(1)).join(' / ')}`);
console.log(`RSS MB each minute: ${samples.map((p) => p.map((m) => m.toFixed(0)).join('/')).join('  ')}`);
console.log(`unexpected 5xx: ${unexpected5xx}`);

for (const c of sidecars) c.kill('SIGTERM');
await store.close();
await database.drop();
rmSync(dir, { recursive: true, force: true });
process.exit(unexpected5xx === 0 ? 0 : 1);
