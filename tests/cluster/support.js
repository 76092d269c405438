// Sidecar processes on one database, for the scale-out and fault tests: on
// PostgreSQL (scripts/test.sh runs them under scripts/with-postgres.sh), and
// the two-process ones on one SQLite file too.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, mintToken, openStore } from 'identity-mfa/server';
import { testDatabase, testEnv } from '../server/support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;

/** A fresh database and the environment every sidecar of a test shares. */
export async function cluster(t, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-cluster-'));
  const database = await testDatabase(dir);
  const env = testEnv(dir, { IDENTITY_MFA_DB: database.url, ...extraEnv });
  const config = loadConfig(env);
  const store = await openStore(config.db);
  await store.migrate();
  const children = [];
  t.after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    env,
    config,
    store,
    token: (sub) => mintToken(config, { sub }),
    /** Starts `identity-mfa serve` (more args, e.g. --workers 2); resolves once it listens. */
    async start(args = []) {
      const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
        env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stderr.on('data', (c) => { out += c; });
      const port = await new Promise((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`sidecar exited (${code}):\n${out}`)));
      });
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      return { child, port, url: `http://127.0.0.1:${port}`, exited, output: () => out };
    },
  };
}

/** fetch to a sidecar: {status, json, headers}; network failures come back as {status: 0}. */
export async function call(base, method, path, { token, body, timeout = 15000 } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const r = await fetch(base + path, { method, headers, body: body && JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined, headers: r.headers };
  } catch (error) {
    return { status: 0, error: error.name };
  }
}

export function pgCtl(action) {
  const args = ['-D', process.env.IDENTITY_MFA_TEST_PG_DATA, '-w', '-t', '30'];
  if (action === 'start') args.push('-l', process.env.IDENTITY_MFA_TEST_PG_LOG, '-o', process.env.IDENTITY_MFA_TEST_PG_OPTIONS);
  if (action === 'stop') args.push('-m', 'fast');
  const command = [process.env.IDENTITY_MFA_TEST_PG_CTL, ...args, action];
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? 'runuser' : command[0], asRoot ? ['-u', 'postgres', '--', ...command] : command.slice(1), { stdio: 'ignore' });
}
