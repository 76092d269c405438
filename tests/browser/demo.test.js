// The demo page in headless Chromium against a real sidecar in demo mode (a
// real SQLite file in a temp folder): a person's flows, typed and clicked.
// Screenshots of each step go to the folder given on the command line:
//   node tests/browser/demo.test.js --screenshots <folder>
// (default build/screenshots, or IDENTITY_MFA_SCREENSHOTS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateRequest } from 'identity-mfa';
import { buildApp } from '../../server/app.js';
import { prepareDemo } from '../../server/demo/prepare.js';
import { totp } from '../vectors/src/reference.mjs';
import { launchChromium } from './support/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({ options: { screenshots: { type: 'string' } }, strict: false });
const SHOTS = resolve(args.screenshots ?? process.env.IDENTITY_MFA_SCREENSHOTS ?? join(root, 'build/screenshots'));
mkdirSync(SHOTS, { recursive: true });

// Demo mode's own database: the SQLite file in its data folder.
delete process.env.IDENTITY_MFA_DB;

// A sidecar in demo mode, as `npm start` runs it, on an ephemeral port.
async function startDemo(t, { blockWasm = false, staleFirstToken = false, viewport = { width: 960, height: 900 } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-demo-page-'));
  const demo = await prepareDemo({ dataDir: dir, host: '127.0.0.1', port: 0 });
  const app = await buildApp({ config: demo.config, demo: { userId: demo.userId }, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (blockWasm) await page.route('**/*.wasm', (route) => route.abort());
  if (staleFirstToken) {
    // The first session the page gets holds a token the sidecar refuses, as
    // one that expired while the page stayed open would be.
    let first = true;
    await page.route('**/demo/session', async (route) => {
      const response = await route.fetch();
      const session = await response.json();
      if (first) session.token = `${session.token.slice(0, -4)}AAAA`;
      first = false;
      await route.fulfill({ response, json: session });
    });
  }
  const response = await page.goto(`${base}/`);
  await page.getByText(blockWasm ? 'The page could not start' : 'Validation core loaded').waitFor();
  return {
    base, page, requests, errors, dir, userId: demo.userId, headers: response.headers(),
    // The outbox as a person reads it: the command the page shows, in a
    // shell in the project folder, with the data folder the demo was given.
    outbox: async () => runShown(await page.locator('#outbox-command').textContent(), dir),
  };
}

function runShown(command, dataDir) {
  return execSync(command, { encoding: 'utf8', shell: '/bin/sh', cwd: root, env: { ...process.env, IDENTITY_MFA_DATA: dataDir } })
    .trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const checkOf = (page, form) => page.locator(`#form-${form}-check`);
const answerOf = (page, form) => page.locator(`#form-${form} .answer`);
const statusText = (page) => page.locator('#status-enabled').textContent();

async function waitForAnswer(page, form, status) {
  await answerOf(page, form).getByText(`Server answered ${status}`).waitFor();
}

// The requests a page made after `before`, once every request it started by
// now has been seen: a marker fetched after the action arrives after them
// (events come in order), so no timer is needed to know nothing was sent.
async function sentAfter(page, requests, before) {
  const marker = `/health/live?marker=${Math.random()}`;
  const seen = page.waitForRequest((r) => r.url().endsWith(marker));
  await page.evaluate((path) => fetch(path), marker);
  await seen;
  return requests.slice(before).filter((u) => !u.endsWith(marker));
}

test('the page and everything it loads come from the sidecar, under a strict CSP', async (t) => {
  const { base, requests, errors, headers } = await startDemo(t);
  assert.deepStrictEqual(errors, []);
  assert.ok(requests.length >= 8, requests.join('\n'));
  for (const url of requests) assert.ok(url.startsWith(`${base}/`), `${url} is served by the sidecar`);
  assert.ok(requests.some((u) => u.endsWith('/identity-mfa/wasm/identity_mfa.wasm')), 'the wasm core was fetched');
  const csp = headers['content-security-policy'];
  assert.match(csp, /default-src 'none'; script-src 'self' 'wasm-unsafe-eval'/);
  const sources = csp.split(/[\s;]+/);
  assert.ok(!sources.includes("'unsafe-eval'") && !sources.includes("'unsafe-inline'"), csp);
});

test('typing an invalid body shows the code and message the server would answer, and sends nothing', async (t) => {
  const { page, requests } = await startDemo(t);
  await shot(page, 'invalid-0-loaded');
  const bodies = [
    ['enable', '{"mfaType":"app","recoveryCode":"ABCD-EFGH-JKLM"}'], // app needs its secret
    ['enable', '{"mfaType":"app","secret":"JBSWY3DPEHPK3PXP","recoveryCode":"X","extra":1}'],
    ['verify', '{"mfaType":"email","passcode":"123"}'],
    ['verify', '{"mfaType":"email","passcode":"123456",'],
    ['setup', '{"mfaType":"fax"}'],
    ['setup', '[]'],
  ];
  for (const [i, [route, body]] of bodies.entries()) {
    const expected = validateRequest(route, body);
    assert.equal(expected.ok, false, body);
    const textarea = page.getByLabel(new RegExp(`Request body for POST …/mfa/${route}\\b`));
    await textarea.fill('');
    await textarea.pressSequentially(body); // typed, key by key
    const check = checkOf(page, route);
    await assert.doesNotReject(check.getByText(expected.error.code).waitFor({ timeout: 5000 }), `${route} ${body}`);
    const text = await check.textContent();
    assert.ok(text.includes(`(HTTP ${expected.status})`), text);
    assert.ok(text.includes(expected.error.message), text);
    for (const [field, reason] of Object.entries(expected.error.fields ?? {})) assert.ok(text.includes(`${field}: ${reason}`), text);
    assert.equal(await textarea.getAttribute('aria-invalid'), 'true');
    assert.equal(await check.getAttribute('aria-live'), 'polite');
    const before = requests.length;
    await page.locator(`#form-${route} button[type=submit]`).click();
    await textarea.press('Control+Enter');
    assert.deepStrictEqual(await sentAfter(page, requests, before), [], `nothing was sent for ${route} ${body}`);
    assert.equal(await answerOf(page, route).textContent(), '', 'no server answer appeared');
    await check.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, `invalid-${i + 1}-${route}.png`) });
  }
});

test('the app flow: setup, QR code and secret, recovery codes saved, verify with TOTP, enable, status "enabled"', async (t) => {
  const { page } = await startDemo(t);
  await page.locator('#status-enabled').getByText('not enabled').waitFor();
  await shot(page, 'app-1-loaded');

  // Keyboard only: choose the type, Tab from the body to the button, Enter.
  await page.getByLabel('Authenticator app (TOTP)').press('Space');
  await page.getByLabel('Request body for POST …/mfa/setup (JSON; edit it freely)').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Set up');
  await page.keyboard.press('Enter');
  await waitForAnswer(page, 'setup', 200);
  const secret = (await page.locator('#secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.ok((await page.locator('#qr svg').count()) === 1, 'a QR code is drawn');
  const url = await page.locator('#otpauth-url').textContent();
  assert.ok(url.startsWith('otpauth://totp/') && url.includes(`secret=${secret}`), url);
  const codes = await page.locator('#recovery-codes li').allTextContents();
  assert.equal(codes.length, 10);
  await shot(page, 'app-2-setup');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download as a text file').click()]);
  const saved = readFileSync(await download.path(), 'utf8');
  for (const code of codes) assert.ok(saved.includes(code), 'the download holds every code');

  // Keyboard: type the code in the labelled field, press Enter.
  const passcode = page.getByLabel('Code (6 to 8 characters)');
  await passcode.fill(totp(secret, Date.now()));
  assert.match(await checkOf(page, 'verify').textContent(), /Valid/);
  await passcode.press('Enter');
  await waitForAnswer(page, 'verify', 200);
  assert.match(await answerOf(page, 'verify').textContent(), /"verified": true/);
  await shot(page, 'app-3-verified');

  const recovery = page.getByLabel('Recovery code', { exact: true });
  assert.ok(await recovery.evaluate((el) => el === document.activeElement), 'focus moved on to the recovery code');
  await recovery.pressSequentially(codes[3]);
  await recovery.press('Enter');
  await waitForAnswer(page, 'enable', 200);
  assert.match(await answerOf(page, 'enable').textContent(), /"enabled": true/);
  await page.locator('#status-methods').getByText('app').waitFor();
  assert.equal(await statusText(page), 'enabled');
  assert.equal(await page.locator('#status-codes').textContent(), '9');
  await shot(page, 'app-4-enabled');

  // Sending it again: valid to the core, refused by the server (app is
  // already enabled), and the page shows the server's answer as it came.
  await page.getByRole('button', { name: 'Enable' }).click();
  await answerOf(page, 'enable').getByText(/Server answered 4\d\d/).waitFor();
  assert.match(await answerOf(page, 'enable').textContent(), /"code": "IDE-\d{4}"/);
});

test('the email flow: the code read from the outbox verifies, a recovery code enables', async (t) => {
  const { page, outbox, userId } = await startDemo(t);
  await page.getByLabel('Email code').check();
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  assert.match(await page.locator('#message-enrollment').textContent(), /sent to ada@example\.com by email/);
  assert.equal(await page.locator('#outbox-command').textContent(), `node server/cli.js outbox --demo --user ${userId}`);
  assert.equal(await page.locator('#app-enrollment').isHidden(), true);
  const codes = await page.locator('#recovery-codes li').allTextContents();
  await shot(page, 'email-1-setup');

  const messages = await outbox();
  assert.equal(messages.length, 1);
  assert.equal(messages[0].channel, 'email');
  const code = messages[0].text.match(/\b(\d{6,8})\b/)[1];
  await page.getByLabel('Code (6 to 8 characters)').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await waitForAnswer(page, 'verify', 200);
  await shot(page, 'email-2-verified');

  await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Enable' }).click();
  await waitForAnswer(page, 'enable', 200);
  await page.locator('#status-methods').getByText('email').waitFor();
  assert.equal(await statusText(page), 'enabled');
  await shot(page, 'email-3-enabled');

  // And off again, with another of the codes.
  await page.getByLabel('Method to turn off').selectOption('email');
  await page.getByLabel('A recovery code', { exact: true }).fill(codes[1]);
  await page.getByRole('button', { name: 'Turn off' }).click();
  await waitForAnswer(page, 'disable', 200);
  await page.locator('#status-enabled').getByText('not enabled').waitFor();
  await shot(page, 'email-4-disabled');
});

// Setup, verify and enable through the page; returns the secret (app) and the codes.
async function enableThroughPage(page, outbox, mfaType) {
  await page.locator('#status-enabled').getByText('not enabled').waitFor();
  await page.getByLabel({ app: 'Authenticator app (TOTP)', email: 'Email code', sms: 'SMS code' }[mfaType]).check();
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  const codes = await page.locator('#recovery-codes li').allTextContents();
  const secret = mfaType === 'app' ? (await page.locator('#secret').textContent()).trim() : null;
  const passcode = secret ? totp(secret, Date.now()) : (await outbox()).at(-1).text.match(/\b(\d{6})\b/)[1];
  await page.getByLabel('Code (6 to 8 characters)').fill(passcode);
  await page.getByRole('button', { name: 'Verify' }).click();
  await waitForAnswer(page, 'verify', 200);
  await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Enable' }).click();
  await waitForAnswer(page, 'enable', 200);
  await page.locator('#step-signin').waitFor({ state: 'visible' });
  return { secret, codes };
}

test('sign in with the app: a TOTP code, then a recovery code; the remaining count is shown', async (t) => {
  const { page, requests, outbox } = await startDemo(t);
  const { secret, codes } = await enableThroughPage(page, outbox, 'app');
  assert.equal(await page.getByLabel('Method of the code').inputValue(), 'app');
  await shot(page, 'signin-1-panel');

  // The app needs nothing sent: the challenge says so.
  await page.getByLabel('Method to send a sign-in code by').selectOption('app');
  await page.getByRole('button', { name: 'Send a sign-in code' }).click();
  await waitForAnswer(page, 'challenge', 200);
  assert.match(await page.locator('#signin-message').textContent(), /needs no message/);

  // A code of the next step: verify claimed the current one.
  await page.getByLabel(/^Sign-in code/).fill(totp(secret, Date.now(), { offset: 1 }));
  assert.match(await checkOf(page, 'check').textContent(), /Valid/);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await waitForAnswer(page, 'check', 200);
  assert.equal(await page.locator('#check-result').textContent(), 'Signed in. The app code is right. 9 recovery codes left.');
  await shot(page, 'signin-2-app-code');

  // Typed as the person goes: a passcode without a method is refused here, and not sent.
  await page.getByLabel('Method of the code').selectOption('');
  await page.getByLabel(/^Sign-in code/).pressSequentially('123456');
  await checkOf(page, 'check').getByText('IDE-0001').waitFor();
  assert.match(await checkOf(page, 'check').textContent(), /mfaType: required with passcode/);
  const before = requests.length;
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  assert.deepStrictEqual(await sentAfter(page, requests, before), [], 'nothing was sent');

  await page.getByLabel(/^Sign-in code/).fill('');
  await page.getByLabel('or a recovery code').fill(codes[5]);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('#check-result').getByText('8 recovery codes left').waitFor();
  assert.equal(await page.locator('#check-result').textContent(), 'Signed in. The recovery code is right. 8 recovery codes left.');
  await page.locator('#status-codes').getByText('8').waitFor();
  await shot(page, 'signin-3-recovery-code');
});

test('sign in by email: the sign-in code is read from the outbox the page points to', async (t) => {
  const { page, outbox, dir } = await startDemo(t);
  await enableThroughPage(page, outbox, 'email');
  assert.equal(await page.getByLabel('Method to send a sign-in code by').inputValue(), 'email');
  await page.getByRole('button', { name: 'Send a sign-in code' }).click();
  await waitForAnswer(page, 'challenge', 200);
  assert.match(await page.locator('#signin-message').textContent(), /sent by email/);
  const messages = runShown(await page.locator('#signin-outbox-command').textContent(), dir);
  const code = messages.at(-1).text.match(/sign-in code is (\d{6})/)[1];
  assert.equal(await page.getByLabel('Method of the code').inputValue(), 'email');
  await page.getByLabel(/^Sign-in code/).fill(code);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await waitForAnswer(page, 'check', 200);
  assert.equal(await page.locator('#check-result').textContent(), 'Signed in. The email code is right. 9 recovery codes left.');
  await shot(page, 'signin-4-email-code');

  // The same code again: the server's answer, as it came.
  await page.getByLabel(/^Sign-in code/).fill(code);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await answerOf(page, 'check').getByText('Server answered 400').waitFor();
  assert.match(await answerOf(page, 'check').textContent(), /"code": "IDE-0902"/);
  assert.equal(await page.locator('#check-result').isHidden(), true);
});

test('a second method: the server asks for step-up, the page walks the person through a check, then setup goes through', async (t) => {
  const { page, outbox } = await startDemo(t);
  const { secret } = await enableThroughPage(page, outbox, 'app');
  await page.getByLabel('Email code').check();
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.locator('#form-setup .notice').getByText('new recovery codes').waitFor(); // a second method replaces them
  await page.getByRole('button', { name: 'Set up' }).click();
  await answerOf(page, 'setup').getByText('Server answered 401').waitFor();
  assert.match(await answerOf(page, 'setup').textContent(), /"code": "IDE-0909"/);
  const hint = page.locator('#stepup-hint');
  assert.match(await hint.textContent(), /check a code of that method/);
  assert.ok(await page.getByLabel(/^Sign-in code/).evaluate((el) => el === document.activeElement), 'focus is on the sign-in code');
  await shot(page, 'stepup-1-asked');

  await page.getByLabel(/^Sign-in code/).fill(totp(secret, Date.now(), { offset: 1 }));
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await waitForAnswer(page, 'check', 200);
  await hint.getByText('Confirmed').waitFor();
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.locator('#form-setup .notice').getByText('new recovery codes').waitFor();
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  assert.equal(await hint.isHidden(), true);
  assert.match(await page.locator('#message-enrollment').textContent(), /sent to ada@example\.com by email/);
  await shot(page, 'stepup-2-second-setup');
});

test('the page never shows a stale answer: editing a form clears its last answer', async (t) => {
  const { page } = await startDemo(t);
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  await page.getByLabel('Request body for POST …/mfa/setup (JSON; edit it freely)').fill('{"mfaType":"fax"}');
  await checkOf(page, 'setup').getByText('IDE-0044').waitFor();
  assert.equal(await answerOf(page, 'setup').textContent(), '', 'no "Server answered 200" under the new error');
});

test('a new setup resets what belonged to the previous one, and warns before it replaces the recovery codes', async (t) => {
  const { page, requests } = await startDemo(t);
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  const secret = (await page.locator('#secret').textContent()).trim();
  const firstCodes = await page.locator('#recovery-codes li').allTextContents();
  await page.getByLabel('Code (6 to 8 characters)').fill(totp(secret, Date.now()));
  assert.match(await checkOf(page, 'verify').textContent(), /Valid/);

  // A second setup: the first click warns and sends nothing; the second goes.
  await page.getByLabel('Email code').check();
  const before = requests.length;
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.locator('#form-setup .notice').getByText('new recovery codes').waitFor();
  assert.deepStrictEqual(await sentAfter(page, requests, before), [], 'the first click only warns');
  await shot(page, 'replace-1-warned');
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  assert.match(await page.locator('#codes-note').textContent(), /earlier setup no longer work/);
  const secondCodes = await page.locator('#recovery-codes li').allTextContents();
  assert.notDeepStrictEqual(secondCodes, firstCodes);
  // The app code typed for the first setup is gone, not shown as valid for email.
  assert.equal(await page.getByLabel('Code (6 to 8 characters)').inputValue(), '');
  assert.doesNotMatch(await checkOf(page, 'verify').textContent(), /Valid/);
  await shot(page, 'replace-2-replaced');
});

test('switching the method of a form drops a code that belonged to the other method', async (t) => {
  const { page } = await startDemo(t);
  await page.getByLabel('Method to turn off').selectOption('app');
  await page.getByLabel('or, for the app, its current code').fill('123456');
  assert.match(await checkOf(page, 'disable').textContent(), /Valid/);
  await page.getByLabel('Method to turn off').selectOption('email');
  assert.equal(await page.getByLabel('or, for the app, its current code').inputValue(), '');
  assert.deepStrictEqual(JSON.parse(await page.getByLabel(/Request body for POST …\/mfa\/disable/).inputValue()), { mfaType: 'email' });
  // The sign-in form too: a method change drops the code typed for the other.
  await page.evaluate(() => { document.getElementById('step-signin').hidden = false; });
  await page.getByLabel('Method of the code').selectOption('app');
  await page.getByLabel(/^Sign-in code/).fill('123456');
  await page.getByLabel('Method of the code').selectOption('sms');
  assert.equal(await page.getByLabel(/^Sign-in code/).inputValue(), '');
  assert.doesNotMatch(await checkOf(page, 'check').textContent(), /Valid/);
});

test('at 390 px wide the secret and each recovery code stay on one line', async (t) => {
  const { page } = await startDemo(t, { viewport: { width: 390, height: 844 } });
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
  const lines = await page.evaluate(() => [document.getElementById('secret'), ...document.querySelectorAll('#recovery-codes li')].map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return [el.textContent, new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
  }));
  assert.equal(lines.length, 11);
  for (const [text, count] of lines) assert.equal(count, 1, `${text} is broken over ${count} lines`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'nothing makes the page scroll sideways');
  await page.locator('#recovery-codes').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'narrow-390.png') });
});

test('without its wasm core the page says so and offers nothing to send', async (t) => {
  const { page, requests, base } = await startDemo(t, { blockWasm: true });
  assert.match(await page.locator('#boot').textContent(), /wasm core did not load/);
  for (const name of ['Set up', 'Verify', 'Enable', 'Turn off']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).isDisabled(), true, name);
  }
  for (const form of ['challenge', 'check']) {
    assert.equal(await page.locator(`#form-${form} button[type=submit]`).isDisabled(), true, form);
  }
  assert.ok(!requests.some((u) => u.startsWith(`${base}/v1/`)), 'no MFA route was called');
});

test('a token refused mid-session is renewed once, and the call goes through', async (t) => {
  const { page, requests, base } = await startDemo(t, { staleFirstToken: true });
  await page.locator('#status-enabled').getByText('not enabled').waitFor();
  assert.equal(requests.filter((u) => u === `${base}/demo/session`).length, 2, 'the session was fetched again');
  await page.getByRole('button', { name: 'Set up' }).click();
  await waitForAnswer(page, 'setup', 200);
});

test.after(() => console.log(`screenshots: ${SHOTS}`));
