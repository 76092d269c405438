// One decision of the core on a user's stored state, and the change it makes
// to the store: the same code wherever it runs.
//
// Where it runs is the store's choice. SQLite decides a write inside the
// writer thread's transaction (store/sqlite-connection.js): nothing can come
// between its read and its write, and the event loop, which is what limits a
// sidecar, is left the HTTP, the token and the logs. Any other store (and
// every read) decides here, on the event loop, and commits with a
// compare-and-set on the state's version; a lost race is decided again.
import { decide } from 'identity-mfa';
import { ERROR_HEADERS } from 'identity-mfa/contract';
import { createNodeHost } from 'identity-mfa/node';
import { randomUUID } from 'node:crypto';
import { sameUser } from './store/sql.js';

// Lost compare-and-set races are decided again on the fresh state. Past
// OPTIMISTIC_ATTEMPTS, a store that can lock the user's row (PostgreSQL)
// decides once more under that lock, which cannot lose: many writes to one
// user at once (a client retrying, two tabs, an attacker) end in answers, not
// in a 500 for whoever lost the most races. A store that cannot lock fails
// cleanly past MAX_ATTEMPTS rather than spinning.
const OPTIMISTIC_ATTEMPTS = 3;
const MAX_ATTEMPTS = 8;

/**
 * What a decider needs of the configuration, as plain data (it is posted to
 * the SQLite writer thread): the host's pepper and keys, the core's settings.
 */
export function deciderOptions(config) {
  return {
    pepper: config.pepper,
    encryptionKeys: config.encryptionKeys,
    settings: {
      issuer: config.issuer,
      algorithm: config.totp.algorithm,
      digits: config.totp.digits,
      period: config.totp.period,
      bodyLimit: config.bodyLimit,
    },
  };
}

/**
 * decideChange(request, loaded) → { answer, change }. `request`: { operation,
 * userId, body, now, admin, stepUp, jitUser, requestId, actor } (jitUser: the
 * user a token describes, or null); `loaded`: the store's { user, state,
 * version }, or null. `change` is what store.commit takes, or null when
 * nothing is written. `answer` is plain data (it crosses threads): { status,
 * bodyText, retryAfter, headers, events, mfaType, hostError, outbound }.
 */
export function createDecider({ pepper, encryptionKeys, settings }) {
  // The core seals TOTP secrets through this host (AES-256-GCM under the
  // configured keys, bound to the user id) before a state is stored.
  const host = createNodeHost({ pepper, encryptionKeys });
  return function decideChange(request, loaded) {
    const { operation, userId, now, jitUser } = request;
    const user = jitUser ?? loaded?.user ?? null;
    const stored = loaded ?? { state: '', version: 0 };
    const decision = decide(operation, {
      body: request.body,
      state: stored.state,
      now,
      admin: request.admin,
      stepUp: request.stepUp,
      user: user && { id: userId, username: user.username, email: user.email ?? '', phone: user.phone ?? '' },
      settings,
    }, host);
    const change = user ? changeOf(request, decision, loaded, stored) : null;
    const answer = {
      status: decision.status,
      bodyText: decision.bodyText,
      retryAfter: decision.retryAfter,
      headers: decision.error ? ERROR_HEADERS[decision.error.code] ?? null : null,
      events: decision.audit,
      mfaType: decision.mfaType,
      hostError: decision.hostError,
      outbound: Boolean(change?.outbox), // committed with the answer: the relay's wake-up
    };
    return { answer, change };
  };
}

// The store's change for a decision: audit rows, the user a token brought
// (first write, or changed claims), the new state, the message; null when
// there is none of these.
function changeOf(request, decision, loaded, stored) {
  // Most reads (a status) change nothing: no date to format, no objects.
  if (!decision.audit.length && decision.newState === null && !decision.outbound) return null;
  const { requestId, actor, admin: actorAdmin, jitUser } = request;
  const at = new Date(request.now).toISOString();
  const audit = decision.audit.map((event) => ({ at, requestId, event, mfaType: decision.mfaType, actor, actorAdmin }));
  const change = { audit };
  if (jitUser && !(loaded && sameUser(loaded.user, jitUser))) {
    change.user = jitUser;
    change.by = { at, requestId, actor, actorAdmin };
  }
  if (decision.newState !== null) {
    change.state = decision.newState;
    change.expectedVersion = stored.version;
  }
  // The message goes out with the state that knows its code, or not at all.
  if (decision.outbound) change.outbox = { ...decision.outbound, at, id: randomUUID() };
  return change;
}

/**
 * Decides on the event loop: read, decide, compare-and-set; a lost race is
 * decided again on the fresh state, and after OPTIMISTIC_ATTEMPTS under the
 * user's row lock where the store has one (store.decideLocked). The answer,
 * or null past MAX_ATTEMPTS.
 */
export async function decideAndCommit(store, decideChange, request) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt === OPTIMISTIC_ATTEMPTS && store.decideLocked) {
      const answer = await store.decideLocked(request.userId, (loaded) => decideChange(request, loaded));
      if (answer) return answer;
      continue; // the user was created meanwhile: decide again, on its row
    }
    const { answer, change } = decideChange(request, await store.loadUserState(request.userId));
    if (change && !(await store.commit(request.userId, change))) continue; // another request won
    return answer;
  }
  return null;
}
