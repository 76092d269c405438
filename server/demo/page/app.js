// The demo page: setup → save the recovery codes → verify → enable, with a
// status panel. It acts as the demo user with a token from /demo/session.
import { loadIdentityMfa } from '/identity-mfa/load.js';
import { validatedForm, renderAnswer } from '/demo/forms.js';
import { showEnrollment, hideEnrollment } from '/demo/enrollment.js';

const $ = (id) => document.getElementById(id);

async function getSession() {
  const response = await fetch('/demo/session', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/demo/session answered ${response.status}`);
  return response.json();
}

// Calls the MFA routes as the demo user; a token that expired while the page
// stayed open is renewed once.
function apiClient(session) {
  async function call(method, path, body) {
    const headers = { authorization: `Bearer ${session.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`/v1/users/${session.userId}/mfa${path}`, { method, headers, body });
    const json = await response.json().catch(() => null);
    return { status: response.status, ok: response.ok, json };
  }
  return async (method, path, body) => {
    const answer = await call(method, path, body);
    if (answer.json?.code !== 'IDE-0009') return answer;
    Object.assign(session, await getSession());
    return call(method, path, body);
  };
}

function describePending(pending) {
  if (!pending?.length) return 'none';
  return pending.map((p) => `${p.mfaType} (${p.verified ? 'verified' : 'not verified'}, until ${new Date(p.expiresAt).toLocaleTimeString()})`).join(', ');
}

async function main() {
  const boot = $('boot');
  let mfa;
  let session;
  try {
    [mfa, session] = await Promise.all([loadIdentityMfa(), getSession()]);
  } catch (error) {
    boot.textContent = `The page could not start: ${error.message}`;
    return;
  }
  $('who').textContent = session.username ?? session.userId;
  boot.textContent = 'Validation core loaded (WebAssembly). Bodies are checked as you type.';
  const send = apiClient(session);

  async function refreshStatus() {
    const answer = await send('GET', '');
    if (!answer.ok) {
      renderAnswer($('status-answer'), answer);
      return;
    }
    const s = answer.json;
    $('status-enabled').textContent = s.enabled ? 'enabled' : 'not enabled';
    $('status-methods').textContent = s.methods.length ? s.methods.join(', ') : 'none';
    $('status-preferred').textContent = s.preferredType || 'none';
    $('status-codes').textContent = String(s.recoveryCodesRemaining ?? 0);
    $('status-pending').textContent = describePending(s.pending);
    $('status-answer').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
  }

  let verify;
  let enable;
  validatedForm($('form-setup'), {
    mfa,
    send,
    hide: ['secret', 'url', 'recoveryCodes'],
    onAnswer: async (answer) => {
      if (answer.ok) {
        const { mfaType, secret } = answer.json;
        await showEnrollment(answer.json, session);
        for (const form of [verify, enable]) {
          form.setField('mfaType', mfaType);
          form.setField('secret', secret ?? '');
          form.clearAnswer();
        }
        $('verify-hint').textContent = mfaType === 'app'
          ? 'Type the code your authenticator app shows now.'
          : `Type the code sent by ${mfaType}.`;
      }
      await refreshStatus();
    },
  });
  verify = validatedForm($('form-verify'), {
    mfa,
    send,
    onAnswer: async (answer) => {
      if (answer.ok) $('recovery-code').focus();
      await refreshStatus();
    },
  });
  enable = validatedForm($('form-enable'), {
    mfa,
    send,
    onAnswer: async (answer) => {
      if (answer.ok) hideEnrollment();
      await refreshStatus();
    },
  });
  validatedForm($('form-disable'), { mfa, send, onAnswer: refreshStatus });
  $('status-refresh').addEventListener('click', refreshStatus);
  await refreshStatus();
}

main();
