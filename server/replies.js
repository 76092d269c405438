// Answers of the server's own: a JSON text with its status, and the error
// answers of the server's own steps (auth, path, routing), whose body is the
// catalog's, built by the package's errorBody().
import { catalogEntry, errorBody } from 'identity-mfa/catalog';

// These send and return nothing. A handler (or an async function it awaits)
// that returned the reply would hand Fastify a thenable, which Fastify waits
// on by watching the response's stream until it ends: listeners added and
// removed on every request, for no use.

/** Sends `text`, a JSON document, with `status`, now. */
export function sendJson(reply, status, text) {
  reply.code(status).type('application/json; charset=utf-8').send(text);
}

export function sendError(reply, code, { status, fields } = {}) {
  sendJson(reply, status ?? catalogEntry(code).status, JSON.stringify(errorBody(code, fields)));
}

// The routes' answers are written together at the end of the event-loop
// turn that decided them (setImmediate runs once the turn's I/O callbacks
// and their promises are done), not one by one as each is decided. Each
// write to a socket wakes the thread that reads the other end; a client on
// the same machine (a sidecar's) is woken once for the turn's answers, not
// once for each, and the next turn finds its requests together. Under load
// that was half of a status request's CPU (docs/performance.md).
//
// Only while turns have several answers: when the last turn had one (a
// quiet sidecar, one client), an answer goes at once. Held to the turn's
// end, it would reach the client after this thread had gone idle, and the
// client's next request would have to wake it: with one connection that
// cost more CPU per request than gathering saved, and a little latency.
const waiting = [];
let answersThisTurn = 0;
let gathering = false; // whether the last turn with answers had more than one

/**
 * Sends `text` with `status`, at the end of this event-loop turn while turns
 * have several answers (at once otherwise). Only from a handler that gives
 * Fastify nothing to wait on (server/plugin.js, answering()): an async
 * handler that resolves before its reply is sent has Fastify send an empty
 * one.
 */
export function sendAnswer(reply, status, text) {
  if (answersThisTurn++ === 0) setImmediate(endTurn);
  if (gathering) waiting.push(reply, status, text);
  else sendJson(reply, status, text);
}

function endTurn() {
  gathering = answersThisTurn > 1;
  answersThisTurn = 0;
  // Answers given while these are written (none today) belong to the next turn.
  const batch = waiting.splice(0);
  for (let i = 0; i < batch.length; i += 3) {
    const reply = batch[i];
    try {
      sendJson(reply, batch[i + 1], batch[i + 2]);
    } catch (error) {
      reply.send(error); // the app's error handler: one answer's failure is its own
    }
  }
}
