// The package in a real browser (Debian's headless Chromium): imported by a
// plain <script type="module">, both builds answer every enable vector
// exactly as the package does in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { validateRequest } from 'identity-mfa';
import { loadVectors, caseBody } from '../js/support/vectors.js';
import { browseFolder, pageOutput } from './support/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('Chromium gives the same result as Node for every enable vector: fetched (default and via locateFile) and embedded', async (t) => {
  const { url, page } = await browseFolder(t, root);
  const wasm = [];
  page.on('response', (r) => r.url().includes('.wasm') && wasm.push([new URL(r.url()).pathname + new URL(r.url()).search, r.headers()['content-type']]));
  await page.goto(`${url}/tests/browser/vectors.html`);
  const out = await pageOutput(page);
  assert.equal(out.error, undefined, out.error);
  assert.match(out.userAgent, /Chrome/);
  assert.deepStrictEqual(wasm, [
    ['/js/wasm/identity_mfa.wasm', 'application/wasm'], // the default: next to the glue
    ['/js/wasm/identity_mfa.wasm?via=locateFile', 'application/wasm'], // where locateFile said
  ]);
  const { cases } = loadVectors('validate-enable.json');
  assert.equal(out.results.length, cases.length);
  assert.equal(out.embedded.length, cases.length);
  cases.forEach((c, i) => {
    const node = validateRequest(c.route, caseBody(c), c.bodyLimit === undefined ? undefined : { bodyLimit: c.bodyLimit });
    assert.deepStrictEqual(out.results[i], node, `fetched: ${c.name}`);
    assert.deepStrictEqual(out.embedded[i], node, `embedded: ${c.name}`);
    assert.deepStrictEqual(out.located[i], node, `fetched via locateFile: ${c.name}`);
  });
});
