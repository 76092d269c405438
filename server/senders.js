// Where email/SMS codes go (docs/contract.md §6, IDENTITY_MFA_SENDER). Every
// message is first committed to the outbox with the decision that made it;
//   outbox           they stay there for whatever delivers them (read with
//                    `identity-mfa outbox`); nothing is sent from here
//   webhook:<url>    the outbox relay (relay.js) POSTs each as JSON
//                    {id, userId, channel, to, text}, with the header
//                    Idempotency-Key: <id>, the same on every attempt
const RETRYABLE = new Set([408, 425, 429]);

export function createSender(config) {
  if (config.sender.kind === 'outbox') return { kind: 'outbox', deliver: null };
  const { url } = config.sender;
  const timeoutMs = config.webhookTimeoutMs ?? 5000;
  return {
    kind: 'webhook',
    /** One attempt: { ok } or { ok: false, retry, error }. */
    async deliver({ id, userId, channel, to, text }) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': id },
          body: JSON.stringify({ id, userId, channel, to, text }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => {});
        if (response.ok) return { ok: true };
        return { ok: false, retry: response.status >= 500 || RETRYABLE.has(response.status), error: `webhook answered ${response.status}` };
      } catch (error) {
        return { ok: false, retry: true, error: error.name === 'TimeoutError' ? `webhook did not answer within ${timeoutMs} ms` : `webhook unreachable: ${error.cause?.code ?? error.name}` };
      }
    },
  };
}
