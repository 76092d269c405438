// npm run bench:import -- [--users 100000] [--db postgres]: `identity-mfa
// users import` of a generated JSON Lines file, timed as an operator runs it
// (the CLI as a child process, a fresh database), then run again (every row
// unchanged). Prints rows/s for both runs; a figure, not a test.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { users: { type: 'string', default: '100000' }, db: { type: 'string', default: 'sqlite' } } });
if (values.db === 'postgres' && !process.env.IDENTITY_MFA_TEST_PG) {
  // A throwaway PostgreSQL around this script (scripts/with-postgres.sh).
  const script = new URL('../scripts/with-postgres.sh', import.meta.url).pathname;
  const r = spawnSync('bash', [script, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const count = Number(values.users);
const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-import-'));
try {
  const file = join(dir, 'users.jsonl');
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({ id: randomUUID(), username: `user ${i}`, email: `user${i}@example.com`, phone: `+1555${String(i).padStart(7, '0')}` }));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const db = values.db === 'postgres' ? `${process.env.IDENTITY_MFA_TEST_PG}` : `sqlite:${join(dir, 'mfa.db')}`;
  const env = {
    PATH: process.env.PATH,
    IDENTITY_MFA_DB: db,
    IDENTITY_MFA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    IDENTITY_MFA_RECOVERY_PEPPER: randomBytes(32).toString('base64'),
  };
  const cli = new URL('../server/cli.js', import.meta.url).pathname;
  console.log(`users import of ${count} users (JSON Lines, ${values.db}), the CLI as a child process`);
  for (const run of ['first run (all created)', 'second run (all unchanged)']) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'users', 'import', file], { env, encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`import failed (${r.status}): ${r.stderr}`);
    console.log(`${run.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s  ${Math.round(count / seconds).toString().padStart(7)} rows/s  ${r.stdout.trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
