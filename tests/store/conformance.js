// The store conformance suite: what the routes rely on, held against any
// implementation of the Store interface (server/index.d.ts). A backend's test
// file calls storeConformance(name, open), where open() resolves to
// { store, drop } for a fresh, empty database (not yet migrated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

export function storeConformance(name, open) {
  // A fresh store for one test, migrated, closed and dropped after it.
  async function fresh(t) {
    const { store, drop } = await open();
    t.after(async () => {
      await store.close();
      await drop();
    });
    await store.migrate();
    return store;
  }
  const ada = () => ({ id: randomUUID(), username: 'ada@example.com', email: 'ada@example.com', phone: '+15550100' });
  const event = (name, extra = {}) => ({ at: '2027-01-15T08:00:10.000Z', requestId: 'r1', event: name, mfaType: 'app', actor: null, actorAdmin: null, ...extra });

  test(`${name}: migrate applies each version once and reports what it applied`, async (t) => {
    const { store, drop } = await open();
    t.after(async () => {
      await store.close();
      await drop();
    });
    const first = await store.migrate();
    assert.ok(first.length >= 1 && first.every(Number.isInteger), JSON.stringify(first));
    assert.deepStrictEqual(await store.migrate(), []);
    await store.ping();
    await store.probeWrite();
    await store.probeWrite();
    assert.equal(typeof store.kind, 'string');
  });

  test(`${name}: a new user has an empty state at version 0; ids are unique`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    assert.equal(await store.getUser(u.id), null);
    assert.equal(await store.loadUserState(u.id), null);
    await store.addUser(u);
    assert.deepStrictEqual(await store.getUser(u.id), u);
    assert.deepStrictEqual(await store.loadUserState(u.id), { user: u, state: '', version: 0 });
    assert.deepStrictEqual(await store.loadState(u.id), { state: '', version: 0 });
    await assert.rejects(store.addUser({ ...u, username: 'again' }));
    const grace = { id: randomUUID(), username: 'grace' };
    await store.addUser(grace);
    assert.deepStrictEqual(await store.getUser(grace.id), { ...grace, email: null, phone: null });
    assert.deepStrictEqual(await store.userIds(), [u.id, grace.id].sort());
  });

  test(`${name}: commit is a compare-and-set on the version, with its audit and outbox or nothing`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    await store.addUser(u);
    const message = { channel: 'email', to: u.email, text: 'Your code is 123456.' };
    assert.equal(await store.commit(u.id, { state: 's1', expectedVersion: 0, audit: [event('setup', { actor: u.id, actorAdmin: false })], outbox: message }), true);
    assert.deepStrictEqual(await store.loadState(u.id), { state: 's1', version: 1 });
    // A stale version: nothing at all is written.
    assert.equal(await store.commit(u.id, { state: 'stale', expectedVersion: 0, audit: [event('lost')], outbox: message }), false);
    assert.deepStrictEqual(await store.loadState(u.id), { state: 's1', version: 1 });
    assert.deepStrictEqual((await store.readAudit(u.id)).map((a) => a.event), ['setup']);
    assert.equal((await store.readOutbox(u.id)).length, 1);
    // Audit alone: no compare-and-set, always written.
    assert.equal(await store.commit(u.id, { audit: [event('verify.failed', { requestId: null, mfaType: null })] }), true);
    const audit = await store.readAudit(u.id);
    assert.deepStrictEqual(audit.at(-1), { at: '2027-01-15T08:00:10.000Z', requestId: null, userId: u.id, event: 'verify.failed', mfaType: null, actor: null, actorAdmin: null });
    assert.deepStrictEqual(audit[0], { at: '2027-01-15T08:00:10.000Z', requestId: 'r1', userId: u.id, event: 'setup', mfaType: 'app', actor: u.id, actorAdmin: false });
    await store.commit(u.id, { audit: [event('disable', { actor: 'service-1', actorAdmin: true })] });
    assert.deepStrictEqual((await store.readAudit(u.id)).at(-1).actorAdmin, true);
    assert.equal(await store.commit(u.id, { state: 's2', expectedVersion: 1, audit: [] }), true);
    assert.deepStrictEqual(await store.loadUserState(u.id), { user: u, state: 's2', version: 2 });
  });

  test(`${name}: of concurrent commits on one version exactly one applies`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    await store.addUser(u);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.commit(u.id, { state: `s${i}`, expectedVersion: 0, audit: [event(`e${i}`)] })));
    assert.equal(results.filter(Boolean).length, 1);
    const winner = results.indexOf(true);
    assert.deepStrictEqual(await store.loadState(u.id), { state: `s${winner}`, version: 1 });
    assert.deepStrictEqual((await store.readAudit(u.id)).map((a) => a.event), [`e${winner}`]);
  });

  test(`${name}: a commit for an unknown user applies nothing`, async (t) => {
    const store = await fresh(t);
    const id = randomUUID();
    assert.equal(await store.commit(id, { state: 'x', expectedVersion: 0, audit: [event('setup')] }), false);
    assert.deepStrictEqual(await store.readAudit(id), []);
  });

  test(`${name}: the outbox reads oldest first, for one user or all`, async (t) => {
    const store = await fresh(t);
    const [a, b] = [ada(), { ...ada(), email: 'b@example.com' }];
    await store.addUser(a);
    await store.addUser(b);
    await store.commit(a.id, { outbox: { channel: 'email', to: a.email, text: 'one' } });
    await store.commit(b.id, { outbox: { channel: 'sms', to: b.phone, text: 'two' } });
    await store.commit(a.id, { outbox: { channel: 'email', to: a.email, text: 'three' } });
    assert.deepStrictEqual((await store.readOutbox()).map((m) => m.text), ['one', 'two', 'three']);
    const mine = await store.readOutbox(a.id);
    assert.deepStrictEqual(mine.map((m) => [m.userId, m.channel, m.to, m.text]), [[a.id, 'email', a.email, 'one'], [a.id, 'email', a.email, 'three']]);
    assert.match(mine[0].createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  test(`${name}: outbox messages keep the decision's time, and those before a time can be purged`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    await store.addUser(u);
    for (const at of ['2027-01-15T08:00:00.000Z', '2027-01-15T08:04:59.999Z', '2027-01-15T08:05:00.000Z']) {
      await store.commit(u.id, { outbox: { channel: 'email', to: u.email, text: at, at } });
    }
    assert.deepStrictEqual((await store.readOutbox(u.id)).map((m) => m.createdAt), ['2027-01-15T08:00:00.000Z', '2027-01-15T08:04:59.999Z', '2027-01-15T08:05:00.000Z']);
    assert.equal(await store.purgeOutbox('2027-01-15T08:05:00.000Z'), 2);
    assert.deepStrictEqual((await store.readOutbox(u.id)).map((m) => m.text), ['2027-01-15T08:05:00.000Z']);
    assert.equal(await store.purgeOutbox('2027-01-15T08:05:00.000Z'), 0);
  });
}
