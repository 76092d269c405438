// Two sidecar processes on one database (PostgreSQL, or one SQLite file): the
// promises hold across them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { totp } from '../vectors/src/reference.mjs';
import { call, cluster } from './support.js';

async function enrolledUpToVerify(c, a) {
  const id = randomUUID();
  await c.store.addUser({ id, username: `${id}@example.com`, email: `${id}@example.com` });
  const token = await c.token(id);
  const setup = (await call(a.url, 'POST', `/v1/users/${id}/mfa/setup`, { token, body: { mfaType: 'app' } })).json;
  return { id, token, ...setup };
}

test('100 concurrent enables over two processes: exactly one 200, the code consumed once', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const u = await enrolledUpToVerify(c, a);
  const path = `/v1/users/${u.id}/mfa`;
  assert.equal((await call(b.url, 'POST', `${path}/verify`, { token: u.token, body: { mfaType: 'app', secret: u.secret, passcode: totp(u.secret, Date.now()) } })).status, 200);
  const body = { mfaType: 'app', secret: u.secret, recoveryCode: u.recoveryCodes[0] };
  const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `${path}/enable`, { token: u.token, body })));
  const statuses = responses.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
  assert.ok(responses.every((r) => r.status === 200 || r.json.code === 'IDE-0040'));
  assert.equal((await call(a.url, 'GET', path, { token: u.token })).json.recoveryCodesRemaining, 9);
  const reuse = await call(b.url, 'POST', `${path}/disable`, { token: u.token, body: { mfaType: 'app', recoveryCode: u.recoveryCodes[0] } });
  assert.equal(reuse.json.code, 'IDE-0901');
  const enables = (await c.store.readAudit(u.id)).filter((e) => e.event === 'enable.ok');
  assert.equal(enables.length, 1);
});

test('one TOTP code sent to verify on both processes at once is accepted at most once', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const u = await enrolledUpToVerify(c, a);
  const body = { mfaType: 'app', secret: u.secret, passcode: totp(u.secret, Date.now()) };
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `/v1/users/${u.id}/mfa/verify`, { token: u.token, body })));
  const accepted = responses.filter((r) => r.status === 200).length;
  assert.equal(accepted, 1, responses.map((r) => r.status).join(','));
  // Replays are failed attempts: after five of them the user is locked.
  assert.ok(responses.every((r) => r.status === 200 || ['IDE-0902', 'IDE-0905'].includes(r.json.code)), responses.map((r) => r.json.code ?? r.status).join(','));
});

async function enabled(c, a) {
  const u = await enrolledUpToVerify(c, a);
  const path = `/v1/users/${u.id}/mfa`;
  assert.equal((await call(a.url, 'POST', `${path}/verify`, { token: u.token, body: { mfaType: 'app', secret: u.secret, passcode: totp(u.secret, Date.now()) } })).status, 200);
  assert.equal((await call(a.url, 'POST', `${path}/enable`, { token: u.token, body: { mfaType: 'app', secret: u.secret, recoveryCode: u.recoveryCodes[0] } })).status, 200);
  return { ...u, path };
}

test('50 concurrent checks of one recovery code over two processes: exactly one 200', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const u = await enabled(c, a);
  const body = { recoveryCode: u.recoveryCodes[1] };
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `${u.path}/check`, { token: u.token, body })));
  const statuses = responses.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
  // The others are the code already used, counted: after five of them, the lock.
  assert.ok(responses.every((r) => r.status === 200 || ['IDE-0901', 'IDE-0905'].includes(r.json.code)), statuses.join(','));
  assert.equal((await c.store.readAudit(u.id)).filter((e) => e.event === 'check.ok').length, 1);
});

test('one TOTP code checked on both processes at once is accepted once', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const u = await enabled(c, a);
  // A code of the next step: the step verify accepted is already claimed.
  const body = { mfaType: 'app', passcode: totp(u.secret, Date.now(), { offset: 1 }) };
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `${u.path}/check`, { token: u.token, body })));
  // Never twice; and once, since every request first sees the code unused
  // and the compare-and-set's losers decide again on the winner's state.
  assert.equal(responses.filter((r) => r.status === 200).length, 1, responses.map((r) => r.status).join(','));
  assert.ok(responses.every((r) => r.status === 200 || ['IDE-0902', 'IDE-0905'].includes(r.json.code)));
  assert.equal((await c.store.readAudit(u.id)).filter((e) => e.event === 'check.ok').length, 1);
});

test('the lockout counter holds across processes', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const u = await enrolledUpToVerify(c, a);
  const wrong = totp(u.secret, Date.now(), { offset: 9 });
  const path = `/v1/users/${u.id}/mfa/verify`;
  const codes = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(i % 2 ? a.url : b.url, 'POST', path, { token: u.token, body: { mfaType: 'app', secret: u.secret, passcode: wrong } });
    codes.push(r.json.code);
  }
  assert.deepStrictEqual(codes, ['IDE-0902', 'IDE-0902', 'IDE-0902', 'IDE-0902', 'IDE-0905']);
  const right = await call(a.url, 'POST', path, { token: u.token, body: { mfaType: 'app', secret: u.secret, passcode: totp(u.secret, Date.now()) } });
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 890);
});

test('serve --workers 2: both workers answer on one port', async (t) => {
  const c = await cluster(t);
  const s = await c.start(['--workers', '2']);
  const id = randomUUID();
  await c.store.addUser({ id, username: 'ada' });
  const token = await c.token(id);
  const responses = await Promise.all(Array.from({ length: 40 }, () => call(s.url, 'GET', `/v1/users/${id}/mfa`, { token })));
  assert.ok(responses.every((r) => r.status === 200));
  // Each worker writes its line when it listens: wait for the second.
  const pids = () => new Set([...s.output().matchAll(/"pid":(\d+)[^\n]*Server listening/g)].map((m) => m[1]));
  while (pids().size < 2) await new Promise((resolve) => s.child.stdout.once('data', resolve));
  assert.equal(pids().size, 2, 'two workers listening');
});

test('serve --workers 2: a worker killed during a stream of new connections leaves none waiting', async (t) => {
  const c = await cluster(t);
  const s = await c.start(['--workers', '2']);
  // Wait for both workers to listen (their lines carry their pids).
  const pids = async () => [...new Set([...s.output().matchAll(/"pid":(\d+)[^\n]*Server listening/g)].map((m) => Number(m[1])))];
  while ((await pids()).length < 2) await new Promise((resolve) => s.child.stdout.once('data', resolve));
  const [victim] = await pids();
  // Each request on a new connection; each must be answered or refused within 2 s.
  const fresh = () => new Promise((resolve) => {
    const req = request(`${s.url}/health/live`, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve('answered'));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('waited');
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
  const outcomes = [];
  let killed = false;
  let replaced = false;
  for (let i = 0; i < 2000 && !(replaced && outcomes.length > 200); i++) {
    const batch = await Promise.all(Array.from({ length: 8 }, fresh));
    outcomes.push(...batch);
    if (!killed && outcomes.length >= 40) {
      process.kill(victim, 'SIGKILL');
      killed = true;
    }
    replaced ||= killed && (await pids()).length >= 3 && /worker \d+ exited/.test(s.output());
  }
  assert.ok(replaced, 'the killed worker was replaced');
  assert.equal(outcomes.filter((o) => o === 'waited').length, 0, `${outcomes.filter((o) => o === 'waited').length} connections waited 2 s`);
  assert.ok(outcomes.filter((o) => o === 'answered').length > outcomes.length * 0.9);
});
