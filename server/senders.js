// Where email/SMS codes go (docs/contract.md §6 IDENTITY_MFA_SENDER).
//   outbox           stored in the database, in the same transaction as the
//                    state; read with `identity-mfa outbox`
//   webhook:<url>    POSTed as JSON {userId, channel, to, text} after the
//                    state is stored, with a timeout and bounded retries
const WEBHOOK_TIMEOUT_MS = 5000;
const WEBHOOK_ATTEMPTS = 3;

export function createSender(config) {
  if (config.sender.kind === 'outbox') return { kind: 'outbox', async send() {} };
  const { url } = config.sender;
  return {
    kind: 'webhook',
    async send(message) {
      let lastError;
      for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(message),
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          });
          if (response.ok) return;
          lastError = new Error(`webhook answered ${response.status}`);
          if (response.status < 500 && response.status !== 429) break; // not worth retrying
        } catch (error) {
          lastError = new Error(`webhook unreachable: ${error.name}`);
        }
        if (attempt < WEBHOOK_ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
      }
      throw lastError;
    },
  };
}
