#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one command, measured, never asserted: the service
# benchmarks (scripts/bench.sh: list/search over PORTICO_BENCH_ROWS invitations, bulk invite,
# mail worker, WASM size), the HTTP load (scripts/load.sh: the list against its hand-written
# anchor, logins under load, memory), the first load (scripts/lighthouse.sh), two replicas
# behind nginx with one killed (scripts/replicas.sh) and a newcomer's first `make run`
# (scripts/first-run.sh). Each keeps its own settings (README, "Benchmarks"); the result files
# are joined into target/bench/all.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bench.sh
bash scripts/load.sh
bash scripts/lighthouse.sh
bash scripts/replicas.sh
bash scripts/first-run.sh
cat target/bench/results.md target/bench/load.md target/bench/lighthouse.md \
  target/bench/replicas.md target/bench/first-run.md > target/bench/all.md
printf '\n==> Every result in %s\n' "$ROOT/target/bench/all.md"
