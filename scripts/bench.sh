#!/usr/bin/env bash
# Benchmarks (never timed assertions in tests): fills a fresh database with generated
# invitations and measures the list/search queries and a bulk invite on SQLite, and on
# PostgreSQL when it answers; the mail worker's throughput to a local SMTP server (maildev);
# reports the release WASM size. Writes target/bench/results.md.
# The HTTP load benchmarks (wrk: throughput, logins under load, memory) are in scripts/load.sh.
# The search's own method (server/benches/search.rs: a generated corpus of terms, 200 samples
# per shape, 3 runs, p50/p95/p99/max) runs warm and then cold (the database restarted, the page
# cache dropped), and on PostgreSQL also at each size of the cost curve on the way to the full
# size. Its tables go to target/bench/search.md.
#   PORTICO_BENCH_ROWS    invitations to generate (default 1000000)
#   PORTICO_BENCH_CURVE   smaller sizes PostgreSQL is also measured at (default "10000 100000")
#   PORTICO_BENCH_INDEXES `as-used`: PostgreSQL's indexes updated row by row as the rows are
#                         generated, as in a database grown by use (slower to fill), instead
#                         of built once at the end of each run that at least doubles the rows
#   PORTICO_BENCH_ON      the backends to measure (default "sqlite postgres"; one of them alone
#                         reruns its part, e.g. PostgreSQL's while SQLite's figures stand)
#   PORTICO_BENCH_SSLMODE the PostgreSQL connections' sslmode (default disable, as the README
#                         advises for a database on the same machine; `prefer` measures TLS)
source "$(dirname "$0")/tools.sh"
# The release server `make run` builds (tools.sh, site_rustflags), and its compiled dependencies.
export RUSTFLAGS="$(site_rustflags)"
cd "$ROOT"
set -e
ROWS="${PORTICO_BENCH_ROWS:-1000000}"
CURVE="${PORTICO_BENCH_CURVE:-10000 100000}"
BENCH_ON=" ${PORTICO_BENCH_ON:-sqlite postgres} "
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

# generate URL COUNT: adds COUNT generated invitations.
generate() {
  step "Generating $2 invitations ($1)"
  local as_used=()
  [ "${PORTICO_BENCH_INDEXES:-}" = as-used ] && as_used=(--indexes-as-used)
  target/release/server --database-url "$1" generate --invitations "$2" "${as_used[@]}" |
    tee -a "$OUT/generate.log"
  # PostgreSQL: the steady state autovacuum reaches on its own (statistics for the planner,
  # the visibility map for index-only scans), reached now rather than during the measurement.
  case "$1" in postgres*) psql "$1" -qc 'VACUUM ANALYZE' ;; esac
}

# search URL PASS: the search method's tables (PASS warm or cold) appended to search.md.
search() {
  step "Search, $2 ($1)"
  PORTICO_BENCH_DATABASE_URL="$1" PORTICO_BENCH_PASS="$2" PORTICO_BENCH_CORPUS="$OUT/corpus.tsv" \
    cargo bench -p server --bench search --locked | sed -n '/^###/,$p' | tee -a "$OUT/search.md"
}

# cold_start URL: the database restarted (PostgreSQL) and the kernel's page cache dropped, so
# the next queries read from disk.
cold_start() {
  case "$1" in
    postgres*)
      # The local cluster on the URL's port (pg_lsclusters: version, name, port, ...).
      local port cluster
      port=$(printf '%s' "$1" | sed -nE 's#^postgres(ql)?://[^/]*:([0-9]+)/.*#\2#p')
      cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="${port:-5432}" '$3 == port { print $1, $2 }' | head -1)
      if [ -n "$cluster" ]; then
        pg_ctlcluster --skip-systemctl-redirect $cluster restart ||
          note "PostgreSQL could not be restarted: the cold figures have its warm buffers"
      else
        note "no local PostgreSQL cluster on port ${port:-5432}: the cold figures have its warm buffers"
      fi ;;
  esac
  sync
  { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null ||
    note "the page cache could not be dropped (needs root): the cold figures are a restarted database's"
  for _ in $(seq 1 30); do
    case "$1" in postgres*) psql "$1" -Atqc 'select 1' >/dev/null 2>&1 && break ;; *) break ;; esac
    sleep 1
  done
}

bench_on() {
  local url="$1" have=0 size
  case "$url" in
    postgres*)
      for size in $(printf '%s\n' $CURVE | sort -n); do
        [ "$size" -gt "$have" ] && [ "$size" -lt "$ROWS" ] || continue
        generate "$url" $((size - have))
        have=$size
        search "$url" warm
      done ;;
  esac
  generate "$url" $((ROWS - have))
  step "Measuring ($url)"
  PORTICO_BENCH_DATABASE_URL="$url" cargo bench -p server --bench services --locked | grep '^|' >> "$OUT/table.md"
  search "$url" warm
  cold_start "$url"
  search "$url" cold
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

rm -f "$OUT/table.md" "$OUT/search.md" "$OUT/bench.db"*
case "$BENCH_ON" in *" sqlite "*) bench_on "sqlite://$OUT/bench.db?mode=rwc" ;; esac
if [[ "$BENCH_ON" != *" postgres "* ]]; then
  echo "PostgreSQL not measured (PORTICO_BENCH_ON=${PORTICO_BENCH_ON})" | tee -a "$RESULTS"
elif psql "$PG_URL/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  psql "$PG_URL/postgres" -qc 'drop database if exists portico_bench' -qc 'create database portico_bench'
  # A database on the same machine, connected to as the README advises for one: without TLS,
  # whose handshake costs each connection the pool opens about 90 ms (BENCHMARKS.md).
  bench_on "$PG_URL/portico_bench?sslmode=${PORTICO_BENCH_SSLMODE:-disable}"
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
cat "$OUT/search.md" >> "$RESULTS"
step "Results in $RESULTS"
cat "$RESULTS"
