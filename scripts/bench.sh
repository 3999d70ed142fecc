#!/usr/bin/env bash
# Benchmarks (never timed assertions in tests): fills a fresh database with generated
# invitations and measures the list/search queries and a bulk invite on SQLite, and on
# PostgreSQL when it answers; the mail worker's throughput to a local SMTP server (maildev);
# reports the release WASM size. Writes target/bench/results.md.
# The HTTP load benchmarks (wrk: throughput, logins under load, memory) are in scripts/load.sh.
#   PORTICO_BENCH_ROWS   invitations to generate (default 1000000)
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
set -e
ROWS="${PORTICO_BENCH_ROWS:-1000000}"
PG_URL="${PORTICO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
RESULTS="$OUT/results.md"

step "Building the server (release)"
cargo build --release -p server --bin server --locked

{
  echo "# Benchmark results ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $ROWS generated invitations."
  echo
} > "$RESULTS"

bench_on() {
  local url="$1"
  step "Generating $ROWS invitations ($url)"
  target/release/server --database-url "$url" generate --invitations "$ROWS" | tee -a "$OUT/generate.log"
  # PostgreSQL: the steady state autovacuum reaches on its own (statistics for the planner,
  # the visibility map for index-only scans), reached now rather than during the measurement.
  case "$url" in postgres*) psql "$url" -qc 'VACUUM ANALYZE' ;; esac
  step "Measuring ($url)"
  PORTICO_BENCH_DATABASE_URL="$url" cargo bench -p server --bench services --locked | grep '^|' >> "$OUT/table.md"
}

ensure_npm_packages
# A local SMTP server for the mail worker's throughput (maildev from end2end/node_modules).
SMTP_PORT=2625
MAILDEV_DIR="$OUT/maildev"
rm -rf "$MAILDEV_DIR" && mkdir -p "$MAILDEV_DIR"
maildev --smtp "$SMTP_PORT" --web 2680 --ip 127.0.0.1 --silent --mail-directory "$MAILDEV_DIR" >/dev/null 2>&1 &
MAILDEV_PID=$!
trap 'kill $MAILDEV_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null && break; sleep 0.2; done
export PORTICO_BENCH_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"

rm -f "$OUT/table.md" "$OUT/bench.db"*
bench_on "sqlite://$OUT/bench.db?mode=rwc"
if psql "$PG_URL/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  psql "$PG_URL/postgres" -qc 'drop database if exists portico_bench' -qc 'create database portico_bench'
  bench_on "$PG_URL/portico_bench"
else
  echo "PostgreSQL not reachable at $PG_URL: measured on SQLite only" | tee -a "$RESULTS"
fi
# One header for both backends' rows.
awk 'NR <= 2 || !/^\| (backend|---)/' "$OUT/table.md" >> "$RESULTS"

if [ -f target/site/pkg/portico.wasm ]; then
  {
    echo
    echo "| asset in target/site/pkg (release only after make run; a test run leaves a debug build) | raw bytes | gzip -9 bytes |"
    echo "| --- | --- | --- |"
    for f in target/site/pkg/portico.wasm target/site/pkg/portico.js target/site/pkg/portico.css; do
      echo "| $(basename "$f") | $(stat -c %s "$f") | $(gzip -9c "$f" | wc -c) |"
    done
  } >> "$RESULTS"
fi
step "Results in $RESULTS"
cat "$RESULTS"
