// The servers bench/server.mjs measures, one per child process:
//   node bench/server-child.mjs ceiling           a bare node:http server, fixed JSON
//   node bench/server-child.mjs sidecar <dir> <n> the sidecar on SQLite, n users seeded
// Prints {"port": N, "users": [...]} on its first line, then serves until killed.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildApp, loadConfig } from 'identity-mfa/server';
import { testEnv } from '../tests/server/support/server.js';

const [mode, dir, count] = process.argv.slice(2);

if (mode === 'ceiling') {
  const body = JSON.stringify({ enabled: true, preferredType: 'app', methods: ['app'] });
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
} else {
  // The database, the keys and the token secret come from the environment
  // when the bench runs several sidecars on one database.
  const config = loadConfig({ ...testEnv(dir), ...JSON.parse(process.env.BENCH_ENV ?? '{}') });
  const app = await buildApp({ config, logger: false });
  const users = Array.from({ length: Number(count) }, () => randomUUID());
  if (app.store.kind === 'postgres') {
    // One round trip per thousand users: seeding is not what is measured.
    const at = new Date().toISOString();
    for (let i = 0; i < users.length; i += 1000) {
      const chunk = users.slice(i, i + 1000);
      await app.store.transaction(async (client) => {
        await client.query('INSERT INTO users (id, username, email, created_at) SELECT id, id, id, $2 FROM unnest($1::text[]) AS id', [chunk, at]);
        await client.query("INSERT INTO mfa_state (user_id, state, version, updated_at) SELECT id, '', 0, $2 FROM unnest($1::text[]) AS id", [chunk, at]);
      });
    }
  } else {
    for (const [i, id] of users.entries()) await app.store.addUser({ id, username: `user${i}@example.com`, email: `user${i}@example.com` });
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.keepAliveTimeout = 60000;
  console.log(JSON.stringify({ port: app.server.address().port, users, store: app.store.kind }));
}

// Exit cleanly when the bench is done (lets --cpu-prof write its profile).
process.on('SIGINT', () => process.exit(0));
