// The README's usage example runs as written and prints what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

test('the README usage example runs and prints the commented output', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const usage = readme.slice(readme.indexOf('## The npm package'));
  const code = usage.match(/```js\n([\s\S]*?)```/)[1];
  assert.ok(code.split('\n').filter(Boolean).length <= 12, 'the example stays short');
  // Inside the repository, so `identity-mfa` resolves to this package.
  mkdirSync(new URL('build/', root), { recursive: true });
  const file = new URL('build/readme-example.mjs', root);
  writeFileSync(file, code);
  const printed = execFileSync(process.execPath, [file.pathname], { encoding: 'utf8' }).trim().split('\n');
  const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  assert.deepStrictEqual(printed, promised);
});
