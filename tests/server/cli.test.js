// The `identity-mfa` command line (docs/contract.md §7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { tempDatabase, testEnv } from './support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;

function run(args, env) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 30000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help for the tool and for each command', () => {
  assert.match(run(['--help']).out, /identity-mfa serve[\s\S]*users add[\s\S]*token[\s\S]*outbox[\s\S]*migrate/);
  for (const command of [['serve'], ['users', 'add'], ['token'], ['outbox'], ['migrate']]) {
    const r = run([...command, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`^usage: identity-mfa ${command.join(' ')}`));
  }
  assert.equal(run(['fly']).code, 2);
});

test('migrate, users add, token and outbox on a real database', async (t) => {
  const { env } = await tempDatabase(t, 'identity-mfa-cli-');
  assert.match(run(['migrate'], env).out, /applied migrations: 1/);
  assert.match(run(['migrate'], env).out, /schema is up to date/);
  const id = randomUUID();
  const added = run(['users', 'add', '--id', id, '--username', 'ada', '--email', 'ada@example.com'], env);
  assert.equal(added.code, 0, added.err);
  assert.deepStrictEqual(JSON.parse(added.out), { id, username: 'ada', email: 'ada@example.com', phone: null });
  const twice = run(['users', 'add', '--id', id, '--username', 'ada'], env);
  assert.equal(twice.code, 2);
  assert.match(twice.err, /exists already/);
  assert.match(run(['users', 'add', '--id', 'nope', '--username', 'x'], env).err, /--id must be a UUID/);
  assert.match(run(['users', 'add', '--id', id], env).err, /--username is required/);

  const token = run(['token', '--sub', id, '--admin', '--ttl', '60'], env).out.trim();
  const claims = decodeJwt(token);
  assert.equal(claims.sub, id);
  assert.equal(claims.scope, 'mfa:admin');
  assert.equal(claims.exp - claims.iat, 60);
  assert.match(run(['token', '--sub', id], { ...env, IDENTITY_MFA_JWT_SECRET: '' }).err, /IDENTITY_MFA_JWT_SECRET is not set/);
  assert.equal(run(['outbox'], env).out, '');
});

test('production serve refuses to start without keys, pepper or token settings, and says which', () => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-cli-'));
  try {
    const env = testEnv(dir);
    for (const [unset, named] of [
      ['IDENTITY_MFA_ENCRYPTION_KEYS', /IDENTITY_MFA_ENCRYPTION_KEYS/],
      ['IDENTITY_MFA_RECOVERY_PEPPER', /IDENTITY_MFA_RECOVERY_PEPPER/],
      ['IDENTITY_MFA_JWT_SECRET', /IDENTITY_MFA_JWKS .* or IDENTITY_MFA_JWT_SECRET/],
    ]) {
      const r = run(['serve', '--port', '0'], { ...env, [unset]: '' });
      assert.equal(r.code, 2);
      assert.match(r.err, /refusing to start/);
      assert.match(r.err, named);
    }
    const bad = run(['serve', '--port', '0'], { ...env, IDENTITY_MFA_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' });
    assert.match(bad.err, /must be 32 bytes/);
    assert.ok(!bad.err.includes('    at '), 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database that does not answer is named, not an unexpected error', () => {
  const out = spawnSync(process.execPath, [cli, 'migrate'], { encoding: 'utf8', env: { PATH: process.env.PATH, IDENTITY_MFA_DB: 'postgres://mfa:hunter2@127.0.0.1:1/mfa' } });
  assert.equal(out.status, 2);
  assert.match(out.stderr, /^identity-mfa: IDENTITY_MFA_DB \(--db\): .*ECONNREFUSED/);
  assert.ok(!out.stderr.includes('hunter2'));
});
