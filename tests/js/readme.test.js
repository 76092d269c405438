// The README's usage example runs as written and prints what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

// The first ```js block after `heading` runs and prints what its comments promise.
function runsAsWritten(heading, maxLines) {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `the README has "${heading}"`);
  const code = readme.slice(at).match(/```js\n([\s\S]*?)```/)[1];
  assert.ok(code.split('\n').filter(Boolean).length <= maxLines, 'the example stays short');
  // Inside the repository, so `identity-mfa` resolves to this package.
  mkdirSync(new URL('build/', root), { recursive: true });
  const file = new URL(`build/readme-example-${heading.replace(/\W+/g, '-')}.mjs`, root);
  writeFileSync(file, code);
  const printed = execFileSync(process.execPath, [file.pathname], { encoding: 'utf8' }).trim().split('\n');
  const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  assert.ok(promised.length > 0);
  assert.deepStrictEqual(printed, promised);
}

test('the README usage example runs and prints the commented output', () => {
  runsAsWritten('## The npm package', 14);
});

test('the README sign-in example runs and prints the commented output', () => {
  runsAsWritten('## Signing in with an enabled factor', 20);
});
