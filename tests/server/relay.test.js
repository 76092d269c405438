// The transactional outbox and its relay, with a webhook sender: the client
// gets its answer at once whatever the webhook does; the relay delivers each
// message with its id as the idempotency key, retries with backoff, and
// settles it delivered or failed for good, audited. The clock is the test's
// and the relay runs when the test says (app.relay.runOnce), so nothing here
// waits on time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, userSession } from './support/server.js';

// A webhook whose answers the test scripts: a list of statuses, or 'hang'
// (never answers), or 'down' (drops the connection, as a host that is down).
async function webhook(t, answers = []) {
  const received = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ key: req.headers['idempotency-key'], body: JSON.parse(body) });
      const answer = answers.shift() ?? 204;
      if (answer === 'hang') return; // never answers: the relay's timeout decides
      if (answer === 'down') {
        received.pop();
        return req.socket.destroy();
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { hook.closeAllConnections(); hook.close(resolve); }));
  return { url: `webhook:http://127.0.0.1:${hook.address().port}/send`, received, answers };
}

const events = async (server, id) => (await server.store.readAudit(id)).map((a) => a.event);

test('delivered at once when the webhook answers: {id, userId, channel, to, text}, Idempotency-Key: id', async (t) => {
  const hook = await webhook(t);
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: hook.url } });
  t.after(() => server.close());
  const ada = await userSession(server);
  assert.equal((await ada.setup('sms')).status, 200);
  await server.app.relay.idle();
  assert.equal(hook.received.length, 1);
  const [{ key, body }] = hook.received;
  assert.deepStrictEqual(Object.keys(body).sort(), ['channel', 'id', 'text', 'to', 'userId']);
  assert.equal(body.id, key);
  assert.deepStrictEqual([body.userId, body.channel, body.to], [ada.id, 'sms', '+15550100']);
  const [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.id, message.status, message.attempts], [key, 'delivered', 1]);
  assert.equal((await ada.verify({ mfaType: 'sms', passcode: body.text.match(/\d{6}/)[0] })).status, 200);
  assert.ok((await events(server, ada.id)).includes('message.delivered'));
});

test('webhook down: the client still gets 200 at once; the message waits and goes once the webhook is back', async (t) => {
  const hook = await webhook(t, ['down']);
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: hook.url } });
  t.after(() => server.close());
  const ada = await userSession(server);
  const setup = await ada.setup('email');
  assert.equal(setup.status, 200, 'not 500: the enrollment and its message are stored');
  await server.app.relay.idle();
  let [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.attempts], ['pending', 1]);
  assert.match(message.lastError, /webhook unreachable/);
  // A resend within 30 s is still the throttle's 429, not a second code.
  assert.equal((await ada.setup('email')).json.code, 'IDE-0905');

  server.clock.advance(1000); // the webhook is back
  await server.app.relay.runOnce();
  [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.attempts], ['delivered', 2]);
  assert.equal(hook.received[0].key, message.id);
});

test('a 500 and a webhook that hangs are retried with the same idempotency key; the provider can drop repeats', async (t) => {
  const hook = await webhook(t, [500, 'hang', 204]);
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: hook.url, IDENTITY_MFA_WEBHOOK_TIMEOUT_MS: '200' } });
  t.after(() => server.close());
  const ada = await userSession(server);
  assert.equal((await ada.setup('sms')).status, 200);
  await server.app.relay.idle(); // attempt 1: 500
  server.clock.advance(1000);
  await server.app.relay.runOnce(); // attempt 2: no answer within the timeout
  let [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.attempts], ['pending', 2]);
  assert.match(message.lastError, /did not answer within 200 ms/);
  server.clock.advance(1000); // not yet: the second backoff is 2 s
  await server.app.relay.runOnce();
  assert.equal(hook.received.length, 2);
  server.clock.advance(1000);
  await server.app.relay.runOnce(); // attempt 3: 204
  [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.attempts], ['delivered', 3]);
  assert.deepStrictEqual(new Set(hook.received.map((r) => r.key)), new Set([message.id]));
  assert.deepStrictEqual(new Set(hook.received.map((r) => r.body.text)).size, 1, 'one code, the same on every attempt');
});

test('refused by the webhook (a 4xx): failed for good at once, audited, never sent again', async (t) => {
  const hook = await webhook(t, [422]);
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: hook.url } });
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.setup('email');
  await server.app.relay.idle();
  server.clock.advance(60_000);
  await server.app.relay.runOnce();
  const [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.attempts, message.lastError], ['failed', 1, 'webhook answered 422']);
  assert.equal(hook.received.length, 1);
  assert.ok((await events(server, ada.id)).includes('message.failed'));
});

test('a code that expires before it could be delivered is failed, not sent late', async (t) => {
  const hook = await webhook(t, ['down']);
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: hook.url } });
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.setup('sms');
  await server.app.relay.idle();
  server.clock.advance(5 * 60_000); // the webhook is back, but too late
  await server.app.relay.runOnce();
  const [message] = await server.store.readOutbox(ada.id);
  assert.deepStrictEqual([message.status, message.lastError], ['failed', 'the code expired before it was delivered']);
  assert.equal(hook.received.length, 0);
  assert.deepStrictEqual((await events(server, ada.id)).filter((e) => e.startsWith('message.')), ['message.failed']);
});

test('the metrics show the queue: how many wait, and the oldest one\'s age', async (t) => {
  const server = await startServer({ env: { IDENTITY_MFA_SENDER: 'webhook:http://127.0.0.1:9/send' } });
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.setup('sms');
  await server.app.relay.idle();
  server.clock.advance(42_000);
  const metrics = (await server.request('GET', '/metrics')).text;
  assert.match(metrics, /^identity_mfa_outbox_pending_messages 1$/m);
  assert.match(metrics, /^identity_mfa_outbox_oldest_pending_seconds 42$/m);
});
