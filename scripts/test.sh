#!/usr/bin/env bash
# Every test suite, after scripts/setup.sh. Stops at the first failing suite.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds="${IDENTITY_MFA_FUZZ_SECONDS:-30}"
passed=0

suite() {
  echo
  echo "=== $1"
  shift
  "$@"
  passed=$((passed + 1))
}

suite "contract: the files generated from contract/api.mjs are up to date" \
  node scripts/generate.mjs --check
suite "native: GoogleTest over the shared vectors (OpenSSL HMAC)" \
  ctest --test-dir build/native --output-on-failure
suite "wasm: node:test over the shared vectors, API, catalog, native/wasm parity" \
  node --test tests/js/
suite "server on SQLite: the sidecar over real HTTP and a real SQLite file" \
  node --test tests/server/
suite "server on PostgreSQL: the same suite against a throwaway PostgreSQL server" \
  bash scripts/with-postgres.sh env IDENTITY_MFA_TEST_DB=postgres node --test tests/server/
suite "scale-out and faults: two sidecar processes on one PostgreSQL, kill -9, PostgreSQL stopped" \
  bash scripts/with-postgres.sh env IDENTITY_MFA_TEST_DB=postgres node --test tests/cluster/
suite "scale-out on SQLite: two sidecar processes on one SQLite file (each decides its writes under the file's write lock)" \
  env IDENTITY_MFA_TEST_DB=sqlite node --test tests/cluster/two-processes.test.js
suite "browser: headless Chromium: every enable vector as in Node (both builds), a Vite app, the demo page" \
  node --test tests/browser/
suite "types: the shipped .d.ts compile for a TypeScript consumer (browser-safe package; the server)" \
  bash -c 'npx --no-install tsc -p tests/types/tsconfig.json && npx --no-install tsc -p tests/types/tsconfig.server.json'
suite "package: npm pack, install into an empty folder, use" \
  node --test tests/pack/
suite "fuzz: parser, validator and state machine under ASan + UBSan" \
  bash scripts/fuzz.sh "$fuzz_seconds"

echo
echo "suites: ${passed} passed, 0 failed"
