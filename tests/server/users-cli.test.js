// `identity-mfa users import|list|remove` and `audit` on a real database
// (SQLite, or PostgreSQL in the PostgreSQL run), the CLI as a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { tempDatabase } from './support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;

function run(args, env) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 120000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const jsonLines = (text) => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

// 10 000 users with bad rows at known lines: what each is refused for.
function generatedFile(dir) {
  const users = [];
  const lines = [];
  const bad = new Map([
    [101, [{ id: 'not-a-uuid', username: 'x' }, 'id must be a UUID']],
    [202, ['{"id": "oops"', 'not valid JSON']],
    [303, [{ id: randomUUID(), username: 'y', email: 'not-an-address' }, 'email must be an e-mail address']],
    [404, [{ id: randomUUID(), username: 'z', phone: '555-0100' }, 'phone must be an E.164 phone number: + and 7 to 15 digits']],
    [505, [{ id: randomUUID(), username: '' }, 'username required']],
    [606, [{ id: randomUUID(), username: 'w', role: 'admin' }, 'role unexpected field']],
    [707, [[1, 2], 'not a JSON object']],
  ]);
  for (let line = 1; lines.length < 10_000 + bad.size; line++) {
    if (bad.has(line)) {
      const [row] = bad.get(line);
      lines.push(typeof row === 'string' ? row : JSON.stringify(row));
      continue;
    }
    const user = { id: randomUUID(), username: `user ${line}`, email: `user${line}@example.com`, phone: `+1555${String(line).padStart(7, '0')}` };
    if (line % 3 === 0) delete user.phone;
    users.push(user);
    lines.push(JSON.stringify(user));
  }
  const file = join(dir, 'users.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, users, bad };
}

test('users import: 10 000 users with bad rows, each refusal named by line; again, nothing changes', async (t) => {
  const { dir, env } = await tempDatabase(t, 'identity-mfa-import-');
  const { file, users, bad } = generatedFile(dir);

  const first = run(['users', 'import', file], env);
  assert.equal(first.code, 1, first.err);
  assert.deepStrictEqual(JSON.parse(first.out), { created: 10_000, updated: 0, unchanged: 0, rejected: bad.size });
  const refusals = first.err.trim().split('\n');
  assert.deepStrictEqual(refusals, [...bad].map(([line, [, reason]]) => `line ${line}: ${reason}`));

  const again = run(['users', 'import', file], env);
  assert.deepStrictEqual(JSON.parse(again.out), { created: 0, updated: 0, unchanged: 10_000, rejected: bad.size });

  const listed = jsonLines(run(['users', 'list'], env).out);
  assert.equal(listed.length, 10_000);
  assert.deepStrictEqual(listed.map((u) => u.id), users.map((u) => u.id).sort());
  const byId = new Map(listed.map((u) => [u.id, u]));
  for (const u of [users[0], users[2], users[9_999]]) assert.deepStrictEqual(byId.get(u.id), { phone: null, ...u });
});

test('users import from CSV: quoted fields, updates, a bad header refused before anything is written', async (t) => {
  const { dir, env } = await tempDatabase(t, 'identity-mfa-import-');
  const [a, b] = [randomUUID(), randomUUID()];
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, `id,username,email,phone\r\n${a},"Doe, Jane ""JD""",jane@example.com,\r\n${b},"multi\nline",,+447700900123\r\nshort,row\r\n`);
  const first = run(['users', 'import', csv], env);
  // The multi-line username is refused by the core (a control character), under the line it starts on.
  assert.deepStrictEqual(first.err.trim().split('\n'), [
    'line 3: username must be at most 128 characters, none of them a control character',
    'line 5: 2 fields where the header has 4',
  ]);
  assert.deepStrictEqual(JSON.parse(first.out), { created: 1, updated: 0, unchanged: 0, rejected: 2 });
  assert.deepStrictEqual(jsonLines(run(['users', 'list'], env).out), [{ id: a, username: 'Doe, Jane "JD"', email: 'jane@example.com', phone: null }]);

  writeFileSync(csv, `username,id,email\nJane Doe,${a},jane@example.org\n`);
  assert.deepStrictEqual(JSON.parse(run(['users', 'import', csv], env).out), { created: 0, updated: 1, unchanged: 0, rejected: 0 });
  assert.deepStrictEqual(jsonLines(run(['users', 'list'], env).out), [{ id: a, username: 'Jane Doe', email: 'jane@example.org', phone: null }]);

  writeFileSync(csv, `id,name\n${b},Bob\n`);
  const header = run(['users', 'import', csv], env);
  assert.equal(header.code, 2);
  assert.match(header.err, /line 1: the header must name the columns id, username/);
  assert.equal(run(['users', 'import', join(dir, 'missing.csv')], env).code, 2);
  writeFileSync(join(dir, 'users.txt'), `id,username\n${b},Bob\n`);
  assert.match(run(['users', 'import', join(dir, 'users.txt')], env).err, /--format csv or --format jsonl/);
  assert.deepStrictEqual(JSON.parse(run(['users', 'import', join(dir, 'users.txt'), '--format', 'csv'], env).out).created, 1);
});

test('users remove erases; audit prints the trail oldest first, by user and since a time', async (t) => {
  const { dir, env } = await tempDatabase(t, 'identity-mfa-import-');
  const [a, b] = [randomUUID(), randomUUID()];
  const file = join(dir, 'users.jsonl');
  writeFileSync(file, `${JSON.stringify({ id: a, username: 'ada', email: 'ada@example.com' })}\n${JSON.stringify({ id: b, username: 'bob' })}\n`);
  assert.equal(run(['users', 'import', file], env).code, 0);
  assert.equal(run(['users', 'add', '--id', randomUUID(), '--username', 'x', '--email', 'nope'], env).err.trim(), 'identity-mfa: email must be an e-mail address');

  const removed = run(['users', 'remove', '--id', a], env);
  assert.deepStrictEqual(JSON.parse(removed.out), { id: a, erased: true });
  assert.match(run(['users', 'remove', '--id', a], env).err, /no user with id/);
  assert.deepStrictEqual(jsonLines(run(['users', 'list'], env).out).map((u) => u.id), [b]);

  const trail = jsonLines(run(['audit'], env).out);
  assert.deepStrictEqual(trail.map((e) => [e.userId, e.event]), [[a, 'user.created'], [b, 'user.created'], [a, 'user.erased']]);
  assert.ok(trail.every((e, i) => i === 0 || e.seq > trail[i - 1].seq));
  assert.ok(!JSON.stringify(trail).includes('ada@example.com'));
  assert.deepStrictEqual(jsonLines(run(['audit', '--user', a], env).out).map((e) => e.event), ['user.created', 'user.erased']);
  assert.deepStrictEqual(jsonLines(run(['audit', '--since', '2999-01-01'], env).out), []);
  assert.equal(jsonLines(run(['audit', '--since', trail[0].at], env).out).length, 3);
  assert.match(run(['audit', '--since', 'yesterday'], env).err, /--since must be an ISO 8601 time/);
  for (const command of [['users', 'import'], ['users', 'list'], ['users', 'remove'], ['audit']]) {
    assert.match(run([...command, '--help']).out, new RegExp(`^usage: identity-mfa ${command.join(' ')}`));
  }
});
