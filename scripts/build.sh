#!/usr/bin/env bash
# Builds one tree three ways: bash scripts/build.sh [native|wasm|fuzz|all]
#   native  core + GoogleTest suite + tools     -> build/native
#   wasm    core + embind bindings (em++)       -> js/wasm/identity_mfa.mjs
#   fuzz    core + libFuzzer target (clang)     -> build/fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
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

case "$what" in
  native) build_native ;;
  wasm) build_wasm ;;
  fuzz) build_fuzz ;;
  all) build_native; build_wasm; build_fuzz ;;
  *) echo "usage: scripts/build.sh [native|wasm|fuzz|all]" >&2; exit 2 ;;
esac
