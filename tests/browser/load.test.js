// The package in a real browser (Debian's headless Chromium): imported by a
// plain <script type="module">, it answers every enable vector exactly as it
// does in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { validateRequest } from 'identity-mfa';
import { loadVectors, caseBody } from '../js/support/vectors.js';

const root = new URL('../../', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' };

// Serves the repository's files on loopback, read-only.
function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !TYPES[extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function dumpDom(url, profile) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--virtual-time-budget=20000', '--dump-dom', url];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 120000, maxBuffer: 64 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

test('Chromium gives the same result as Node for every enable vector', async (t) => {
  const server = await serve();
  const profile = mkdtempSync(join(tmpdir(), 'identity-mfa-chromium-'));
  t.after(() => {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const html = await dumpDom(`http://127.0.0.1:${server.address().port}/tests/browser/vectors.html`, profile);
  const text = html.match(/<pre id="out">([\s\S]*?)<\/pre>/)[1]
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const page = JSON.parse(text);
  assert.equal(page.error, undefined, page.error);
  assert.match(page.userAgent, /Chrome/);
  const { cases } = loadVectors('validate-enable.json');
  assert.equal(page.results.length, cases.length);
  cases.forEach((c, i) => {
    const node = validateRequest(c.route, caseBody(c), c.bodyLimit === undefined ? undefined : { bodyLimit: c.bodyLimit });
    assert.deepStrictEqual(page.results[i], node, c.name);
  });
});
