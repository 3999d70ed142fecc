#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one command, measured, never asserted: the service
# benchmarks (scripts/bench.sh: list/search over PORTICO_BENCH_ROWS invitations, bulk invite,
# mail worker, WASM size), the HTTP load (scripts/load.sh: wrk throughput, logins under load,
# memory) and the first load (scripts/lighthouse.sh). Each keeps its own settings (README,
# "Benchmarks"); the three result files are joined into target/bench/all.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bench.sh
bash scripts/load.sh
bash scripts/lighthouse.sh
cat target/bench/results.md target/bench/load.md target/bench/lighthouse.md > target/bench/all.md
printf '\n==> Every result in %s\n' "$ROOT/target/bench/all.md"
