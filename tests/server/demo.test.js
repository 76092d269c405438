// Demo mode hands out tokens, so it is kept to this machine: /demo/session
// answers only a loopback Host (no DNS rebinding), says nothing of where the
// data lives, `serve --demo` refuses a non-loopback address unless forced,
// and the CLI reaches the demo data with --demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { buildApp } from 'identity-mfa/server';
import { prepareDemo } from '../../server/demo/prepare.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;

async function demo(t) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-demo-'));
  const prepared = await prepareDemo({ dataDir: dir, host: '127.0.0.1', port: 0 });
  const app = await buildApp({ config: prepared.config, demo: { userId: prepared.userId }, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, port: app.server.address().port, userId: prepared.userId };
}

// GET with a Host header of our choosing (fetch() will not let us set one).
function get(port, path, host) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject).end();
  });
}

test('/demo/session answers a loopback Host only, and names no path', async (t) => {
  const { port, dir, userId } = await demo(t);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`]) {
    const answer = await get(port, '/demo/session', host);
    assert.equal(answer.status, 200, host);
    const session = JSON.parse(answer.body);
    assert.equal(session.userId, userId);
    assert.ok(!answer.body.includes(dir) && !answer.body.includes('.db') && !answer.body.includes('/tmp'), answer.body);
    assert.match(session.outboxCommand, new RegExp(`outbox --demo --user ${userId}$`));
  }
  for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', `10.0.0.5:${port}`]) {
    const answer = await get(port, '/demo/session', host);
    assert.equal(answer.status, 404, host);
    assert.equal(JSON.parse(answer.body).code, 'IDE-0908');
  }
});

test('serve --demo refuses an address other than loopback unless --demo-public', () => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-demo-'));
  try {
    const out = spawnSync(process.execPath, [cli, 'serve', '--demo', '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { PATH: process.env.PATH, IDENTITY_MFA_DATA: dir } });
    assert.equal(out.status, 2);
    assert.match(out.stderr, /--demo hands out tokens.*--demo-public/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI reaches the demo data with --demo: outbox, token', async (t) => {
  const { dir, userId, port } = await demo(t);
  const env = { PATH: process.env.PATH, IDENTITY_MFA_DATA: dir };
  const token = spawnSync(process.execPath, [cli, 'token', '--demo', '--sub', userId], { encoding: 'utf8', env, cwd: root });
  assert.equal(token.status, 0, token.stderr);
  const setup = await fetch(`http://127.0.0.1:${port}/v1/users/${userId}/mfa/setup`, {
    method: 'POST', headers: { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' }, body: '{"mfaType":"email"}',
  });
  assert.equal(setup.status, 200);
  const session = JSON.parse((await get(port, '/demo/session', 'localhost')).body);
  const outbox = spawnSync('/bin/sh', ['-c', session.outboxCommand], { encoding: 'utf8', env, cwd: root });
  assert.equal(outbox.status, 0, outbox.stderr);
  assert.match(JSON.parse(outbox.stdout.trim().split('\n').at(-1)).text, /verification code is \d{6}/);
  const none = spawnSync(process.execPath, [cli, 'outbox', '--demo'], { encoding: 'utf8', env: { PATH: process.env.PATH, IDENTITY_MFA_DATA: join(dir, 'elsewhere') }, cwd: root });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no demo data in .*elsewhere: run `npm start` \(serve --demo\) first/);
});
