// The package in a real browser (Debian's headless Chromium): imported by a
// plain <script type="module">, both builds answer every validation vector
// and every state-machine scenario exactly as the package does in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { validateRequest, loadIdentityMfa } from 'identity-mfa';
import { createNodeHost } from 'identity-mfa/node';
import { loadVectors, validateCase, runScenario } from '../js/support/vectors.js';
import { browseFolder, pageOutput } from './support/chromium.js';
import { hmac } from './support/hmac.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test("the page's synchronous HMAC equals node:crypto", () => {
  for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
    for (const [keyBytes, messageBytes] of [[0, 0], [20, 8], [64, 55], [65, 56], [129, 112], [200, 300]]) {
      const key = randomBytes(keyBytes);
      const message = randomBytes(messageBytes);
      assert.deepStrictEqual(Buffer.from(hmac(algorithm, key, message)), createHmac(algorithm.toLowerCase(), key).update(message).digest(), `${algorithm} ${keyBytes}/${messageBytes}`);
    }
  }
});

test('Chromium gives the same answers as Node for every vector: fetched (default and via locateFile) and embedded', async (t) => {
  const { url, page } = await browseFolder(t, root);
  const wasm = [];
  page.on('response', (r) => r.url().includes('.wasm') && wasm.push([new URL(r.url()).pathname + new URL(r.url()).search, r.headers()['content-type']]));
  await page.goto(`${url}/tests/browser/vectors.html`);
  const out = await pageOutput(page);
  assert.equal(out.error, undefined, out.error);
  assert.match(out.userAgent, /Chrome/);
  assert.deepStrictEqual(wasm.sort(), [
    ['/js/wasm/identity_mfa.wasm', 'application/wasm'], // the default: next to the glue
    ['/js/wasm/identity_mfa.wasm?via=locateFile', 'application/wasm'], // where locateFile said
  ]);

  const cases = [...loadVectors('validate-enable.json').cases, ...loadVectors('validate-routes.json').cases];
  assert.equal(out.results.length, cases.length);
  cases.forEach((c, i) => {
    const node = validateCase({ validateRequest }, c);
    assert.deepStrictEqual(out.results[i], node, `fetched: ${c.route}: ${c.name}`);
    assert.deepStrictEqual(out.embedded[i], node, `embedded: ${c.route}: ${c.name}`);
    assert.deepStrictEqual(out.located[i], node, `fetched via locateFile: ${c.route}: ${c.name}`);
  });

  const machine = loadVectors('state-machine.json');
  const api = await loadIdentityMfa();
  const host = createNodeHost({ pepper: Buffer.from(machine.pepper, 'utf8') });
  assert.equal(out.scenarios.length, machine.scenarios.length);
  machine.scenarios.forEach((scenario, i) => {
    const node = runScenario(api, scenario, host);
    assert.deepStrictEqual(out.scenarios[i], node, `fetched: ${scenario.name}`);
    assert.deepStrictEqual(out.scenariosEmbedded[i], node, `embedded: ${scenario.name}`);
  });
});
