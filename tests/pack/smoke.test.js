// The published artefact, as a user gets it: `npm pack`, install the tarball
// into an empty folder (no registry), import the public entry point, validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packed tarball installs offline and validates through its public entry point', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mfa-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root))[0];
  const files = packed.files.map((f) => f.path);
  for (const f of ['js/wasm/identity_mfa.mjs', 'js/wasm/identity_mfa.wasm', 'js/wasm/identity_mfa.embedded.mjs', 'js/embedded.js']) {
    assert.ok(files.includes(f), `${f} ships (both builds of the wasm)`);
  }
  for (const f of ['index.html', 'app.js', 'forms.js', 'demo.css']) assert.ok(files.includes(`server/demo/page/${f}`), `demo page ${f} ships`);
  assert.ok(files.includes('server/demo/vendor/qrcode.js'), 'the bundled QR encoder ships');
  // Every file the exports map names (types included) is in the tarball.
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const [entry, target] of Object.entries(exports)) {
    for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(files.includes(path.replace(/^\.\//, '')), `exports["${entry}"] → ${path} ships`);
    }
  }
  assert.ok(files.includes('js/index.d.ts') && files.includes('js/index.js'));
  assert.ok(!files.some((f) => /^(core|bindings|tests|build|bench|scripts)\//.test(f)), `no C++ sources, tests or builds: ${files}`);

  const app = join(dir, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], app);

  writeFileSync(join(app, 'check.js'), `
    import { validateEnableRequest, IdentityMfaError } from 'identity-mfa';
    import { loadIdentityMfa } from 'identity-mfa/embedded';
    const embedded = await loadIdentityMfa();
    if (embedded.validateEnableRequest('{}').error.code !== 'IDE-0001') throw new Error('embedded build answered wrong');
    const good = validateEnableRequest('{"recoveryCode":"ABCD-EFGH-JKMN","mfaType":"email"}');
    const bad = validateEnableRequest(Buffer.from('{"recoveryCode":"ABCD-EFGH-JKMN","mfaType":"push"}'));
    console.log(JSON.stringify({ good, bad, error: IdentityMfaError.from(bad).code }));
  `);
  const out = JSON.parse(run('node', ['check.js'], app));
  assert.deepStrictEqual(out.good, { ok: true, value: { recoveryCode: 'ABCD-EFGH-JKMN', mfaType: 'email' } });
  assert.equal(out.bad.ok, false);
  assert.equal(out.bad.status, 400);
  assert.equal(out.bad.error.code, 'IDE-0044');
  assert.equal(out.error, 'IDE-0044');

  // The command line in a project that installed the package alone, without
  // the sidecar's optional peers: help works; a command that needs them says
  // exactly what to install, and exits 2 (no stack trace).
  const bin = join(app, 'node_modules/.bin/identity-mfa');
  const cli = (...args) => spawnSync(bin, args, { cwd: app, encoding: 'utf8' });
  const help = cli('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /identity-mfa serve/);
  assert.equal(cli('--version').stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  const usersHelp = cli('users', '--help');
  assert.equal(usersHelp.status, 0);
  assert.match(usersHelp.stdout, /identity-mfa users add/);
  assert.equal(cli('serve', '--help').status, 0);
  const serve = cli('serve');
  assert.equal(serve.status, 2, serve.stderr);
  assert.match(serve.stderr, /^identity-mfa serve needs packages that are not installed:\n {2}npm i fastify@\^5[^\n]* pino@[^\n]* jose@[^\n]* prom-client@[^\n]* better-sqlite3@\^12[^\n]*\n/);
  assert.doesNotMatch(serve.stderr, /at .*\.js:\d+|ERR_MODULE_NOT_FOUND/);
  const token = cli('token', '--sub', '019c96a0-0c21-71f9-a487-66a1258278a1');
  assert.equal(token.status, 2);
  assert.match(token.stderr, /npm i jose@/);
  // The docs the README links to ship with it.
  for (const doc of ['contract', 'security', 'operations', 'decisions', 'performance']) assert.ok(files.includes(`docs/${doc}.md`), `docs/${doc}.md ships`);
});
