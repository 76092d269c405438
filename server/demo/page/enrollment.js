// The answer to setup, for a person: the QR code and secret of an app
// enrollment, or where an email/SMS code went; and the recovery codes, to
// copy or download before going on.
import { qrSvg } from '/demo/vendor/qrcode.js';

const $ = (id) => document.getElementById(id);
let downloadUrl = null;

async function copy(text, note, what) {
  try {
    await navigator.clipboard.writeText(text);
    note.textContent = `${what} copied to the clipboard.`;
  } catch {
    note.textContent = `Copying was not allowed here: select the ${what.toLowerCase()} and copy them by hand.`;
  }
}

/** Shows `setup` (a 200 body of POST …/setup) for the demo user `session`. */
export async function showEnrollment(setup, session) {
  const isApp = setup.mfaType === 'app';
  $('app-enrollment').hidden = !isApp;
  $('message-enrollment').hidden = isApp;
  $('outbox-command').hidden = isApp;
  if (isApp) {
    // qrcode renders SVG markup from the URL alone: no input reaches it as markup.
    $('qr').innerHTML = await qrSvg(setup.url);
    $('secret').textContent = setup.secret;
    $('otpauth-url').textContent = setup.url;
  } else {
    const to = setup.mfaType === 'email' ? session.email : session.phone;
    $('message-enrollment').textContent = `A code was sent to ${to ?? 'the demo user'} by ${setup.mfaType}. ` +
      'In demo mode it waits in the outbox; read it in a terminal, from the folder you started the demo in (with the same IDENTITY_MFA_DATA, if you set one):';
    $('outbox-command').textContent = session.outboxCommand;
  }
  const codes = setup.recoveryCodes;
  $('recovery-codes').replaceChildren(...codes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
  const text = `identity-mfa recovery codes for ${session.username ?? session.userId}\n` +
    `Each code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  $('download-codes').href = downloadUrl;
  $('copy-codes').onclick = () => copy(codes.join('\n'), $('codes-note'), 'Recovery codes');
  $('copy-secret').onclick = () => copy(setup.secret ?? '', $('codes-note'), 'Secret');
  $('codes-note').textContent = '';
  $('enrollment').hidden = false;
}

/** Hides the previous enrollment (after enable or disable). */
export function hideEnrollment() {
  $('enrollment').hidden = true;
  $('qr').replaceChildren();
  $('secret').textContent = '';
}
