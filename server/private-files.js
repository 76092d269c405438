// Files the sidecar creates hold secrets (the database: sealed secrets, code
// hashes, the outbox's messages; demo mode: keys): owner-only, whatever the
// process's umask. chmod after creating, because the umask applies to the
// mode given at creation.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `dir` exist; every folder created on the way is 0700. */
export function privateFolder(dir) {
  const target = resolve(dir);
  const missing = [];
  for (let d = target; !existsSync(d); d = dirname(d)) missing.unshift(d);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const d of missing) chmodSync(d, 0o700);
}

/** Makes `file` exist, 0600: created empty when missing, narrowed when it is wider. */
export function privateFile(file) {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/** Writes `text` to `file`, 0600. */
export function writePrivateFile(file, text) {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
