// Logs users can live with: pino at the configured level, redaction of
// every secret, one access line per request (none for health checks and
// metrics at info), to an asynchronous destination flushed on shutdown.
import { randomUUID } from 'node:crypto';
import pino from 'pino';

// Never logged, wherever they appear (docs/security.md, "Audit and logs").
export const REDACT = [
  'req.headers.authorization', 'req.headers.cookie',
  '*.authorization', '*.secret', '*.passcode', '*.recoveryCode', '*.recoveryCodes', '*.text', '*.token',
  'body.secret', 'body.passcode', 'body.recoveryCode', 'body.recoveryCodes', 'body.url', '*.body.url',
  'outbound', '*.outbound',
];

// Routes load balancers and scrapers call all the time: debug, not info.
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `logger` option. `logger`: false; true (stdout, asynchronous:
 * what `serve` runs); or pino options of a caller's (tests pass a stream).
 */
export function loggerOptions(config, logger) {
  if (logger === false) return false;
  const base = { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } };
  if (typeof logger === 'object') return { ...base, ...logger };
  return { ...base, stream: pino.destination({ dest: 1, sync: false }) };
}

/** A well-formed incoming x-request-id (from a proxy), else a fresh UUID. */
export function requestId(request) {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The access line: method, route, path (never the query string, which may
 * hold a token), status, duration and the request id (bound by Fastify).
 */
export function logAccess(request, reply) {
  const route = request.routeOptions.url ?? null;
  const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
  if (!request.log.isLevelEnabled(level)) return;
  const { url } = request.raw;
  const query = url.indexOf('?');
  request.log[level]({
    method: request.method,
    route,
    path: query < 0 ? url : url.slice(0, query),
    status: reply.statusCode,
    ms: Math.round(reply.elapsed * 1000) / 1000,
  }, 'request');
}

/** Writes what the asynchronous destination still holds (on shutdown). */
export function flushLogs(log) {
  return new Promise((resolve) => (typeof log.flush === 'function' ? log.flush(() => resolve()) : resolve()));
}
