#!/usr/bin/env bash
# `make test`: installs what is missing, then runs every check and test Portico has:
# formatting, clippy, Rust unit + integration tests on SQLite (always), PostgreSQL and MariaDB
# (when reachable; PostgreSQL is required when PORTICO_REQUIRE_POSTGRES=1, as in CI), the app
# build, the Playwright suite in Chromium against the real server and a real SMTP catcher, and
# the REST API checked by redocly's linter and Schemathesis.
# Ends with one summary line.
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
set +e

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
PASSED=0
FAILED=0
PROBLEMS=()
BACKENDS=()
START=$(date +%s)

PG_URL="${PORTICO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
MYSQL_URL="${PORTICO_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306}"

problem() { PROBLEMS+=("$1"); printf '\033[31m    FAILED: %s\033[0m\n' "$1"; }

# Adds the counts of a cargo test log ("test result: ok. N passed; M failed; ...").
count_cargo_log() {
  local counts
  counts=$(awk '/^test result:/ { for (i = 2; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
                END { print p + 0, f + 0 }' "$1")
  PASSED=$((PASSED + ${counts% *}))
  FAILED=$((FAILED + ${counts#* }))
  echo "    $2: ${counts% *} passed, ${counts#* } failed"
}

# run_cargo_tests LABEL LOGNAME -- cargo args...
run_cargo_tests() {
  local label="$1" log="$LOGS/$2.log"
  shift 3
  step "Rust tests: $label"
  cargo "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  count_cargo_log "$log" "$label"
  [ "$status" -eq 0 ] || problem "Rust tests ($label), log: $log"
  BACKENDS+=("$label: ran")
}

pg_reachable() { psql "$PG_URL/postgres" -Atqc 'select 1' >/dev/null 2>&1; }
mysql_reachable() {
  local hostport="${MYSQL_URL#*@}"
  mariadb -h "${hostport%:*}" -P "${hostport#*:}" -u root -e 'select 1' >/dev/null 2>&1
}

drop_test_databases() {
  case "$1" in
    postgres)
      psql "$PG_URL/postgres" -Atqc "select datname from pg_database where datname like 'portico\_t\_%'" 2>/dev/null |
        while read -r db; do psql "$PG_URL/postgres" -qc "drop database if exists $db" >/dev/null 2>&1; done ;;
    mysql)
      local hostport="${MYSQL_URL#*@}"
      mariadb -h "${hostport%:*}" -P "${hostport#*:}" -u root -N -e "show databases like 'portico\_t\_%'" 2>/dev/null |
        while read -r db; do mariadb -h "${hostport%:*}" -P "${hostport#*:}" -u root -e "drop database if exists $db" >/dev/null 2>&1; done ;;
  esac
}

start_local_postgres() {
  if ! pg_reachable && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    step "Starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>&1 | sed 's/^/    /'
    for _ in $(seq 1 30); do pg_reachable && break; sleep 1; done
  fi
}

start_local_mariadb() {
  if ! mysql_reachable && [ -x /usr/sbin/mariadbd ] && command -v start-stop-daemon >/dev/null; then
    step "Starting the local MariaDB server"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 2>&1 | sed 's/^/    /'
    for _ in $(seq 1 30); do mysql_reachable && break; sleep 1; done
  fi
}

# ---------------------------------------------------------------------------------------------
ensure_build_tools
ensure_chromium
ensure_python_packages

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check || problem "formatting: run 'cargo fmt --all'"

step "Clippy (server and shared code)"
cargo clippy -p app -p server --all-targets --locked -- -D warnings || problem "clippy (native)"
step "Clippy (browser code, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings || problem "clippy (wasm32)"

run_cargo_tests "SQLite" sqlite -- test -p app -p server --locked

# The database runs select the same packages as the SQLite run (so cargo reuses its build:
# another selection unifies features differently and recompiles everything) and run only
# the integration tests, which are the ones that touch a database.
start_local_postgres
if pg_reachable; then
  drop_test_databases postgres
  PORTICO_TEST_BACKEND=postgres PORTICO_TEST_POSTGRES_URL="$PG_URL" \
    run_cargo_tests "PostgreSQL" postgres -- test -p app -p server --test "*" --locked
  drop_test_databases postgres
elif [ "${PORTICO_REQUIRE_POSTGRES:-0}" = 1 ]; then
  problem "PostgreSQL is required (PORTICO_REQUIRE_POSTGRES=1) but not reachable at $PG_URL and could not be started"
  BACKENDS+=("PostgreSQL: REQUIRED but unreachable")
else
  echo "    PostgreSQL tests skipped: nothing answers at $PG_URL (set PORTICO_TEST_POSTGRES_URL)"
  BACKENDS+=("PostgreSQL: skipped (not reachable at $PG_URL)")
fi

start_local_mariadb
if mysql_reachable; then
  drop_test_databases mysql
  PORTICO_TEST_BACKEND=mysql PORTICO_TEST_MYSQL_URL="$MYSQL_URL" \
    run_cargo_tests "MariaDB" mysql -- test -p app -p server --test "*" --locked
  drop_test_databases mysql
else
  echo "    MariaDB tests skipped: nothing answers at $MYSQL_URL (set PORTICO_TEST_MYSQL_URL)"
  BACKENDS+=("MariaDB: skipped (not reachable at $MYSQL_URL)")
fi

# The server and the WASM bundle are built together (build_site, as cargo-leptos does): both
# must be compiled with the same flags (--cfg erase_components), or hydration fails on a markup
# mismatch.
step "Building the app (as cargo leptos build does, precompressed)"
if build_site; then
  step "Browser tests (Playwright + Chromium + maildev)"
  (cd end2end && playwright test) 2>&1 | tee "$LOGS/e2e.log"
  status=${PIPESTATUS[0]}
  e2e_passed=$(grep -Eo '^ +[0-9]+ passed' "$LOGS/e2e.log" | grep -Eo '[0-9]+' | tail -1)
  e2e_failed=$(grep -Eo '^ +[0-9]+ failed' "$LOGS/e2e.log" | grep -Eo '[0-9]+' | tail -1)
  PASSED=$((PASSED + ${e2e_passed:-0}))
  FAILED=$((FAILED + ${e2e_failed:-0}))
  echo "    Playwright: ${e2e_passed:-0} passed, ${e2e_failed:-0} failed"
  [ "$status" -eq 0 ] || problem "Playwright (server logs in end2end/.run/)"

  # The REST API against clients nobody here wrote: redocly's linter and Schemathesis.
  bash scripts/api-contract.sh "$ROOT/target/debug/server" 2>&1 | tee "$LOGS/api-contract.log"
  status=${PIPESTATUS[0]}
  st_line=$(grep -Eo '[0-9]+ generated, [0-9]+ passed' "$LOGS/api-contract.log" | tail -1)
  echo "    API contract: redocly lint + Schemathesis (${st_line:-no result})"
  if [ "$status" -eq 0 ]; then
    PASSED=$((PASSED + 2))
  else
    FAILED=$((FAILED + 1))
    problem "API contract (redocly lint / Schemathesis), logs: target/test-logs/api-contract/"
  fi
else
  problem "building the app (cargo leptos build + precompress)"
fi

# ---------------------------------------------------------------------------------------------
step "Summary ($(( $(date +%s) - START ))s)"
for b in "${BACKENDS[@]}"; do echo "    $b"; done
for p in "${PROBLEMS[@]}"; do echo "    problem: $p"; done
if [ "${#PROBLEMS[@]}" -gt 0 ] && [ "$FAILED" -eq 0 ]; then
  FAILED=${#PROBLEMS[@]}   # a failed check (fmt, clippy, build) counts as a failure
fi
echo "summary: $PASSED passed, $FAILED failed"
[ "${#PROBLEMS[@]}" -eq 0 ]
