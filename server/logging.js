// Logs users can live with: pino at the configured level, redaction of
// every secret, one access line per request (none for health checks and
// metrics at info), to an asynchronous, buffered destination flushed on
// shutdown.
//
// Two loggers share the destination. The access line has a fixed shape that
// holds no secret (method, route, path without its query, status, ms,
// request id), so it skips redaction, which pino applies to every line of a
// logger that has it and which was most of a line's cost. Every other line
// (errors, start-up, the relay) goes through the redacting one. Fastify's own
// logger is off: it made a child logger per request.
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
 * The sidecar's loggers: { log, access }. `logger`: false (silent); true
 * (stdout, asynchronous: what `serve` runs); or pino options of a caller's
 * (tests pass a stream).
 */
export function createLoggers(config, logger) {
  if (logger === false) {
    const silent = pino({ level: 'silent' });
    return { log: silent, access: silent };
  }
  const options = typeof logger === 'object' ? logger : {};
  // Lines are written 4 KB at a time (each write a syscall on the thread
  // pool, and a string copy here), and at least once a second when traffic
  // is light; pino writes what is left when the process exits.
  const stream = options.stream ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
  const level = options.level ?? config.logLevel;
  return {
    log: pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, stream),
    access: pino({ level }, stream),
  };
}

/** A well-formed incoming x-request-id (from a proxy), else a fresh UUID. */
export function requestId(request) {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The access line of a request, once answered in `ms` (reply.elapsedTime). */
export function logAccess(access, request, reply, ms) {
  const route = request.routeOptions.url ?? null;
  const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
  if (!access.isLevelEnabled(level)) return;
  const { url } = request.raw;
  const query = url.indexOf('?');
  access[level]({
    reqId: request.id,
    method: request.method,
    route,
    path: query < 0 ? url : url.slice(0, query),
    status: reply.statusCode,
    ms: Math.round(ms * 1000) / 1000,
  }, 'request');
}

/** Writes what the asynchronous destination still holds (on shutdown). */
export function flushLogs(log) {
  return new Promise((resolve) => (typeof log.flush === 'function' ? log.flush(() => resolve()) : resolve()));
}
