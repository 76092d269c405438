// Faults: a sidecar killed mid-load, PostgreSQL stopped during traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { totp } from '../vectors/src/reference.mjs';
import { call, cluster, pgCtl } from './support.js';

test('kill -9 of a sidecar during a load of enables: nothing half-done, the other keeps serving', async (t) => {
  const c = await cluster(t);
  const [a, b] = await Promise.all([c.start(), c.start()]);
  const users = [];
  for (let i = 0; i < 120; i++) {
    const id = randomUUID();
    await c.store.addUser({ id, username: `u${i}@example.com` });
    const token = await c.token(id);
    const setup = (await call(b.url, 'POST', `/v1/users/${id}/mfa/setup`, { token, body: { mfaType: 'app' } })).json;
    await call(b.url, 'POST', `/v1/users/${id}/mfa/verify`, { token, body: { mfaType: 'app', secret: setup.secret, passcode: totp(setup.secret, Date.now()) } });
    users.push({ id, token, ...setup });
  }
  // Killed once it has answered a few: some of its enables done, some in
  // flight, some not yet received.
  let answeredByA = 0;
  const responses = await Promise.all(users.map(async (u, i) => {
    const toA = i % 2 === 1;
    const r = await call(toA ? a.url : b.url, 'POST', `/v1/users/${u.id}/mfa/enable`,
      { token: u.token, body: { mfaType: 'app', secret: u.secret, recoveryCode: u.recoveryCodes[0] } });
    if (toA && r.status === 200 && ++answeredByA === 5) a.child.kill('SIGKILL');
    return r;
  }));
  assert.equal(await a.exited, 'SIGKILL');
  const counts = responses.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
  assert.ok(counts[0] > 0 && answeredByA >= 5, `killed mid-load: ${JSON.stringify(counts)}`);

  for (const [i, u] of users.entries()) {
    const status = (await call(b.url, 'GET', `/v1/users/${u.id}/mfa`, { token: u.token })).json;
    if (status.enabled) {
      // Enabled: all of it — the factor, 9 codes left, the pending enrollment gone, the code consumed.
      assert.deepStrictEqual([status.methods, status.recoveryCodesRemaining, status.pending], [['app'], 9, []], u.id);
      const reuse = await call(b.url, 'POST', `/v1/users/${u.id}/mfa/disable`, { token: u.token, body: { mfaType: 'app', recoveryCode: u.recoveryCodes[0] } });
      assert.equal(reuse.json.code, 'IDE-0901');
    } else {
      // Not enabled: none of it — still pending and verified; enabling now works once.
      assert.deepStrictEqual([status.recoveryCodesRemaining, status.pending.map((p) => p.verified)], [0, [true]], u.id);
      assert.notEqual(responses[i].status, 200, 'a 200 was answered but not stored');
      const retry = await call(b.url, 'POST', `/v1/users/${u.id}/mfa/enable`, { token: u.token, body: { mfaType: 'app', secret: u.secret, recoveryCode: u.recoveryCodes[0] } });
      assert.equal(retry.status, 200);
    }
  }
});

test('PostgreSQL stopped during traffic: fast catalog errors, not ready, then serving again without a restart', async (t) => {
  const c = await cluster(t);
  const s = await c.start();
  const id = randomUUID();
  await c.store.addUser({ id, username: 'ada' });
  const token = await c.token(id);
  const path = `/v1/users/${id}/mfa`;
  assert.equal((await call(s.url, 'GET', path, { token })).status, 200);

  pgCtl('stop');
  t.after(() => {
    try {
      pgCtl('start');
    } catch {
      // already running
    }
  });
  const started = Date.now();
  const during = await Promise.all([
    call(s.url, 'GET', path, { token }),
    call(s.url, 'POST', `${path}/setup`, { token, body: { mfaType: 'app' } }),
  ]);
  assert.ok(Date.now() - started < 10000, 'answered within the bounded timeout');
  for (const r of during) {
    assert.equal(r.status, 500);
    assert.ok(['IDE-0045', 'IDE-0006'].includes(r.json.code), r.json.code);
  }
  assert.equal((await call(s.url, 'GET', '/health/ready')).status, 503);

  pgCtl('start');
  let ready = 0;
  for (let i = 0; i < 50 && ready !== 200; i++) {
    ready = (await call(s.url, 'GET', '/health/ready')).status;
    if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(ready, 200);
  assert.equal((await call(s.url, 'GET', path, { token })).status, 200);
  assert.equal((await call(s.url, 'POST', `${path}/setup`, { token, body: { mfaType: 'app' } })).status, 200);
});
