// The outbox relay: delivers the email/SMS messages that decisions committed
// to the outbox (in the same transaction as the state), so a request never
// waits on a provider and a message is never lost with a process.
//
// Each process runs one. A relay claims due messages with a lease (the store
// hands a message to one relay at a time, across processes; a relay that dies
// lets go when the lease ends), delivers each with its id as the idempotency
// key (the same on every attempt, so the provider can drop repeats), and
// settles it in one transaction with its audit event: delivered, or retried
// after a backoff, or failed for good (refused, out of attempts, or its code
// expired before it could be delivered: a dead code is never sent).
import { TIMINGS } from 'identity-mfa/contract';

const BATCH = 16;
export const MAX_ATTEMPTS = 8;
const backoffMs = (attempts) => Math.min(60_000, 1000 * 2 ** (attempts - 1));
const iso = (ms) => new Date(ms).toISOString();

/**
 * `deliver(message)` → { ok: true } | { ok: false, retry: boolean, error: string }.
 * `leaseMs`: how long a claim holds; longer than a delivery can take (a relay
 * that dies mid-delivery holds its messages that long). `clock` in ms; `log`
 * for failures.
 */
export function createRelay({ store, deliver, leaseMs, clock = Date.now, log }) {
  let running = null; // the run in progress
  let again = false; // woken during a run: run once more after it
  let timer = null;
  let stopped = false;
  const settled = []; // waiters for idle()

  async function settle(message, outcome, event) {
    const at = iso(clock());
    const audit = event && { userId: message.userId, at, requestId: message.id, event, mfaType: message.channel, actor: null, actorAdmin: null };
    await store.settleOutbox(message.id, { attempts: message.attempts, ...outcome, settledAt: outcome.status === 'pending' ? null : at }, audit);
  }

  async function handle(message) {
    const now = clock();
    const expiresAt = Date.parse(message.createdAt) + TIMINGS.codeTtlMs;
    if (now >= expiresAt) {
      return settle(message, { status: 'failed', lastError: 'the code expired before it was delivered' }, 'message.failed');
    }
    const result = await deliver(message);
    const attempts = message.attempts + 1;
    if (result.ok) return settle(message, { status: 'delivered', attempts, lastError: null }, 'message.delivered');
    const next = clock() + backoffMs(attempts);
    if (!result.retry || attempts >= MAX_ATTEMPTS || next >= expiresAt) {
      log?.warn({ messageId: message.id, attempts, cause: result.error }, 'a message could not be delivered');
      return settle(message, { status: 'failed', attempts, lastError: result.error }, 'message.failed');
    }
    return settle(message, { status: 'pending', attempts, nextAttemptAt: iso(next), lastError: result.error });
  }

  async function run() {
    do {
      again = false;
      let claimed;
      do {
        const now = clock();
        claimed = await store.claimOutbox(iso(now), iso(now + leaseMs), BATCH);
        await Promise.all(claimed.map((m) => handle(m).catch((error) => log?.error({ messageId: m.id, err: { message: error.message } }, 'settling a message failed'))));
      } while (claimed.length === BATCH && !stopped);
    } while (again && !stopped);
  }

  function runNow() {
    if (running) {
      again = true;
      return running;
    }
    running = run()
      .catch((error) => log?.error({ err: { message: error.message } }, 'the outbox relay failed; it tries again'))
      .finally(() => {
        running = null;
        settled.splice(0).forEach((resolve) => resolve());
      });
    return running;
  }

  return {
    /** Delivers what is due now; resolves when done. */
    runOnce: runNow,
    /** A message was just committed: deliver it now (a run already going runs once more). */
    wake() {
      if (!stopped) runNow();
    },
    /** Looks for due messages every `intervalMs` (retries, other processes', ones left by a restart). */
    start(intervalMs) {
      if (intervalMs > 0) timer = setInterval(runNow, intervalMs).unref();
    },
    /** Resolves once no run is in progress. */
    idle() {
      return running ? new Promise((resolve) => settled.push(resolve)) : Promise.resolve();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
