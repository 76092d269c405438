#!/usr/bin/env bash
# Builds one tree three ways, and the demo page's browser assets:
#   bash scripts/build.sh [native|wasm|fuzz|assets|all ...]
#   native  core + GoogleTest suite + tools     -> build/native
#   wasm    core + embind bindings (em++)       -> js/wasm/identity_mfa{.mjs,.wasm,.embedded.mjs}
#   fuzz    core + libFuzzer target (clang)     -> build/fuzz
#   assets  npm qrcode bundled for browsers     -> server/demo/vendor/qrcode.js
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=2
# Debian's emcc runs its optimiser with Node, which must find Debian's acorn.
export NODE_PATH=/usr/share/nodejs

build_native() {
  [ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j"$jobs"
}
build_wasm() {
  [ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j"$jobs"
}
build_fuzz() {
  [ -f build/fuzz/CMakeCache.txt ] ||
    CXX=clang++ cmake -S . -B build/fuzz -DIDENTITY_MFA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/fuzz -j"$jobs"
}

build_assets() {
  # Rebuilt only when the inputs change (package-lock.json pins qrcode).
  local out=server/demo/vendor/qrcode.js
  if [ ! -f "$out" ] || [ package-lock.json -nt "$out" ] || [ server/demo/qrcode-entry.js -nt "$out" ] ||
     [ scripts/build-demo-assets.mjs -nt "$out" ]; then
    node scripts/build-demo-assets.mjs
  fi
}

for what in "${@:-all}"; do
  case "$what" in
    native) build_native ;;
    wasm) build_wasm ;;
    fuzz) build_fuzz ;;
    assets) build_assets ;;
    all) build_native; build_wasm; build_fuzz; build_assets ;;
    *) echo "usage: scripts/build.sh [native|wasm|fuzz|assets|all ...]" >&2; exit 2 ;;
  esac
done
