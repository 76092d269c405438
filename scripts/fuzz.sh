#!/usr/bin/env bash
# Fuzzes the request parser, validator, state parser and state machine under
# ASan and UBSan: bash scripts/fuzz.sh [seconds]   (npm run fuzz -- 300)
# Any crash, leak or undefined behaviour stops it with a non-zero exit and
# leaves the input in build/fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
binary=build/fuzz/tests/fuzz/identity_mfa_fuzz
[ -x "$binary" ] || bash scripts/build.sh fuzz
corpus=build/fuzz/corpus
mkdir -p "$corpus" build/fuzz/findings
node scripts/fuzz-seeds.mjs build/fuzz/seeds >/dev/null
echo "fuzzing for ${seconds}s (ASan + UBSan, leak detection on)"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  "$binary" "$corpus" build/fuzz/seeds \
  -max_total_time="$seconds" -max_len=20000 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/findings/ -print_final_stats=1 2>build/fuzz/last-run.log \
  || { tail -60 build/fuzz/last-run.log; echo "fuzz: FAILED (input kept in build/fuzz/findings/)"; exit 1; }
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build/fuzz/last-run.log || true
echo "fuzz: no crash, leak or undefined behaviour in ${seconds}s"
