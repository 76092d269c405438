// The MFA routes as a Fastify plugin. For each request, in the order of
// docs/contract.md ("Request validation"): bearer token (1-2), path id (3),
// owner or admin (4), body size and content type (5-6, by Fastify's parser),
// then one decision of the core (6-13) on the user's stored state, stored
// back atomically (server/decisions.js).
import { ENDPOINTS, TIMINGS, USER_ENDPOINTS } from 'identity-mfa/contract';
import { AuthError, bearerToken } from './auth.js';
import { createDecider, decideAndCommit, deciderOptions } from './decisions.js';
import { sendError, sendAnswer } from './replies.js';
import { profileUser, userHandlers } from './users.js';
import { UUID } from './uuid.js';

/**
 * Whether the token proves a second factor recent enough for step-up (RFC
 * 9470 max_age, the core's step-up window); an auth_time ahead of now by
 * less than the clock skew is another clock's, not a future login.
 */
function tokenStepUp(auth, now) {
  return auth.mfaAt !== null && auth.mfaAt !== undefined && auth.mfaAt > now - TIMINGS.stepUpMs && auth.mfaAt <= now + TIMINGS.clockSkewMs;
}

/**
 * A route handler for `work(request, reply)`, an async function that sends
 * its answer itself (server/replies.js: sendAnswer, sendError). Fastify is
 * given nothing to wait on: an async handler would have to return the reply
 * (or Fastify sends an empty one once it resolves), and Fastify would then
 * watch the response's stream until it ends, for no use. A failure goes to
 * the error handler, after `mark(error)`.
 */
function answering(work, mark = () => {}) {
  return (request, reply) => {
    work(request, reply).catch((error) => {
      mark(error);
      reply.send(error);
    });
  };
}

/** Endpoints of the contract in Fastify's path syntax. */
const fastifyRoutes = (endpoints) => endpoints.map(({ method, path, operation }) => ({ method, url: path.replace(/\{(\w+)\}/g, ':$1'), operation }));
/** The MFA routes the core decides, in Fastify's path syntax. */
export const ROUTES = fastifyRoutes(ENDPOINTS);

/**
 * Options: { config, store, verifier, log?, metrics?, clock?, onOutbox? }.
 * Registered under no prefix: the routes carry their full paths. Email/SMS
 * messages are committed to the store's outbox with the decision;
 * `onOutbox()` is called after such a commit (the relay's wake-up).
 */
export async function identityMfaRoutes(app, options) {
  const { config, store, verifier, metrics, onOutbox } = options;
  const log = options.log ?? app.log;
  const clock = options.clock ?? Date.now;
  // Decisions (server/decisions.js): reads on the event loop, writes where
  // the store writes (SQLite: in its writer thread's transaction).
  const decisionOptions = deciderOptions(config);
  const decideHere = createDecider(decisionOptions);
  const decideWrite = store.decider?.(decisionOptions) ?? ((decision) => decideAndCommit(store, decideHere, decision));

  // Bodies reach the core as raw bytes: it parses them itself, exactly as a
  // browser running the same core would. One byte over the limit is enough
  // for the core to answer 413; more is never read.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.bodyLimit + 1 },
    (request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'IDE-0007', { status: 413 });
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendError(reply, 'IDE-0007');
    }
    log.error({ reqId: request.id, err: { message: error.message, code: error.code } }, 'request failed');
    return sendError(reply, error.mfaOperation ? 'IDE-0045' : 'IDE-0006');
  });

  // Steps 1-4, before the body is read. A token verified lately (the cache)
  // or an HS256 one is known without a promise: no event-loop turn. Only a
  // JWKS token not seen lately waits on jose.
  function authorize(request, reply, done, identity) {
    request.auth = identity;
    // The user routes: the admin scope or nothing, whoever the path names.
    if (request.routeOptions.config.adminOnly && !identity.admin) return sendError(reply, 'IDE-0910');
    if (!UUID.test(request.params.id)) return sendError(reply, 'IDE-0003');
    if (identity.sub.toLowerCase() !== request.params.id.toLowerCase() && !identity.admin) return sendError(reply, 'IDE-0013');
    done();
  }
  app.addHook('onRequest', (request, reply, done) => {
    let token;
    let known;
    try {
      token = bearerToken(request.headers.authorization);
      known = verifier.now(token);
    } catch (error) {
      return sendError(reply, error.code);
    }
    if (known) return authorize(request, reply, done, known);
    verifier(token).then((identity) => authorize(request, reply, done, identity), (error) => {
      if (error instanceof AuthError) sendError(reply, error.code);
      else done(error);
    });
  });

  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      exposeHeadRoute: false, // the contract's methods only: HEAD is IDE-0908, as any other
      handler: answering((request, reply) => handle(route, request, reply), (error) => {
        error.mfaOperation = true; // a store or crypto failure inside an MFA operation: IDE-0045
      }),
    });
  }
  // The user routes: the hook above lets only admin tokens through.
  const users = userHandlers({ store, config });
  for (const route of fastifyRoutes(USER_ENDPOINTS)) {
    app.route({
      method: route.method,
      url: route.url,
      exposeHeadRoute: false,
      config: { adminOnly: true },
      handler: answering((request, reply) => users[route.operation](request, reply, request.params.id.toLowerCase(),
        { requestId: request.id, actor: request.auth.sub, actorAdmin: true })),
    });
  }

  // `route`: the contract's; its GET is a read, decided here.
  async function handle({ operation, method }, request, reply) {
    const userId = request.params.id.toLowerCase();
    // Users just in time: the user's own token says who they are (never an
    // admin's); the record is written with the first change, not on a read.
    const jit = config.users === 'token' && !request.auth.admin ? profileUser(request.auth) : null;
    if (jit?.fields) return sendError(reply, 'IDE-0007', { fields: jit.fields });
    const now = clock();
    const decision = {
      operation,
      userId,
      body: request.body ?? '',
      now,
      admin: request.auth.admin,
      stepUp: tokenStepUp(request.auth, now),
      jitUser: jit?.user ?? null,
      requestId: request.id,
      actor: request.auth.sub,
    };
    // A read decides here; a write where the store writes it.
    const answer = method === 'GET' ? await decideAndCommit(store, decideHere, decision) : await decideWrite(decision);
    if (!answer) {
      log.warn({ reqId: request.id, userId }, 'too many concurrent writes to one user');
      return sendError(reply, 'IDE-0045');
    }
    if (answer.hostError) log.error({ reqId: request.id, userId, cause: answer.hostError }, 'the MFA host failed (a secret that does not open, or a crypto failure)');
    if (answer.outbound) onOutbox?.();
    for (const event of answer.events) metrics?.events.inc({ event, mfa_type: answer.mfaType ?? '' });
    if (answer.retryAfter > 0) reply.header('retry-after', String(answer.retryAfter));
    if (answer.headers) reply.headers(answer.headers);
    sendAnswer(reply, answer.status, answer.bodyText);
  }
}
