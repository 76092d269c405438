// The baselines bench/server.mjs measures beside the sidecar, each in its
// own process:
//   node bench/baselines.mjs ceiling   a bare node:http server, fixed JSON: what
//                                      this machine serves at best from Node
//   node bench/baselines.mjs fastify   a minimal Fastify app with its defaults
// Prints {"port": N} on its first line, then serves until killed.
import { createServer } from 'node:http';
import Fastify from 'fastify';

const mode = process.argv[2];
const body = JSON.stringify({ enabled: true, preferredType: 'app', methods: ['app'] });

if (mode === 'ceiling') {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
} else if (mode === 'fastify') {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ port: app.server.address().port }));
} else {
  console.error('usage: node bench/baselines.mjs ceiling|fastify');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
