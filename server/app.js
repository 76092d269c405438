// The sidecar: the MFA routes plus operations (health, metrics, OpenAPI,
// the demo page), logging with redaction, and 404s from the catalog.
import Fastify from 'fastify';
import { TIMINGS } from 'identity-mfa/contract';
import { createVerifier } from './auth.js';
import { settingError } from './config.js';
import { sendError } from './replies.js';
import { createLoggers, requestId } from './logging.js';
import { createMetrics } from './metrics.js';
import { openApiText } from './openapi.js';
import { identityMfaRoutes } from './plugin.js';
import { createRelay } from './relay.js';
import { createSender } from './senders.js';
import { openStore } from './store/index.js';
import { demoRoutes } from './demo/routes.js';

export { REDACT } from './logging.js';

// The store config.db names, migrated; a failure names IDENTITY_MFA_DB.
async function openConfiguredStore(config) {
  let store;
  try {
    store = await openStore(config.db);
    await store.migrate();
    return store;
  } catch (error) {
    await store?.close().catch(() => {});
    throw settingError('db', error);
  }
}

// Every answer: never cached (setup's carries secrets), never sniffed.
const ANSWER_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Builds the app. `options`: { config, store?, clock?, logger?, demo? }.
 * Without a store, the one named by config.db is opened and migrated; the
 * app closes what it opened. `demo`: false, or { userId } of the demo user
 * to serve the demo page for (server/demo/).
 */
export async function buildApp({ config, store, clock = Date.now, logger = true, demo = false, relayIntervalMs = 1000 }) {
  const ownsStore = !store;
  if (ownsStore) store = await openConfiguredStore(config);
  const metrics = createMetrics();

  const { log, access } = createLoggers(config, logger);
  const app = Fastify({
    // Our own loggers (server/logging.js): one access line per request.
    logger: false,
    bodyLimit: config.bodyLimit + 1,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    genReqId: requestId,
    // Slow clients cannot hold a connection: the whole request (headers and
    // body) must arrive within requestTimeoutMs (408 otherwise), an idle
    // keep-alive connection closes after keepAliveTimeoutMs, and a silent
    // socket after both. Node checks these every second, not every 30 s.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.requestTimeoutMs + config.keepAliveTimeoutMs,
    http: { headersTimeout: config.requestTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: 1000 },
  });
  // Past this many open connections a new one is closed at once, before it
  // can use a file descriptor the process needs.
  app.server.maxConnections = config.maxConnections;

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(ANSWER_HEADERS).header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // Getters that read the clock and build an object each time: once each.
    const ms = reply.elapsedTime;
    const route = request.routeOptions.url ?? null;
    metrics.record(route ?? 'unmatched', reply.statusCode, ms / 1000);
    access(request, reply, ms, route);
    done();
  });
  // Bodies of anything but the MFA routes are never parsed: a malformed body
  // to an unknown route is that route's 404, not a parse error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => done(null, body));

  let verifier;
  try {
    verifier = createVerifier(config, clock, { log });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
  verifier.warm(); // remote keys fetched now; a failure is logged, and not ready
  // The webhook sender's relay delivers what decisions commit to the outbox.
  const sender = createSender(config);
  const leaseMs = 2 * config.webhookTimeoutMs + 5000; // a delivery, and its settling, within it
  const relay = sender.deliver ? createRelay({ store, deliver: sender.deliver, leaseMs, clock, log }) : null;
  relay?.start(relayIntervalMs);
  app.decorate('relay', relay);
  app.addHook('onClose', async () => relay?.stop());
  metrics.watchOutbox(() => store.outboxStats(), clock);
  await app.register(identityMfaRoutes, { config, store, clock, metrics, verifier, log, onOutbox: relay ? () => relay.wake() : undefined });

  app.get('/health/live', async () => ({ status: 'ok' }));
  // Ready: the store takes a commit (a full disk is not ready) and tokens
  // can be verified (keys loaded).
  app.get('/health/ready', async (request, reply) => {
    const ready = await Promise.all([store.probeWrite().then(() => true, () => false), verifier.ready()]);
    if (ready.every(Boolean)) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready' });
  });
  app.get('/metrics', async (request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/openapi.json', async (request, reply) => reply.type('application/json; charset=utf-8').send(openApiText()));

  app.setNotFoundHandler((request, reply) => sendError(reply, 'IDE-0908'));
  app.setErrorHandler((error, request, reply) => {
    // A body over the limit: before anything else is known of the request.
    if (error.statusCode === 413) return sendError(reply, 'IDE-0007', { status: 413 });
    if (request.routeOptions.url === undefined) return sendError(reply, 'IDE-0908');
    log.error({ reqId: request.id, err: { message: error.message, code: error.code } }, 'request failed');
    return sendError(reply, 'IDE-0006');
  });
  // The outbox holds live codes: a message is useless once its code has
  // expired, so it goes then (every minute, and on demand). With a relay, a
  // pending one is left for it to settle (and audit) as failed.
  app.decorate('purgeOutbox', () => store.purgeOutbox(new Date(clock() - TIMINGS.codeTtlMs).toISOString(), { all: !relay }));
  const sweeper = setInterval(() => app.purgeOutbox().catch((error) => log.warn({ err: { message: error.message } }, 'outbox purge failed')), 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
  if (ownsStore) app.addHook('onClose', async () => store.close());
  app.decorate('store', store);
  app.decorate('logger', log); // Fastify's app.log is off: this is the sidecar's
  if (demo) demoRoutes(app, { config, userId: demo.userId });
  return app;
}
