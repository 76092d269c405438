#!/usr/bin/env bash
# Sets up whatever is missing, idempotently: Debian packages, npm
# dependencies, and the native, wasm and fuzz builds. `npm start` and
# `npm test` run it first; running it again only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# What to set up for: `start` (the sidecar: the wasm build), `test`
# (everything: native, wasm, fuzz builds and the test tools) or `bench`
# (what `test` needs, and wrk, the load generator of bench/server.mjs).
purpose="${1:-test}"

# Debian packages, for running and for testing.
packages=(
  cmake make g++            # the builds
  python3                   # node-gyp, to build better-sqlite3
  emscripten                # em++ and embind for the wasm build
)
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
  packages+=(
    libgtest-dev              # GoogleTest
    libssl-dev                # OpenSSL HMAC for the native tests
    clang libclang-rt-14-dev  # libFuzzer, ASan and UBSan
    chromium                  # the package in a real browser (tests/browser)
    postgresql                # a throwaway server for the PostgreSQL suite
  )
fi
[ "$purpose" = bench ] && packages+=(wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies, again whenever package-lock.json changes.
stamp=node_modules/.identity-mfa-lock
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
  bash scripts/build.sh all
else
  bash scripts/build.sh wasm assets
fi
