// The README's "Validate in the browser" page, copied as a user would, next
// to an installed identity-mfa, opened in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateEnableRequest } from 'identity-mfa';
import { browseFolder } from './support/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function readmePage() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Validate in the browser'));
  return section.match(/```html\n([\s\S]*?)```/)[1];
}

test('the README page shows the server\'s answer as the person types, and sends only a valid body', async (t) => {
  const app = mkdtempSync(join(tmpdir(), 'identity-mfa-readme-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules', 'identity-mfa'));
  writeFileSync(join(app, 'index.html'), readmePage());
  t.after(() => rmSync(app, { recursive: true, force: true }));
  const { url, page } = await browseFolder(t, app);
  const sent = [];
  page.on('request', (r) => r.url().includes('/v1/') && sent.push({ url: r.url(), body: r.postData() }));
  await page.goto(`${url}/index.html`);
  await page.waitForLoadState('networkidle');

  const code = page.getByLabel('Recovery code');
  const typed = 'X'.repeat(65); // one over the longest recovery code the contract allows
  await code.pressSequentially(typed.slice(0, 3));
  assert.equal(await page.locator('#problem').textContent(), '', 'a short code is a valid body');
  await code.fill(typed);
  const expected = validateEnableRequest(JSON.stringify({ mfaType: 'email', recoveryCode: typed }));
  assert.equal(expected.ok, false);
  assert.equal(await page.locator('#problem').textContent(), `${expected.error.code} (${expected.status}): ${expected.error.message}`);
  await code.press('Enter');
  // A marker fetched after the press arrives after anything the press sent.
  const marker = page.waitForRequest((r) => r.url().endsWith('?marker'));
  await page.evaluate(() => fetch('/index.html?marker'));
  await marker;
  assert.deepStrictEqual(sent, [], 'an invalid body is not sent');

  await code.fill('ABCD-EFGH-JKMN');
  await code.press('Enter');
  await page.locator('#problem').getByText(/^server: /).waitFor();
  assert.equal(sent.length, 1);
  assert.match(sent[0].url, /\/v1\/users\/.+\/mfa\/enable$/);
  assert.deepStrictEqual(JSON.parse(sent[0].body), { mfaType: 'email', recoveryCode: 'ABCD-EFGH-JKMN' });
});
