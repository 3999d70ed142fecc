#!/usr/bin/env bash
# Load benchmarks of issue 8 (measured, never asserted), against the release server on a fresh
# SQLite database of generated invitations, the server pinned to one core and the clients to
# another:
#   2. HTTP throughput: wrk on the list server function vs. a bare axum handler serving the
#      same JSON body from memory (`server bench-bare-json`, a hidden subcommand, so that it is
#      built exactly like the server); budget list >= 50 % of bare.
#   5. Logins do not starve the app: a list request's p99 (a slow probe) while 20 connections
#      log in without pause (budget <= 50 ms), and logins/s against the argon2id ceiling of the
#      server's core (`server bench-hash-rate`).
#   6. Memory: the server's RSS idle after start-up and its peak under the load of 2 and 5
#      (budget <= 64 MiB idle, <= 128 MiB under load).
# Writes target/bench/load.md (work files in target/bench/load/).
#   PORTICO_LOAD_SECONDS      length of each measured phase (default 30)
#   PORTICO_LOAD_ROWS         invitations to generate (default 10000)
#   PORTICO_LOAD_PORT         the server's port (default 3180; the bare handler uses +1)
#   PORTICO_LOAD_SERVER_CPU   core the servers are pinned to (default 0)
#   PORTICO_LOAD_CLIENT_CPU   core wrk, curl and the probe are pinned to (default 1)
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

DURATION="${PORTICO_LOAD_SECONDS:-30}"
ROWS="${PORTICO_LOAD_ROWS:-10000}"
PORT="${PORTICO_LOAD_PORT:-3180}"
BARE_PORT=$((PORT + 1))
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

SERVER_PID=""
BARE_PID=""
SAMPLER_PID=""
cleanup() {
  for pid in $SAMPLER_PID $BARE_PID $SERVER_PID; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

client() { taskset -c "$CLIENT_CPU" "$@"; }

kib_of() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Appends the server's RSS (KiB) to $WORK/rss.log every 0.2 s until stopped.
start_sampler() {
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do
      kib_of "$SERVER_PID" VmRSS >> "$WORK/rss.log"
      sleep 0.2
    done ) &
  SAMPLER_PID=$!
}

# run_wrk NAME URL CONNECTIONS LUA: wrk for $DURATION s; its last line is
# "RESULT requests duration_us p50_ms p99_ms non_2xx socket_errors" (from the Lua done()).
run_wrk() {
  local name="$1" url="$2" connections="$3" script="$4"
  client wrk -t1 -c"$connections" -d"${DURATION}s" --latency -s "$script" "$url" |
    tee "$WORK/$name.wrk.log" >&2
  grep '^RESULT ' "$WORK/$name.wrk.log" | tail -1
}

# The figures of run_wrk, or the end of the script when wrk printed none.
need() { [ -n "$2" ] || { echo "error: wrk ($1) printed no RESULT line, see $WORK/$1.wrk.log" >&2; exit 1; }; }

# wrk scripts: POST with a fixed form body and headers; done() prints the figures to parse.
wrk_script() {
  local file="$1" body="$2" cookie_line=""
  [ -z "${3:-}" ] || cookie_line="wrk.headers[\"Cookie\"] = \"$3\""
  cat > "$file" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
$cookie_line
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.1f %.1f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
LUA
}

# probe SECONDS FILE: one list request every 100 ms, appending "status seconds" lines.
probe() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    client curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
      -H "Cookie: $COOKIE" --data '' "$BASE/api/list_invitations" >> "$2" || echo "000 0" >> "$2"
    sleep 0.1
  done
}

# percentile FILE P: the P-th percentile (nearest rank) of the second column, in ms.
percentile() {
  awk '{ print $2 * 1000 }' "$1" | sort -n | awk -v p="$2" '{ v[NR] = $1 }
    END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; printf "%.1f", v[i] }'
}

verdict() { awk -v v="$1" -v limit="$3" -v op="$2" 'BEGIN {
  ok = (op == ">=") ? v >= limit : v <= limit; print ok ? "MET" : "MISSED" }'; }

# ---------------------------------------------------------------------------------------------
ensure_wrk
[ "$(nproc)" -ge 2 ] || note "only $(nproc) core(s): server and clients share a core"

step "Building the server (release)"
cargo build --release -p server --bin server --locked

rm -rf "$WORK" && mkdir -p "$WORK/site"
DB_URL="sqlite://$WORK/load.db?mode=rwc"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

step "Filling a fresh SQLite database: $ROWS invitations and an admin"
target/release/server --database-url "$DB_URL" --log warn generate --invitations "$ROWS"
target/release/server --database-url "$DB_URL" --log warn create-admin \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD"

step "Starting the server on core $SERVER_CPU ($BASE)"
taskset -c "$SERVER_CPU" target/release/server \
  --database-url "$DB_URL" --bind "127.0.0.1:$PORT" --public-url "$BASE" \
  --site-root "$WORK/site" --mail-worker false --mail-dir "$WORK/mail" --log warn \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for "$BASE/readyz"
sleep 2
IDLE_RSS=$(kib_of "$SERVER_PID" VmRSS)
IDLE_HWM=$(kib_of "$SERVER_PID" VmHWM)
note "idle: VmRSS $(mib "$IDLE_RSS") MiB, VmHWM $(mib "$IDLE_HWM") MiB"

COOKIE=$(curl -sS -D - -o /dev/null --data-urlencode "email=$ADMIN_EMAIL" \
  --data-urlencode "password=$ADMIN_PASSWORD" "$BASE/api/login" |
  tr -d '\r' | awk 'tolower($1) == "set-cookie:" { split($2, c, ";"); print c[1]; exit }')
[ -n "$COOKIE" ] || { echo "error: the admin login gave no session cookie" >&2; exit 1; }
curl -sS -f -H "Cookie: $COOKIE" --data '' "$BASE/api/list_invitations" -o "$WORK/list.json"
grep -q '"total"' "$WORK/list.json" || { echo "error: unexpected list body: $(head -c 300 "$WORK/list.json")" >&2; exit 1; }
note "list body: $(stat -c %s "$WORK/list.json") bytes"

wrk_script "$WORK/list.lua" "" "$COOKIE"
wrk_script "$WORK/login.lua" "email=admin%40load.test&password=$ADMIN_PASSWORD"

start_sampler

step "2. wrk, $CONNECTIONS connections, ${DURATION} s: the list server function"
read -r _ LIST_N LIST_US LIST_P50 LIST_P99 LIST_BAD LIST_SOCK < <(run_wrk list "$BASE/api/list_invitations" "$CONNECTIONS" "$WORK/list.lua")
need list "$LIST_N"

step "2. wrk, $CONNECTIONS connections, ${DURATION} s: a bare axum handler with the same body"
taskset -c "$SERVER_CPU" target/release/server bench-bare-json --port "$BARE_PORT" \
  --body-file "$WORK/list.json" > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --data '' "$BARE/api/list_invitations")" = 200 ] && break
  sleep 0.1
done
curl -s --data '' "$BARE/api/list_invitations" | cmp -s - "$WORK/list.json" ||
  { echo "error: the bare handler does not serve the list body" >&2; exit 1; }
read -r _ BARE_N BARE_US BARE_P50 BARE_P99 BARE_BAD BARE_SOCK < <(run_wrk bare "$BARE/api/list_invitations" "$CONNECTIONS" "$WORK/list.lua")
need bare "$BARE_N"
kill "$BARE_PID" 2>/dev/null || true
wait "$BARE_PID" 2>/dev/null || true
BARE_PID=""

LIST_RPS=$(awk -v n="$LIST_N" -v us="$LIST_US" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
BARE_RPS=$(awk -v n="$BARE_N" -v us="$BARE_US" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
PEAK_LIST=$(sort -n "$WORK/rss.log" | tail -1)
RATIO=$(awk -v a="$LIST_RPS" -v b="$BARE_RPS" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')

step "5. The list probe alone (${DURATION} s, one request every 100 ms)"
probe "$DURATION" "$WORK/probe-alone.log"

step "5. The list probe while $LOGIN_CONNECTIONS connections log in without pause (${DURATION} s)"
probe "$DURATION" "$WORK/probe-logins.log" &
PROBE_PID=$!
read -r _ LOGIN_N LOGIN_US _ LOGIN_P99 LOGIN_BAD LOGIN_SOCK < <(run_wrk login "$BASE/api/login" "$LOGIN_CONNECTIONS" "$WORK/login.lua")
need login "$LOGIN_N"
wait "$PROBE_PID"
LOGIN_RPS=$(awk -v n="$LOGIN_N" -v us="$LOGIN_US" 'BEGIN { printf "%.1f", n / (us / 1e6) }')
ALONE_P50=$(percentile "$WORK/probe-alone.log" 50)
ALONE_P99=$(percentile "$WORK/probe-alone.log" 99)
UNDER_P50=$(percentile "$WORK/probe-logins.log" 50)
UNDER_P99=$(percentile "$WORK/probe-logins.log" 99)
PROBE_N=$(wc -l < "$WORK/probe-logins.log")
PROBE_BAD=$(awk '$1 != 200' "$WORK/probe-alone.log" "$WORK/probe-logins.log" | wc -l)

kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
PEAK_RSS=$(sort -n "$WORK/rss.log" | tail -1)
END_HWM=$(kib_of "$SERVER_PID" VmHWM)

step "5. argon2id verifications per second on core $SERVER_CPU (the login ceiling)"
taskset -c "$SERVER_CPU" target/release/server bench-hash-rate --verifications 30 | tee "$WORK/hash_rate.log"
HASH_RATE=$(awk '/^verifications_per_second/ { print $2 }' "$WORK/hash_rate.log")
LOGIN_SHARE=$(awk -v a="$LOGIN_RPS" -v b="$HASH_RATE" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
{
  echo "# Load benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
  echo "Release server on SQLite with $ROWS generated invitations, pinned to core $SERVER_CPU; wrk,"
  echo "curl and the probe pinned to core $CLIENT_CPU; ${DURATION} s per phase. Load average"
  echo "(1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER (above ~0.5 before, other work"
  echo "competed for the cores and the figures are low)."
  echo
  echo "## 2. HTTP throughput (budget: list >= 50 % of bare): $(verdict "$RATIO" ">=" 50)"
  echo
  echo "wrk, 1 thread, $CONNECTIONS connections, POST with the admin's session cookie and an empty form"
  echo "(the first page, newest first). The bare handler serves the list's own $(stat -c %s "$WORK/list.json")-byte body."
  echo
  echo "| target | requests/s | p50 ms | p99 ms | non-2xx | socket errors |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| POST /api/list_invitations (Portico) | $LIST_RPS | $LIST_P50 | $LIST_P99 | $LIST_BAD | $LIST_SOCK |"
  echo "| POST, bare axum, same JSON from memory | $BARE_RPS | $BARE_P50 | $BARE_P99 | $BARE_BAD | $BARE_SOCK |"
  echo "| **list / bare** | **$RATIO %** | | | | |"
  echo
  echo "## 5. Logins do not starve the app (budget: list p99 <= 50 ms under login load): $(verdict "$UNDER_P99" "<=" 50)"
  echo
  echo "A probe sends one list request every 100 ms (curl, time_total); meanwhile wrk keeps"
  echo "$LOGIN_CONNECTIONS connections logging in (correct password, a new session each)."
  echo
  echo "| measure | value |"
  echo "| --- | --- |"
  echo "| list p50 / p99, probe alone | $ALONE_P50 / $ALONE_P99 ms |"
  echo "| list p50 / p99, probe during $LOGIN_CONNECTIONS concurrent logins ($PROBE_N requests) | $UNDER_P50 / **$UNDER_P99 ms** |"
  echo "| probe requests not answered 200 | $PROBE_BAD |"
  echo "| logins/s (p99 $LOGIN_P99 ms; non-2xx $LOGIN_BAD, socket errors $LOGIN_SOCK) | $LOGIN_RPS |"
  echo "| argon2id verifications/s on core $SERVER_CPU, one after another (hash-only ceiling) | $HASH_RATE |"
  echo "| logins/s as a share of the ceiling | $LOGIN_SHARE % |"
  echo
  echo "## 6. Memory (budget: <= 64 MiB idle, <= 128 MiB under load): idle $(verdict "$(mib "$IDLE_RSS")" "<=" 64), load $(verdict "$(mib "$PEAK_RSS")" "<=" 128)"
  echo
  echo "| measure (/proc/<pid>/status) | MiB |"
  echo "| --- | --- |"
  echo "| VmRSS idle, 2 s after start-up | $(mib "$IDLE_RSS") |"
  echo "| VmHWM after start-up (includes migrating) | $(mib "$IDLE_HWM") |"
  echo "| VmRSS peak sampled every 0.2 s during phase 2 (list and bare wrk) | $(mib "$PEAK_LIST") |"
  echo "| VmRSS peak sampled every 0.2 s during phases 2 and 5 (5: logins) | $(mib "$PEAK_RSS") |"
  echo "| VmHWM at the end | $(mib "$END_HWM") |"
} > "$RESULTS"

step "Results in $RESULTS"
cat "$RESULTS"
