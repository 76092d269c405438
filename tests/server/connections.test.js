// Connections a client holds open cannot starve the sidecar: a request must
// arrive whole within its timeout, and past the connection cap a new
// connection is closed at once. Waits are on socket events, never on time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, userSession } from './support/server.js';

function open(url) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => { received += chunk; });
  const ended = new Promise((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => {});
  return { socket, ended, received: () => received, connected: new Promise((resolve) => socket.on('connect', resolve)) };
}

// One keep-alive request on an open socket, resolved with its status line.
function ask(client, path) {
  const before = client.received().length;
  client.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return new Promise((resolve, reject) => {
    const check = () => {
      const text = client.received().slice(before);
      if (/\r\n\r\n/.test(text)) {
        client.socket.off('data', check);
        resolve(text.split('\r\n')[0]);
      }
    };
    client.socket.on('data', check);
    client.ended.then(() => reject(new Error(`the connection closed before an answer to ${path}`)));
  });
}

// Resolves once the server counts `n` open connections.
async function connectionsAre(app, n) {
  for (;;) {
    const count = await new Promise((resolve) => app.server.getConnections((error, c) => resolve(c)));
    if (count === n) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('a body that never finishes arriving is cut off with 408, and the sidecar keeps serving', async (t) => {
  const server = await startServer({ env: { IDENTITY_MFA_REQUEST_TIMEOUT_MS: '300' } });
  t.after(() => server.close());
  const ada = await userSession(server);
  const slow = open(server.url);
  await slow.connected;
  // Headers promise 100 bytes; 10 come, then nothing.
  slow.socket.write(`POST /v1/users/${ada.id}/mfa/setup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ada.token}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"mfaType"');
  const answer = await slow.ended;
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.equal((await ada.status()).status, 200);
});

test('headers that never finish arriving are cut off too', async (t) => {
  const server = await startServer({ env: { IDENTITY_MFA_REQUEST_TIMEOUT_MS: '300' } });
  t.after(() => server.close());
  const slow = open(server.url);
  await slow.connected;
  slow.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const answer = await slow.ended;
  assert.match(answer, /^(HTTP\/1\.1 408 |$)/);
});

test('past the connection cap a new connection is closed at once; those open keep working', async (t) => {
  const server = await startServer({ env: { IDENTITY_MFA_MAX_CONNECTIONS: '4' } });
  t.after(() => server.close());
  const held = Array.from({ length: 4 }, () => open(server.url));
  t.after(() => held.forEach((c) => c.socket.destroy()));
  for (const c of held) assert.equal(await ask(c, '/health/live'), 'HTTP/1.1 200 OK');
  const extra = open(server.url);
  assert.equal(await extra.ended, '', 'closed without an answer');
  assert.equal(await ask(held[0], '/health/live'), 'HTTP/1.1 200 OK');
  // Once one closes, there is room again.
  held[3].socket.destroy();
  await connectionsAre(server.app, 3);
  const next = open(server.url);
  t.after(() => next.socket.destroy());
  assert.equal(await ask(next, '/health/live'), 'HTTP/1.1 200 OK');
});

test('timeouts and the cap come from the configuration, with safe defaults', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const { config, app } = server;
  assert.deepStrictEqual([config.requestTimeoutMs, config.keepAliveTimeoutMs, config.maxConnections], [10000, 72000, 512]);
  assert.equal(app.server.requestTimeout, 10000);
  assert.equal(app.server.headersTimeout, 10000);
  assert.equal(app.server.keepAliveTimeout, 72000);
  assert.equal(app.server.maxConnections, 512);
});

test('a client that leaves before its answer is written: the decision stands, and the sidecar keeps serving', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const leaving = open(server.url);
  await leaving.connected;
  const body = '{"mfaType":"app"}';
  // The whole request, then the connection closed from this side at once:
  // the answer, decided later, finds a closed socket.
  leaving.socket.end(`POST /v1/users/${ada.id}/mfa/setup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ada.token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  leaving.socket.destroy();
  await leaving.ended;
  // The setup was decided and stored even so: its pending factor shows.
  for (;;) {
    const { state } = await server.store.loadState(ada.id);
    if (state !== '') break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const status = await ada.status();
  assert.equal(status.status, 200);
  assert.equal(status.json.pending[0].mfaType, 'app');
  const other = await userSession(server);
  assert.equal((await other.setup('app')).status, 200);
  assert.doesNotMatch(server.logs(), /"level":50/, 'nothing logged as an error');
});

test('answers of busy turns, gathered and written together, each reach their own request', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const sessions = [];
  for (let i = 0; i < 24; i++) sessions.push(await userSession(server, { username: `user${i}@example.com`, email: `user${i}@example.com` }));
  // Every user at once, over many connections, as a busy client does: each
  // answer, as it arrives, brings that user's next request, so the
  // requests of a turn are decided together and their answers leave
  // together at its end (after the first busy turn).
  const answers = await Promise.all(sessions.map(async (s) => {
    const before = [await s.status(), await s.status()];
    const setup = await s.setup('app');
    return { before, setup, after: await s.status() };
  }));
  answers.forEach(({ before, setup, after }, i) => {
    for (const status of before) assert.deepStrictEqual([status.status, status.json.pending], [200, []], `user${i}`);
    assert.equal(setup.status, 200);
    assert.match(setup.json.url, new RegExp(`^otpauth://totp/identity-mfa:user${i}%40example\\.com\\?secret=${setup.json.secret}&`));
    assert.equal(after.json.pending[0].mfaType, 'app', `user${i}`);
  });
});
