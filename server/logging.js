// Logs users can live with: pino at the configured level, redaction of
// every secret, one access line per request (none for health checks and
// metrics at info), to an asynchronous, buffered destination flushed on
// shutdown and at exit.
//
// The access line has a fixed shape that holds no secret (method, route,
// path without its query, status, ms, request id). It is the line pino would
// write for those fields, formatted here: it needs none of pino's work per
// line (a key loop, serializers, redaction), and costs about half as much
// (npm run bench:parts). Every other line (errors, start-up, the relay) goes
// through pino, redacted. Fastify's own logger is off: it made a child
// logger per request.
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
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
 * The sidecar's loggers: { log, access }. `log` is pino's; `access(request,
 * reply, ms, route)` writes a request's access line (`route`: the matched
 * route's URL, or null). `logger`: false (silent); true (stdout,
 * asynchronous: what `serve` runs); or pino options of a caller's (tests
 * pass a stream).
 */
export function createLoggers(config, logger) {
  if (logger === false) return { log: pino({ level: 'silent' }), access: () => {} };
  const options = typeof logger === 'object' ? logger : {};
  const stream = options.stream ?? stdoutDestination();
  const level = options.level ?? config.logLevel;
  return {
    log: pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, stream),
    access: accessLogger(stream, level),
  };
}

// Stdout, shared by every app in the process.
let stdout = null;
function stdoutDestination() {
  stdout ??= gatheredDestination(1);
  return stdout;
}

/**
 * An asynchronous destination for a file descriptor, flushed before exit.
 * Lines are gathered into one string and handed to pino's asynchronous
 * destination (SonicBoom) 4 KB at a time, and at least once a second.
 * SonicBoom measures the byte length of what it holds on every write it is
 * given: handed lines one by one, it measured kilobytes per line, and that
 * was most of a line's cost. What is gathered is handed over before any
 * flush; at exit, and by flushSync(), it is written synchronously after what
 * SonicBoom holds.
 */
export function gatheredDestination(fd) {
  const GATHER = 4096; // UTF-16 units: a threshold, not an exact byte count
  const sonic = pino.destination({ dest: fd, sync: false, minLength: 1 });
  let gathered = '';
  const handOver = () => {
    if (gathered === '' || sonic.destroyed) return;
    sonic.write(gathered);
    gathered = '';
  };
  setInterval(handOver, 1000).unref();
  // Now, with no write left to the thread pool (at exit one may never finish):
  // what SonicBoom holds, then what is gathered (the newer lines).
  const writeNow = () => {
    if (!sonic.destroyed) sonic.flushSync();
    if (gathered !== '') writeAllSync(fd, gathered);
    gathered = '';
  };
  // Before SonicBoom's own handlers, whenever those were registered.
  process.prependListener('beforeExit', handOver);
  process.prependListener('exit', () => {
    try {
      writeNow();
    } catch {
      // stdout closed, or the disk full: nothing is left to report it to
    }
  });
  return {
    write(line) {
      gathered += line;
      if (gathered.length >= GATHER) handOver();
    },
    flush(done) {
      handOver();
      sonic.flush(done);
    },
    flushSync: writeNow,
  };
}

// All of `text` to `fd` now, as SonicBoom's own flushSync writes: a pipe
// may take part of it, or none for a moment.
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
function writeAllSync(fd, text) {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 10);
    }
  }
}

// The access line: method, route (null when none matched), path without its
// query, status, duration in ms, request id; at debug for the quiet routes.
function accessLogger(stream, level) {
  const threshold = pino.levels.values[level] ?? Infinity; // 'silent'
  // pino's default fields after the time: its `base`, the process and host.
  const base = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return (request, reply, ms, route) => {
    const number = QUIET_ROUTES.has(route) ? pino.levels.values.debug : pino.levels.values.info;
    if (number < threshold) return;
    const { url } = request.raw;
    const query = url.indexOf('?');
    stream.write(`{"level":${number},"time":${Date.now()}${base},"reqId":${JSON.stringify(request.id)},` +
      `"method":${JSON.stringify(request.method)},"route":${JSON.stringify(route)},` +
      `"path":${JSON.stringify(query < 0 ? url : url.slice(0, query))},"status":${reply.statusCode},` +
      `"ms":${Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : null},"msg":"request"}\n`);
  };
}

/** A well-formed incoming x-request-id (from a proxy), else a fresh UUID. */
export function requestId(request) {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Writes what the asynchronous destination still holds (on shutdown). */
export function flushLogs(log) {
  return new Promise((resolve) => (typeof log.flush === 'function' ? log.flush(() => resolve()) : resolve()));
}
