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
  test(`${name}: putUsers creates, updates or leaves each user, audited, in one transaction`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    const by = { requestId: 'r-put', actor: 'admin-1', actorAdmin: true };
    assert.deepStrictEqual(await store.putUsers([u], by), ['created']);
    assert.deepStrictEqual(await store.loadUserState(u.id), { user: u, state: '', version: 0 });
    assert.deepStrictEqual(await store.putUsers([u], by), ['unchanged']);
    const moved = { ...u, email: '', phone: '+15550199' };
    const grace = { id: randomUUID().toUpperCase(), username: 'grace' };
    assert.deepStrictEqual(await store.putUsers([moved, grace], by), ['updated', 'created']);
    assert.deepStrictEqual(await store.getUser(u.id), { ...u, email: null, phone: '+15550199' });
    assert.deepStrictEqual(await store.getUser(grace.id.toLowerCase()), { id: grace.id.toLowerCase(), username: 'grace', email: null, phone: null });
    const audit = await store.readAudit(u.id);
    assert.deepStrictEqual(audit.map((a) => [a.event, a.actor, a.actorAdmin, a.requestId]),
      [['user.created', 'admin-1', true, 'r-put'], ['user.updated', 'admin-1', true, 'r-put']]);
    // An update keeps the MFA state.
    assert.equal(await store.commit(u.id, { state: 's1', expectedVersion: 0, audit: [] }), true);
    await store.putUsers([{ ...u, username: 'ada2' }], by);
    assert.deepStrictEqual(await store.loadState(u.id), { state: 's1', version: 1 });
  });

  test(`${name}: a batch that names a user twice ends as its later row says`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    const v = ada();
    await store.putUsers([v]);
    assert.deepStrictEqual(await store.putUsers([u, { ...u, username: 'later' }, { ...v, phone: '' }, { ...u, username: 'later' }]),
      ['created', 'updated', 'updated', 'unchanged']);
    assert.equal((await store.getUser(u.id)).username, 'later');
    assert.equal((await store.getUser(v.id)).phone, null);
    assert.deepStrictEqual((await store.readAudit(u.id)).map((a) => a.event), ['user.created', 'user.updated']);
  });

  test(`${name}: concurrent puts of one new user create it once`, async (t) => {
    const store = await fresh(t);
    const u = ada();
    const outcomes = (await Promise.all(Array.from({ length: 8 }, () => store.putUsers([u])))).flat();
    assert.equal(outcomes.filter((o) => o === 'created').length, 1, outcomes.join());
    assert.ok(outcomes.every((o) => o === 'created' || o === 'unchanged'), outcomes.join());
  });

  test(`${name}: eraseUser leaves no personal data, keeps the audit rows and adds user.erased`, async (t) => {
    const store = await fresh(t);
    const u = { ...ada(), username: 'Ada Erasable', email: 'erase.me@example.com', phone: '+15550111' };
    const other = ada();
    await store.putUsers([u, other]);
    await store.commit(u.id, { state: 'secret-state-of-ada', expectedVersion: 0, audit: [event('setup')], outbox: { channel: 'sms', to: u.phone, text: 'Your code is 123456.' } });
    await store.commit(other.id, { state: 's', expectedVersion: 0, audit: [], outbox: { channel: 'email', to: other.email, text: 'Your code is 654321.' } });
    assert.equal(await store.eraseUser(u.id, { requestId: 'r-erase', actor: 'admin-1', actorAdmin: true }), true);
    assert.equal(await store.eraseUser(u.id), false);
    assert.equal(await store.getUser(u.id), null);
    assert.equal(await store.loadUserState(u.id), null);
    assert.deepStrictEqual(await store.readOutbox(u.id), []);
    assert.equal((await store.readOutbox(other.id)).length, 1);
    const audit = await store.readAudit(u.id);
    assert.deepStrictEqual(audit.map((a) => a.event), ['user.created', 'setup', 'user.erased']);
    const dump = JSON.stringify([await store.listUsers(), await store.readOutbox(), await store.auditLog()]);
    for (const personal of [u.username, u.email, u.phone, 'secret-state-of-ada', '123456']) assert.ok(!dump.includes(personal), personal);
    assert.ok(dump.includes(other.email));
  });

  test(`${name}: listUsers pages in id order; auditLog reads oldest first by user and time`, async (t) => {
    const store = await fresh(t);
    const users = Array.from({ length: 5 }, () => ({ id: randomUUID(), username: 'u' }));
    await store.putUsers(users, { at: '2027-01-01T00:00:00.000Z' });
    const ids = users.map((u) => u.id).sort();
    const first = await store.listUsers({ limit: 3 });
    const rest = await store.listUsers({ after: first.at(-1).id, limit: 3 });
    assert.deepStrictEqual([...first, ...rest].map((u) => u.id), ids);
    await store.commit(ids[0], { audit: [event('verify.failed', { at: '2027-02-01T00:00:00.000Z' })] });
    const all = await store.auditLog();
    assert.equal(all.length, 6);
    assert.ok(all.every((a, i) => i === 0 || a.seq > all[i - 1].seq));
    assert.deepStrictEqual((await store.auditLog({ userId: ids[0] })).map((a) => a.event), ['user.created', 'verify.failed']);
    assert.deepStrictEqual((await store.auditLog({ since: '2027-01-15T00:00:00.000Z' })).map((a) => a.event), ['verify.failed']);
    const page = await store.auditLog({ limit: 4 });
    assert.equal((await store.auditLog({ after: page.at(-1).seq })).length, 2);
  });
}
