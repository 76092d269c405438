// The demo page: setup → save the recovery codes → verify → enable, then
// sign in with the enabled method (challenge → check), with a status panel.
// It acts as the demo user with a token from /demo/session.
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

  let current = null; // the last status: what a new setup would replace
  async function refreshStatus() {
    const answer = await send('GET', '');
    if (!answer.ok) {
      renderAnswer($('status-answer'), answer);
      return;
    }
    const s = answer.json;
    current = s;
    $('status-enabled').textContent = s.enabled ? 'enabled' : 'not enabled';
    $('status-methods').textContent = s.methods.length ? s.methods.join(', ') : 'none';
    $('status-preferred').textContent = s.preferredType || 'none';
    $('status-codes').textContent = String(s.recoveryCodesRemaining ?? 0);
    $('status-pending').textContent = describePending(s.pending);
    $('status-answer').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    showSignIn(s);
  }

  // The sign-in panel appears once a method is enabled, set to that method.
  let challenge;
  let check;
  function showSignIn(s) {
    const panel = $('step-signin');
    const wasHidden = panel.hidden;
    panel.hidden = !s.enabled;
    if (!s.enabled || !wasHidden) return;
    challenge.setField('mfaType', s.methods.find((m) => m !== 'app') ?? 'app');
    check.setField('mfaType', s.preferredType || s.methods[0]);
  }

  let verify;
  let enable;
  // Once a method is on, another needs step-up: the server answers IDE-0909
  // until the person has checked a code of theirs (within 5 minutes).
  const stepUpHint = $('stepup-hint');
  function askForStepUp() {
    stepUpHint.textContent = 'You already have a method turned on, so the server wants proof it is you first: ' +
      'check a code of that method in "Sign in with an enabled method" below, then set up again within 5 minutes.';
    stepUpHint.hidden = false;
    $('step-signin').hidden = false;
    $('check-passcode').focus();
  }

  // A setup issues new recovery codes: it voids a pending setup's codes at
  // once, and the active ones when it is enabled. Say so before, and after.
  const replaces = () => (current?.pending.length ?? 0) > 0 || (current?.recoveryCodesRemaining ?? 0) > 0;
  const setupForm = validatedForm($('form-setup'), {
    mfa,
    send,
    hide: ['secret', 'url', 'recoveryCodes'],
    warnBefore: () => (replaces()
      ? 'Setting up again issues new recovery codes: the ones from your earlier setup stop working (at once if it is still pending, when you enable the new one otherwise).'
      : null),
    onAnswer: async (answer) => {
      if (answer.json?.code === 'IDE-0909') askForStepUp();
      else stepUpHint.hidden = true;
      if (answer.ok) {
        const replaced = replaces();
        const { mfaType, secret } = answer.json;
        await showEnrollment(answer.json, session);
        if (replaced) $('codes-note').textContent = 'These are new recovery codes: the ones from your earlier setup no longer work once these are enabled (a pending setup\'s, right away).';
        // What was typed for the previous setup belongs to it: start afresh.
        for (const form of [verify, enable]) {
          form.reset(['passcode', 'recoveryCode']);
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
  challenge = validatedForm($('form-challenge'), {
    mfa,
    send,
    onAnswer: async (answer) => {
      const sent = answer.ok && answer.json.sent;
      $('signin-message').hidden = !answer.ok;
      $('signin-outbox-command').hidden = !sent;
      if (answer.ok) {
        const { mfaType, expiresAt } = answer.json;
        $('signin-message').textContent = sent
          ? `A sign-in code was sent by ${mfaType}; it holds until ${new Date(expiresAt).toLocaleTimeString()}. ` +
            'In demo mode it waits in the outbox; read it in a terminal, from the folder you started the demo in (with the same IDENTITY_MFA_DATA, if you set one):'
          : 'An authenticator app needs no message: type the code it shows now.';
        $('signin-outbox-command').textContent = session.outboxCommand;
        check.setField('mfaType', mfaType);
        $('check-passcode').focus();
      }
    },
  });
  check = validatedForm($('form-check'), {
    mfa,
    send,
    methodFields: ['passcode'],
    onAnswer: async (answer) => {
      const result = $('check-result');
      result.hidden = !answer.ok;
      if (answer.ok) {
        const { method, recoveryCodesRemaining: left } = answer.json;
        const what = method === 'recovery' ? 'The recovery code' : `The ${method} code`;
        const codes = `${left} recovery code${left === 1 ? '' : 's'} left`;
        // Few codes left: the person should make a new set (POST …/mfa/recovery-codes).
        result.textContent = left <= 3
          ? `Signed in. ${what} is right. Only ${codes}: make a new set before they run out.`
          : `Signed in. ${what} is right. ${codes}.`;
        result.className = left <= 3 ? 'warn' : '';
        check.reset(['passcode', 'recoveryCode']);
        if (!stepUpHint.hidden) {
          stepUpHint.textContent = 'Confirmed: set up the other method now (within 5 minutes).';
          setupForm.clearAnswer();
          $('form-setup').querySelector('button[type=submit]').focus();
        }
      }
      await refreshStatus();
    },
  });
  validatedForm($('form-disable'), { mfa, send, methodFields: ['passcode'], onAnswer: refreshStatus });
  $('status-refresh').addEventListener('click', refreshStatus);
  await refreshStatus();
}

main();
