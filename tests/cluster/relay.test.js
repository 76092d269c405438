// The outbox relay across processes and restarts, on PostgreSQL: each
// message is delivered by one relay (a lease), and messages a killed
// process left behind are delivered by another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { call, cluster } from './support.js';

async function webhook(t) {
  const hook = { up: true, keys: [] };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!hook.up) return req.socket.destroy();
      hook.keys.push(req.headers['idempotency-key']);
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  hook.sender = `webhook:http://127.0.0.1:${server.address().port}/send`;
  return hook;
}

// Resolves once every message of `ids` is settled in the store: a state, polled.
async function settled(store, ids) {
  for (let round = 0; round < 600; round++) {
    const messages = (await Promise.all(ids.map((id) => store.readOutbox(id)))).flat();
    if (messages.every((m) => m.status !== 'pending')) return messages;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('messages still pending after 30 s');
}

async function usersWithSetup(c, sidecars, count) {
  const ids = [];
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const id = randomUUID();
    await c.store.addUser({ id, username: `u${i}@example.com`, email: `u${i}@example.com` });
    const r = await call(sidecars[i % sidecars.length].url, 'POST', `/v1/users/${id}/mfa/setup`, { token: await c.token(id), body: { mfaType: 'email' } });
    assert.equal(r.status, 200);
    ids.push(id);
  }));
  return ids;
}

test('two sidecars, one webhook: every message delivered exactly once', async (t) => {
  const hook = await webhook(t);
  const c = await cluster(t, { IDENTITY_MFA_SENDER: hook.sender });
  const sidecars = await Promise.all([c.start(), c.start()]);
  const ids = await usersWithSetup(c, sidecars, 40);
  const messages = await settled(c.store, ids);
  assert.equal(messages.length, 40);
  assert.ok(messages.every((m) => m.status === 'delivered'), JSON.stringify(messages.filter((m) => m.status !== 'delivered')));
  assert.equal(hook.keys.length, 40, 'no message twice');
  assert.deepStrictEqual(new Set(hook.keys), new Set(messages.map((m) => m.id)));
});

test('messages left by a killed sidecar are delivered by the next one', async (t) => {
  const hook = await webhook(t);
  hook.up = false;
  // A short timeout: a relay killed mid-delivery holds its lease 2 × timeout + 5 s.
  const c = await cluster(t, { IDENTITY_MFA_SENDER: hook.sender, IDENTITY_MFA_WEBHOOK_TIMEOUT_MS: '500' });
  const first = await c.start();
  const ids = await usersWithSetup(c, [first], 5);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok((await Promise.all(ids.map((id) => c.store.readOutbox(id)))).flat().every((m) => m.status === 'pending'));
  hook.up = true;
  await c.start();
  const messages = await settled(c.store, ids);
  assert.ok(messages.every((m) => m.status === 'delivered'));
  assert.equal(hook.keys.length, 5);
});
