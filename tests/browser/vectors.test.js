// The package in a real browser (Debian's headless Chromium): imported by a
// plain <script type="module">, both builds answer every enable vector
// exactly as the package does in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { validateRequest } from 'identity-mfa';
import { loadVectors, caseBody } from '../js/support/vectors.js';
import { launchChromium } from './support/chromium.js';
import { serveFolder } from './support/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('Chromium gives the same result as Node for every enable vector, fetched and embedded builds', async (t) => {
  const server = await serveFolder(root);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage();
  const wasm = [];
  page.on('response', (r) => r.url().endsWith('.wasm') && wasm.push(r.headers()['content-type']));
  await page.goto(`${server.url}/tests/browser/vectors.html`);
  await page.waitForFunction(() => document.getElementById('out').textContent !== 'pending', null, { timeout: 60000 });
  const out = JSON.parse(await page.textContent('#out'));
  assert.equal(out.error, undefined, out.error);
  assert.match(out.userAgent, /Chrome/);
  assert.deepStrictEqual(wasm, ['application/wasm'], 'the default build fetched its .wasm once');
  const { cases } = loadVectors('validate-enable.json');
  assert.equal(out.results.length, cases.length);
  assert.equal(out.embedded.length, cases.length);
  cases.forEach((c, i) => {
    const node = validateRequest(c.route, caseBody(c), c.bodyLimit === undefined ? undefined : { bodyLimit: c.bodyLimit });
    assert.deepStrictEqual(out.results[i], node, `fetched: ${c.name}`);
    assert.deepStrictEqual(out.embedded[i], node, `embedded: ${c.name}`);
  });
});
