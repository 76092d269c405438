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
  const config = loadConfig(testEnv(dir));
  const app = await buildApp({ config, logger: false });
  const users = [];
  for (let i = 0; i < Number(count); i++) {
    const id = randomUUID();
    await app.store.addUser({ id, username: `user${i}@example.com`, email: `user${i}@example.com` });
    users.push(id);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.keepAliveTimeout = 60000;
  console.log(JSON.stringify({ port: app.server.address().port, users, jwtSecret: config.jwtSecret }));
}

// Exit cleanly when the bench is done (lets --cpu-prof write its profile).
process.on('SIGINT', () => process.exit(0));
