// Logs users can live with: one access line per request (method, route,
// path without its query, status, duration, request id), none for health
// checks and metrics at info, no query string and no header ever; request
// ids unique (a UUID, or a well-formed x-request-id); the level configurable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startServer, tempDatabase, userSession } from './support/server.js';

const cli = new URL('../../server/cli.js', import.meta.url).pathname;
const lines = (server) => server.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const access = (server) => lines(server).filter((l) => l.msg === 'request');

test('one access line per request, with the route and the path but never the query string or headers', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  await server.request('GET', `/v1/users/${ada.id}/mfa?token=${ada.token}&passcode=123456`, { token: ada.token, headers: { cookie: 'session=s3cr3t' } });
  const [line] = access(server);
  assert.deepStrictEqual(Object.keys(line).sort(), ['hostname', 'level', 'method', 'ms', 'msg', 'path', 'pid', 'reqId', 'route', 'status', 'time']);
  assert.deepStrictEqual([line.method, line.route, line.path, line.status, line.level], ['GET', '/v1/users/:id/mfa', `/v1/users/${ada.id}/mfa`, 200, 30]);
  assert.equal(typeof line.ms, 'number'); // a duration, in ms: null would pass `>= 0`
  assert.ok(line.ms > 0 && line.ms < 60_000, String(line.ms));
  const text = server.logs();
  for (const secret of [ada.token, '123456', 's3cr3t', 'passcode=', 'authorization']) assert.ok(!text.includes(secret), secret);
});

// A request as a client sends it, bytes and all: fetch would percent-encode
// what this test needs to reach the server as it is.
function rawGet(url, path) {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('the access line is the line pino writes for its fields, escapes and all', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  await ada.status();
  const odd = '/nowhere/a"b\\c';
  assert.match(await rawGet(server.url, `${odd}?q="x"`), /^HTTP\/1\.1 404 /);
  await server.request('GET', '/health/live'); // not logged at info: it must not end up in either line
  const written = server.logs().split('\n').filter((l) => l.includes('"msg":"request"'));
  // The status, the OpenAPI document the test server checks answers against, the odd path.
  assert.deepStrictEqual(written.map((l) => JSON.parse(l).route), ['/v1/users/:id/mfa', '/openapi.json', null]);
  assert.equal(JSON.parse(written[2]).path, odd);
  for (const text of written) {
    const { level, time, pid, hostname, msg, ...fields } = JSON.parse(text);
    let expected = '';
    const capture = new Writable({ write(chunk, encoding, done) { expected += chunk; done(); } });
    pino({ level: 'info', timestamp: () => `,"time":${time}` }, capture)[pino.levels.labels[level]](fields, msg);
    assert.equal(text + '\n', expected);
  }
});

test('health checks and metrics are not logged at info', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  for (const path of ['/health/live', '/health/ready', '/metrics']) await server.request('GET', path);
  await server.request('GET', '/nowhere?x=1');
  assert.deepStrictEqual(access(server).map((l) => [l.path, l.status, l.route]), [['/nowhere', 404, null]]);
});

test('at debug, health checks are logged too; at warn, no access line', async (t) => {
  const debug = await startServer({ env: { IDENTITY_MFA_LOG_LEVEL: 'debug' } });
  t.after(() => debug.close());
  await debug.request('GET', '/health/live');
  assert.deepStrictEqual(access(debug).map((l) => [l.path, l.level]), [['/health/live', 20]]);
  const warn = await startServer({ env: { IDENTITY_MFA_LOG_LEVEL: 'warn' } });
  t.after(() => warn.close());
  await warn.request('GET', '/nowhere');
  assert.deepStrictEqual(access(warn), []);
});

test('request ids are UUIDs, or a well-formed x-request-id; they are echoed and reach the audit trail', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ada = await userSession(server);
  const a = await ada.status();
  const b = await ada.status();
  const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(ids[0], ids[1]);
  const given = await ada.call('POST', '/setup', { mfaType: 'app' }, { headers: { 'x-request-id': 'lb-7f3a.2027:01' } });
  assert.equal(given.headers.get('x-request-id'), 'lb-7f3a.2027:01');
  assert.equal((await server.store.readAudit(ada.id))[0].requestId, 'lb-7f3a.2027:01');
  for (const bad of ['has space', 'x'.repeat(129), 'quote"d', '']) {
    const answer = await ada.status({ headers: { 'x-request-id': bad } });
    assert.match(answer.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, JSON.stringify(bad));
  }
  const mfaLines = access(server).filter((l) => l.path.startsWith('/v1/'));
  assert.deepStrictEqual(mfaLines.map((l) => l.reqId).slice(0, 3), [...ids, 'lb-7f3a.2027:01']);
});

test('an unknown log level stops start-up naming the setting', async () => {
  const { loadConfig, ConfigError } = await import('identity-mfa/server');
  assert.throws(() => loadConfig({ IDENTITY_MFA_LOG_LEVEL: 'loud' }), (e) => e instanceof ConfigError && /^IDENTITY_MFA_LOG_LEVEL \(--log-level\)/.test(e.message));
});

test('identity-mfa serve: logs go out asynchronously and none is lost on a clean shutdown', async (t) => {
  const { env } = await tempDatabase(t);
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const n = 200;
  await Promise.all(Array.from({ length: n }, (_, i) => fetch(`http://127.0.0.1:${port}/nowhere/${i}`).then((r) => r.text())));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const logged = out.trim().split('\n').map((l) => JSON.parse(l));
  const paths = new Set(logged.filter((l) => l.msg === 'request').map((l) => l.path));
  assert.equal(paths.size, n, 'every request has its line');
  assert.equal(logged.at(-1).msg, 'closed');
});

test('lines still gathered in memory are written when the process exits without a shutdown', async () => {
  const logging = new URL('../../server/logging.js', import.meta.url).href;
  const script = `import { createLoggers } from ${JSON.stringify(logging)};
    const { log } = createLoggers({ logLevel: 'info' }, true);
    for (let i = 0; i < 5; i++) log.info({ i }, 'line');
    process.exit(3);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 3);
  assert.deepStrictEqual(out.trim().split('\n').map((l) => JSON.parse(l).i), [0, 1, 2, 3, 4]);
});
