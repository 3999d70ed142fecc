#!/usr/bin/env bash
# Load benchmarks of issue 8 (measured, never asserted), against the release server on a fresh
# SQLite database of generated invitations, the server pinned to one core and the clients to
# another:
#   2. HTTP throughput: wrk on the list server function (a page of 50 with its total) vs. a
#      hand-written axum + sqlx handler doing the same work and answering the same JSON
#      (`server bench-anchor`, a hidden subcommand, so that it is built exactly like the server);
#      budget list >= 50 % of the anchor. A bare handler serving that JSON from memory (`server
#      bench-bare-json`) is measured too, as the ceiling of no work at all.
#   5. Logins do not starve the app: a list request's p99 (a slow probe) while 20 connections
#      log in without pause (budget <= 50 ms), and logins/s against the argon2id ceiling of the
#      server's core (`server bench-hash-rate`).
#   6. Memory: the server's RSS idle after start-up and its peak under the load of 2 and 5
#      (budget <= 64 MiB idle, <= 128 MiB under load).
# The script only runs and records: the raw output (wrk's, the probe's, /proc samples) goes to
# target/bench/load/, and `server bench-load-report` (server/src/load_report.rs) computes the
# percentiles, rates, MiB and verdicts from it into target/bench/load.md.
#   PORTICO_LOAD_SECONDS      length of each measured phase (default 30)
#   PORTICO_LOAD_ROWS         invitations to generate (default 10000)
#   PORTICO_LOAD_PORT         the server's port (default 3180; the bare handler uses +1)
#   PORTICO_LOAD_SERVER_CPU   core the servers are pinned to (default 0)
#   PORTICO_LOAD_CLIENT_CPU   core wrk, curl and the probe are pinned to (default 1)
source "$(dirname "$0")/tools.sh"
# The release server `make run` builds (tools.sh, site_rustflags), and its compiled dependencies.
export RUSTFLAGS="$(site_rustflags)"
cd "$ROOT"

DURATION="${PORTICO_LOAD_SECONDS:-30}"
ROWS="${PORTICO_LOAD_ROWS:-10000}"
PORT="${PORTICO_LOAD_PORT:-3180}"
BARE_PORT=$((PORT + 1))
ANCHOR_PORT=$((PORT + 2))
SERVER_CPU="${PORTICO_LOAD_SERVER_CPU:-0}"
CLIENT_CPU="${PORTICO_LOAD_CLIENT_CPU:-1}"
CONNECTIONS=64
LOGIN_CONNECTIONS=20
ADMIN_EMAIL="admin@load.test"
ADMIN_PASSWORD="Load-Admin-Pw-1"
OUT="$ROOT/target/bench"
WORK="$OUT/load"
RESULTS="$OUT/load.md"
BASE="http://127.0.0.1:$PORT"
BARE="http://127.0.0.1:$BARE_PORT"
ANCHOR="http://127.0.0.1:$ANCHOR_PORT"
LIST_FORM="page_size=50"

SERVER_PID=""
BARE_PID=""
ANCHOR_PID=""
SAMPLER_PID=""
PROBE_PID=""
cleanup() {
  for pid in $PROBE_PID $SAMPLER_PID $BARE_PID $ANCHOR_PID $SERVER_PID; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

client() { taskset -c "$CLIENT_CPU" "$@"; }

# start_sampler PHASE: appends the server's VmRSS line to $WORK/rss-PHASE.log every 0.2 s
# until stop_sampler.
start_sampler() {
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do
      grep '^VmRSS:' "/proc/$SERVER_PID/status" >> "$WORK/rss-$1.log" || break
      sleep 0.2
    done ) &
  SAMPLER_PID=$!
}
stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}

# run_wrk NAME URL CONNECTIONS LUA: wrk for $DURATION s, its output kept in $WORK/NAME.wrk.log
# (the report reads it); the end of the script when wrk measured nothing.
run_wrk() {
  local name="$1" url="$2" connections="$3" script="$4"
  client wrk -t1 -c"$connections" -d"${DURATION}s" --latency -s "$script" "$url" |
    tee "$WORK/$name.wrk.log" >&2
  grep -q '^Requests/sec:' "$WORK/$name.wrk.log" ||
    { echo "error: wrk ($name) printed no Requests/sec line, see $WORK/$name.wrk.log" >&2; exit 1; }
}

# wrk scripts: POST with a fixed form body and headers.
wrk_script() {
  local file="$1" body="$2" cookie_line=""
  [ -z "${3:-}" ] || cookie_line="wrk.headers[\"Cookie\"] = \"$3\""
  cat > "$file" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
$cookie_line
LUA
}

# probe SECONDS FILE: one list request every 100 ms, appending "status seconds" lines.
probe() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    client curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
      -H "Cookie: $COOKIE" --data "$LIST_FORM" "$BASE/api/list_invitations" >> "$2" || true
    # (curl writes its "000 <time>" line itself when a request fails: one line per request)
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
ensure_wrk
[ "$(nproc)" -ge 2 ] || note "only $(nproc) core(s): server and clients share a core"

step "Building the server (release)"
cargo build --release -p server --bin server --locked

rm -rf "$WORK" && mkdir -p "$WORK/site"
DB_URL="sqlite://$WORK/load.db?mode=rwc"
cp /proc/loadavg "$WORK/loadavg-before.txt"

step "Filling a fresh SQLite database: $ROWS invitations and an admin"
target/release/server --database-url "$DB_URL" --log warn generate --invitations "$ROWS"
target/release/server --database-url "$DB_URL" --log warn create-admin \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD"

step "Starting the server on core $SERVER_CPU ($BASE)"
# The login phase measures the password-checking path: 20 connections log one account in from
# one address without pause, which the login limits (at most 10 checks in flight or failed per
# account) would otherwise answer mostly with 429s, measuring the limiter instead.
PORTICO_RATE_LOGIN_FAILURES_PER_ACCOUNT=1000000 PORTICO_RATE_LOGIN_FAILURES_PER_IP=1000000 \
taskset -c "$SERVER_CPU" target/release/server \
  --database-url "$DB_URL" --bind "127.0.0.1:$PORT" --public-url "$BASE" \
  --site-root "$WORK/site" --mail-worker false --mail-dir "$WORK/mail" --log warn \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for "$BASE/readyz"
sleep 2
cp "/proc/$SERVER_PID/status" "$WORK/status-idle.txt"
note "idle: $(grep -E '^Vm(HWM|RSS):' "$WORK/status-idle.txt" | xargs)"

SET_COOKIE=$(curl -sS -o /dev/null -w '%header{set-cookie}' --data-urlencode "email=$ADMIN_EMAIL" \
  --data-urlencode "password=$ADMIN_PASSWORD" "$BASE/api/login")
COOKIE="${SET_COOKIE%%;*}"   # name=value, without the attributes
[ -n "$COOKIE" ] || { echo "error: the admin login gave no session cookie" >&2; exit 1; }
curl -sS -f -H "Cookie: $COOKIE" --data "$LIST_FORM" "$BASE/api/list_invitations" -o "$WORK/list.json"
grep -q '"total"' "$WORK/list.json" || { echo "error: unexpected list body: $(head -c 300 "$WORK/list.json")" >&2; exit 1; }
note "list body: $(stat -c %s "$WORK/list.json") bytes"

wrk_script "$WORK/list.lua" "$LIST_FORM" "$COOKIE"
wrk_script "$WORK/login.lua" "email=admin%40load.test&password=$ADMIN_PASSWORD"

start_sampler wrk

step "2. wrk, $CONNECTIONS connections, ${DURATION} s: the list server function"
run_wrk list "$BASE/api/list_invitations" "$CONNECTIONS" "$WORK/list.lua"

step "2. wrk, $CONNECTIONS connections, ${DURATION} s: the hand-written anchor (axum + sqlx)"
taskset -c "$SERVER_CPU" target/release/server --database-url "$DB_URL" --public-url "$BASE" \
  --log warn bench-anchor --port "$ANCHOR_PORT" > "$WORK/anchor.log" 2>&1 &
ANCHOR_PID=$!
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" --data "$LIST_FORM" "$ANCHOR/api/list_invitations")" = 200 ] && break
  sleep 0.1
done
# The same work: the anchor answers the list's body byte for byte (both read now).
curl -sS -f -H "Cookie: $COOKIE" --data "$LIST_FORM" "$BASE/api/list_invitations" -o "$WORK/list.json"
curl -sS -H "Cookie: $COOKIE" --data "$LIST_FORM" "$ANCHOR/api/list_invitations" -o "$WORK/anchor.json"
cmp -s "$WORK/anchor.json" "$WORK/list.json" ||
  { echo "error: the anchor's body differs from the list's: $WORK/anchor.json, $WORK/list.json" >&2; exit 1; }
run_wrk anchor "$ANCHOR/api/list_invitations" "$CONNECTIONS" "$WORK/list.lua"
kill "$ANCHOR_PID" 2>/dev/null || true
wait "$ANCHOR_PID" 2>/dev/null || true
ANCHOR_PID=""

step "2. wrk, $CONNECTIONS connections, ${DURATION} s: a bare axum handler with the same body"
taskset -c "$SERVER_CPU" target/release/server bench-bare-json --port "$BARE_PORT" \
  --body-file "$WORK/list.json" > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --data "$LIST_FORM" "$BARE/api/list_invitations")" = 200 ] && break
  sleep 0.1
done
curl -s --data "$LIST_FORM" "$BARE/api/list_invitations" | cmp -s - "$WORK/list.json" ||
  { echo "error: the bare handler does not serve the list body" >&2; exit 1; }
run_wrk bare "$BARE/api/list_invitations" "$CONNECTIONS" "$WORK/list.lua"
kill "$BARE_PID" 2>/dev/null || true
wait "$BARE_PID" 2>/dev/null || true
BARE_PID=""
stop_sampler
start_sampler logins

step "5. The list probe alone (${DURATION} s, one request every 100 ms)"
probe "$DURATION" "$WORK/probe-alone.log"

step "5. The list probe while $LOGIN_CONNECTIONS connections log in without pause (${DURATION} s)"
probe "$DURATION" "$WORK/probe-logins.log" &
PROBE_PID=$!
run_wrk login "$BASE/api/login" "$LOGIN_CONNECTIONS" "$WORK/login.lua"
wait "$PROBE_PID"
PROBE_PID=""
stop_sampler
cp "/proc/$SERVER_PID/status" "$WORK/status-end.txt"

step "5. argon2id verifications per second on core $SERVER_CPU (the login ceiling)"
taskset -c "$SERVER_CPU" target/release/server bench-hash-rate --verifications 30 | tee "$WORK/hash_rate.log"
cp /proc/loadavg "$WORK/loadavg-after.txt"

step "Results in $RESULTS"
target/release/server --log warn bench-load-report --work "$WORK" --out "$RESULTS" \
  --rows "$ROWS" --seconds "$DURATION" --connections "$CONNECTIONS" \
  --login-connections "$LOGIN_CONNECTIONS" --server-cpu "$SERVER_CPU" --client-cpu "$CLIENT_CPU"
