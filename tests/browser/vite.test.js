// The package as a bundler sees it: `npm pack`, installed into a fresh app,
// built by Vite, the built page opened in Chromium. The fetched build's
// .wasm must come out as an asset Vite emitted, and both builds must answer
// as Node does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { validateRequest } from 'identity-mfa';
import { browseFolder, pageOutput } from './support/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function installPackedInto(app) {
  const packed = execFileSync('npm', ['pack', '--pack-destination', app, '--silent'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
  const target = join(app, 'node_modules', 'identity-mfa');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(app, packed), '-C', target, '--strip-components=1']);
}

test('a Vite app bundles the packed package, and its built page validates in Chromium as Node does', async (t) => {
  const app = mkdtempSync(join(tmpdir(), 'identity-mfa-vite-'));
  t.after(() => rmSync(app, { recursive: true, force: true }));
  cpSync(join(root, 'tests/browser/vite-app'), app, { recursive: true });
  cpSync(join(root, 'tests/vectors/validate-enable.json'), join(app, 'validate-enable.json'));
  installPackedInto(app);

  await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: join(app, 'dist') } });
  const emitted = readdirSync(join(app, 'dist', 'assets'));
  assert.ok(emitted.some((f) => /^identity_mfa-.*\.wasm$/.test(f)), `Vite emitted the .wasm: ${emitted.join(', ')}`);

  const { url, page } = await browseFolder(t, join(app, 'dist'));
  const wasm = [];
  page.on('response', (r) => r.url().endsWith('.wasm') && wasm.push(r.status()));
  await page.goto(`${url}/`);
  const out = await pageOutput(page);
  assert.equal(out.error, undefined, out.error);
  assert.deepStrictEqual(wasm, [200], 'the bundled page fetched the emitted .wasm');
  assert.ok(out.names.length >= 100, `${out.names.length} vectors ran`);
  const { cases } = JSON.parse(readFileSync(join(app, 'validate-enable.json'), 'utf8'));
  const byName = new Map(cases.map((c) => [c.name, c]));
  out.names.forEach((name, i) => {
    const c = byName.get(name);
    const node = validateRequest(c.route, c.body);
    assert.deepStrictEqual(out.fetched[i], node, `fetched: ${name}`);
    assert.deepStrictEqual(out.embedded[i], node, `embedded: ${name}`);
  });
});
