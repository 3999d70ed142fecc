#!/usr/bin/env bash
# The long fuzz run: every `fuzz_*` target (one per parser) in release mode
# over PROPTEST_CASES generated cases each (default 1,000,000; `scripts/fuzz.sh 10000` for a
# quick one). The normal test suite runs the same targets with proptest's default 256 cases.
# Writes the results table to target/fuzz/results.md and prints it; exits non-zero when any
# target fails (its minimal failing input is in target/fuzz/log.txt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CASES="${1:-${PROPTEST_CASES:-1000000}}"
PARSERS=(email email_list password full_name decision_reason hex_color tokens validity settings_form markdown)
OUT="$ROOT/target/fuzz"
COMMAND=(cargo test -p app --features ssr --release --lib)

rm -rf "$OUT"
mkdir -p "$OUT/raw"

printf '\033[1m==> Building the fuzz targets (release)\033[0m\n'
"${COMMAND[@]}" --no-run

printf '\033[1m==> Running %s cases per parser\033[0m\n' "$CASES"
START=$(date +%s)
set +e
PROPTEST_CASES="$CASES" PORTICO_FUZZ_RESULTS="$OUT/raw" "${COMMAND[@]}" -- fuzz_ 2>&1 | tee "$OUT/log.txt"
STATUS=${PIPESTATUS[0]}
set -e
ELAPSED=$(($(date +%s) - START))

{
  echo "| parser | cases | panics | property violations | seconds |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for parser in "${PARSERS[@]}"; do
    if [ -f "$OUT/raw/$parser.tsv" ]; then
      awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$OUT/raw/$parser.tsv"
    else
      echo "| $parser | did not run | | | |"
    fi
  done
  echo
  echo "\`PROPTEST_CASES=$CASES ${COMMAND[*]} -- fuzz_\` (scripts/fuzz.sh), $(git rev-parse --short HEAD 2>/dev/null || echo '?'),"
  echo "$(rustc --version), $(nproc) cores, $(date -u +%Y-%m-%d): ${ELAPSED} s wall time, exit status $STATUS."
  echo "Seconds are per target, measured inside the test; targets run in parallel, one per test thread (one per core by default)."
} >"$OUT/results.md"

echo
cat "$OUT/results.md"
exit "$STATUS"
